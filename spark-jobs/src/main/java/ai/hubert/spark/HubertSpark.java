package ai.hubert.spark;

import ai.hubert.store.FeatureStore;
import ai.hubert.store.StoreLocation;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession every job runs in: Kryo with the project's registrator, the feature
 * store's Iceberg catalog, barrier-stage settings and DJL's offline mode on executors. Under
 * {@code spark-submit} the master and confs given there win; {@code --master}/{@code --conf} given to
 * the CLI win over both.
 */
public final class HubertSpark {
  /** System property that turns on {@code spark.kryo.registrationRequired} (set by the test build). */
  public static final String KRYO_STRICT_PROPERTY = "hubert.test.kryoRegistrationRequired";

  private String master;
  private StoreLocation store = StoreLocation.of(StoreLocation.DEFAULT);
  private final Map<String, String> conf = new LinkedHashMap<>();
  private String appName = "hubert";

  private HubertSpark() {}

  public static HubertSpark builder() {
    return new HubertSpark();
  }

  /** The master URL; null keeps what spark-submit set, else {@code local[*]}. */
  public HubertSpark master(String value) {
    this.master = value;
    return this;
  }

  public HubertSpark store(StoreLocation value) {
    this.store = value;
    return this;
  }

  public HubertSpark appName(String value) {
    this.appName = value;
    return this;
  }

  /** A Spark setting that overrides the defaults. */
  public HubertSpark conf(String key, String value) {
    conf.put(key, value);
    return this;
  }

  /** Settings for tests: small shuffles, no UI, strict Kryo registration. */
  public HubertSpark forTests() {
    conf.putIfAbsent("spark.ui.enabled", "false");
    conf.putIfAbsent("spark.sql.shuffle.partitions", "2");
    conf.putIfAbsent("spark.default.parallelism", "2");
    conf.putIfAbsent("spark.kryo.registrationRequired", "true");
    return this;
  }

  /** Creates the session, or returns the active one reconfigured with this builder's runtime settings. */
  public SparkSession getOrCreate() {
    SparkConf defaults = new SparkConf(true);
    return create(defaults, settings(defaults));
  }

  /** The session settings given what spark-submit already set ({@code defaults}). */
  Map<String, String> settings(SparkConf defaults) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    settings.put("spark.kryo.registrator", HubertKryoRegistrator.class.getName());
    settings.put("spark.kryo.registrationRequired", Boolean.toString(Boolean.getBoolean(KRYO_STRICT_PROPERTY)));
    // Defaults below yield to what spark-submit (--conf, spark-defaults.conf) already set, e.g. a REST or Glue
    // catalog for "hubert" or a longer barrier check interval; this builder's own conf() always wins.
    Map<String, String> overridable = new LinkedHashMap<>();
    overridable.put("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s");
    overridable.put("spark.sql.sources.partitionOverwriteMode", "dynamic");
    overridable.putAll(FeatureStore.sparkSettings(store, Map.of()));
    overridable.forEach((k, v) -> {
      if (k.equals(FeatureStore.LOCATION_CONF) || !defaults.contains(k)) {
        settings.put(k, v);
      }
    });
    String extensions = defaults.get("spark.sql.extensions", "");
    String iceberg = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";
    if (!extensions.isEmpty() && !extensions.contains(iceberg)) {
      settings.put("spark.sql.extensions", extensions + "," + iceberg);
    }
    String executorOpts = defaults.get("spark.executor.extraJavaOptions", "");
    if (!executorOpts.contains("ai.djl.offline")) {
      settings.put("spark.executor.extraJavaOptions", (executorOpts + " -Dai.djl.offline=true").trim());
    }
    settings.putAll(conf);
    return settings;
  }

  private SparkSession create(SparkConf defaults, Map<String, String> settings) {
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    String effectiveMaster = master != null ? master : defaults.get("spark.master", "local[*]");
    b.master(effectiveMaster);
    if (effectiveMaster.startsWith("local") && System.getenv("SPARK_LOCAL_IP") == null && !defaults.contains("spark.driver.host")) {
      settings.putIfAbsent("spark.driver.host", "127.0.0.1");
      settings.putIfAbsent("spark.driver.bindAddress", "127.0.0.1");
    }
    settings.forEach(b::config);
    scala.Option<SparkSession> existing = SparkSession.getDefaultSession();
    String boundStore = existing.isDefined() ? existing.get().conf().get(FeatureStore.LOCATION_CONF, null) : null;
    SparkSession spark = b.getOrCreate();
    if (boundStore != null && !boundStore.equals(store.uri())) {
      // An existing session was bound to another store: its catalog caches the old warehouse.
      spark.sessionState().catalogManager().reset();
    }
    return spark;
  }
}
