package ai.hubert.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.hubert.store.FeatureStore;
import ai.hubert.store.StoreLocation;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** What spark-submit already set wins over the builder's defaults; the builder's own conf() wins over both. */
class HubertSparkSettingsTest {
  @Test
  void defaultsApplyOnlyWhereSparkSubmitSetNothing() {
    HubertSpark builder = HubertSpark.builder().store(StoreLocation.of("/tmp/hubert-settings-test"));
    Map<String, String> plain = builder.settings(new SparkConf(false));
    assertEquals("1s", plain.get("spark.scheduler.barrier.maxConcurrentTasksCheck.interval"));
    assertEquals("hadoop", plain.get("spark.sql.catalog.hubert.type"));
    assertEquals("org.apache.spark.serializer.KryoSerializer", plain.get("spark.serializer"));

    SparkConf submitted = new SparkConf(false)
        .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "15s")
        .set("spark.sql.catalog.hubert.type", "rest")
        .set("spark.sql.catalog.hubert.uri", "https://catalog.example/api")
        .set("spark.sql.extensions", "com.example.Ext");
    Map<String, String> s = builder.settings(submitted);
    assertFalse(s.containsKey("spark.scheduler.barrier.maxConcurrentTasksCheck.interval"), "spark-submit's 15s stays");
    assertFalse(s.containsKey("spark.sql.catalog.hubert.type"), "spark-submit's REST catalog stays");
    assertEquals("com.example.Ext,org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions", s.get("spark.sql.extensions"));
    assertEquals(StoreLocation.of("/tmp/hubert-settings-test").uri(), s.get(FeatureStore.LOCATION_CONF), "the store location always follows --store");

    Map<String, String> forced = builder.conf("spark.sql.catalog.hubert.type", "hive").settings(submitted);
    assertEquals("hive", forced.get("spark.sql.catalog.hubert.type"), "the builder's own conf() wins");
  }
}
