package ai.hubert.cli;

import ai.hubert.spark.HubertSpark;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.StoreLocation;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** What every command shares: global options, the output stream, and a lazily started Spark session. */
public final class CliContext {
  private final StoreLocation store;
  private final String master;
  private final Map<String, String> conf;
  private final PrintStream out;
  private SparkSession spark;

  CliContext(StoreLocation store, String master, Map<String, String> conf, PrintStream out) {
    this.store = store;
    this.master = master;
    this.conf = new LinkedHashMap<>(conf);
    this.out = out;
  }

  public StoreLocation storeLocation() {
    return store;
  }

  public PrintStream out() {
    return out;
  }

  /** The Spark session, started on first use. */
  public SparkSession spark() {
    if (spark == null) {
      HubertSpark builder = HubertSpark.builder().master(master).store(store).appName("hubert");
      conf.forEach(builder::conf);
      spark = builder.getOrCreate();
    }
    return spark;
  }

  /** The feature store, on the Spark session. */
  public FeatureStore store() {
    return FeatureStore.attach(spark());
  }

  boolean sparkStarted() {
    return spark != null;
  }
}
