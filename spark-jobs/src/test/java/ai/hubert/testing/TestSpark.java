package ai.hubert.testing;

import ai.hubert.spark.HubertSpark;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.StoreLocation;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** One local[2] session per test JVM, rebound to whichever store a test asks for. */
public final class TestSpark {
  private TestSpark() {}

  public static SparkSession session(Path store) {
    return HubertSpark.builder().master("local[2]").store(StoreLocation.of(store.toString())).forTests().getOrCreate();
  }

  public static FeatureStore store(Path store) {
    return FeatureStore.attach(session(store));
  }
}
