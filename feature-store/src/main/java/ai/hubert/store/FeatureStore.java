package ai.hubert.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.DataFrameWriterV2;

/**
 * The feature store: versioned Iceberg tables of audio, features, k-means models and labels, one
 * namespace per dataset, under one catalog named {@value #CATALOG}. By default the catalog is an
 * Iceberg Hadoop catalog whose warehouse is the store location; any other Iceberg catalog (Hive,
 * REST, Glue) is chosen with the usual {@code spark.sql.catalog.hubert.*} settings.
 *
 * <p>Every write is one atomic Iceberg commit that carries its {@link Lineage} in the snapshot summary.
 */
public final class FeatureStore {
  /** Name of the Spark catalog that holds the store's tables. */
  public static final String CATALOG = "hubert";
  /** Spark conf key holding the store location, so executors and later jobs find it. */
  public static final String LOCATION_CONF = "spark.hubert.store";
  /** Folder below the store root that holds the Iceberg warehouse (other folders hold corpora and runs). */
  public static final String TABLES_DIR = "tables";
  /** Target size of one Parquet data file (shard). */
  public static final long TARGET_FILE_BYTES = 128L * 1024 * 1024;

  /** Table name of a dataset's decoded audio. */
  public static final String AUDIO = "audio";
  /** Table name of a dataset's rejected inputs, each with its reason. */
  public static final String AUDIO_REJECTS = "audio_rejects";
  /** Table name of a dataset's label sets. */
  public static final String LABELS = "labels";
  /** Table name of a dataset's label-quality evaluations. */
  public static final String LABEL_QUALITY = "label_quality";
  /** Table name of a dataset's k-means models. */
  public static final String KMEANS_MODELS = "kmeans_models";
  /** Prefix of feature-set tables: {@code features_<name>}. */
  public static final String FEATURES_PREFIX = "features_";

  private final SparkSession spark;
  private final StoreLocation location;

  private FeatureStore(SparkSession spark, StoreLocation location) {
    this.spark = spark;
    this.location = location;
  }

  /**
   * The Spark settings that make the store's catalog available; pass them to the session builder
   * (the Iceberg SQL extensions are a static setting). Settings already present in {@code existing}
   * win, so a user can point the catalog at Hive, REST or Glue.
   */
  public static Map<String, String> sparkSettings(StoreLocation location, Map<String, String> existing) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
    conf.put("spark.sql.catalog." + CATALOG, "org.apache.iceberg.spark.SparkCatalog");
    conf.put("spark.sql.catalog." + CATALOG + ".type", "hadoop");
    conf.put("spark.sql.catalog." + CATALOG + ".warehouse", location.resolve(TABLES_DIR));
    conf.put(LOCATION_CONF, location.uri());
    existing.forEach(conf::put);
    return conf;
  }

  /** Attaches to the store that the session was configured with (see {@link #sparkSettings}). */
  public static FeatureStore attach(SparkSession spark) {
    String location = spark.conf().get(LOCATION_CONF, null);
    if (location == null) {
      throw new IllegalStateException("Cannot attach to the feature store: Spark conf " + LOCATION_CONF
          + " is not set; build the session with FeatureStore.sparkSettings(...)");
    }
    return new FeatureStore(spark, StoreLocation.of(location));
  }

  public SparkSession spark() {
    return spark;
  }

  public StoreLocation location() {
    return location;
  }

  /** The audio table of a dataset. */
  public TableId audio(String dataset) {
    return TableId.of(CATALOG, dataset, AUDIO);
  }

  /** The rejects table of a dataset. */
  public TableId audioRejects(String dataset) {
    return TableId.of(CATALOG, dataset, AUDIO_REJECTS);
  }

  /** The table of a named feature set (e.g. {@code mfcc}) of a dataset. */
  public TableId features(String dataset, String featureSet) {
    return TableId.of(CATALOG, dataset, FEATURES_PREFIX + TableId.checkName("feature set", featureSet));
  }

  /** The label-set table of a dataset (every label set, each pinned by its tag). */
  public TableId labels(String dataset) {
    return TableId.of(CATALOG, dataset, LABELS);
  }

  /** The k-means models of a dataset. */
  public TableId kmeansModels(String dataset) {
    return TableId.of(CATALOG, dataset, KMEANS_MODELS);
  }

  /** Starts the write-audit-publish of a label set (rows of {@link LabelSchema#TABLE} without {@code label_set}). */
  public LabelSetPublish publishLabelSet(String dataset, String tag, Dataset<Row> rows) {
    return new LabelSetPublish(this, labels(dataset), tag, rows);
  }

  /** The rows of a published label set, read at its tag. */
  public Dataset<Row> readLabelSet(String dataset, String tag) {
    TableId table = labels(dataset);
    requireLabelSet(dataset, tag);
    return spark.read().option("versionAsOf", tag).table(table.qualified())
        .where(org.apache.spark.sql.functions.col(LabelSchema.LABEL_SET).equalTo(tag));
  }

  /** Tags of the published label sets of a dataset, oldest first. */
  public List<String> labelSetTags(String dataset) {
    TableId table = labels(dataset);
    if (!exists(table)) {
      return List.of();
    }
    // the catalog may cache the table's metadata: a tag just published by another Table instance would be missed
    spark.catalog().refreshTable(table.qualified());
    List<String> tags = new ArrayList<>();
    for (Row r : spark.sql("SELECT name FROM " + table.qualified() + ".refs WHERE type = 'TAG' ORDER BY snapshot_id").collectAsList()) {
      tags.add(r.getString(0));
    }
    return tags;
  }

  /** The lineage recorded when a label set was published. */
  public Lineage labelSetLineage(String dataset, String tag) {
    requireLabelSet(dataset, tag);
    org.apache.iceberg.Table iceberg = iceberg(labels(dataset));
    return Lineage.fromSnapshotSummary(iceberg.snapshot(iceberg.refs().get(tag).snapshotId()).summary());
  }

  private void requireLabelSet(String dataset, String tag) {
    if (!labelSetTags(dataset).contains(tag)) {
      throw new IllegalArgumentException("Cannot read label set " + tag + " of dataset " + dataset + ": no such tag; published: "
          + labelSetTags(dataset));
    }
  }

  /** Creates the labels table (partitioned by label set) when it does not exist yet. */
  void ensureLabelsTable(TableId table) {
    if (exists(table)) {
      return;
    }
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + CATALOG + "." + table.dataset());
    spark.sql("CREATE TABLE IF NOT EXISTS " + table.qualified() + " (" + LabelSchema.TABLE.toDDL() + ") USING iceberg "
        + "PARTITIONED BY (" + LabelSchema.LABEL_SET + ") TBLPROPERTIES ('format-version'='2', "
        + "'write.parquet.compression-codec'='zstd', 'write.distribution-mode'='none')");
  }

  /** The Iceberg table behind a table id, freshly loaded. */
  public org.apache.iceberg.Table iceberg(TableId table) {
    requireExists(table);
    try {
      return org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark, table.qualified());
    } catch (org.apache.spark.sql.catalyst.parser.ParseException | org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException("Cannot load " + table + ": " + e.getMessage(), e);
    }
  }

  /** Whether the table exists. */
  public boolean exists(TableId table) {
    return spark.catalog().tableExists(table.qualified());
  }

  /** Reads the current snapshot of a table; fails naming the table when it does not exist. */
  public Dataset<Row> read(TableId table) {
    requireExists(table);
    return spark.table(table.qualified());
  }

  /** Fails with a message naming the table and the command that creates it. */
  public void requireExists(TableId table) {
    if (!exists(table)) {
      String hint = table.table().equals(AUDIO) ? "run 'hubert ingest --dataset " + table.dataset() + "' first"
          : table.table().startsWith(FEATURES_PREFIX)
              ? "run 'hubert " + table.table().substring(FEATURES_PREFIX.length()) + " --dataset " + table.dataset() + "' first"
              : "check the dataset name";
      throw new IllegalArgumentException("Cannot read table " + table + ": it does not exist in store " + location + " (" + hint + ")");
    }
  }

  /**
   * The summary of the table's current snapshot (lineage and Iceberg counters), or an empty map if
   * the table does not exist or has no snapshot.
   */
  public Map<String, String> currentSnapshotSummary(TableId table) {
    if (!exists(table)) {
      return Collections.emptyMap();
    }
    List<Row> rows = spark.sql("SELECT s.summary FROM " + table.qualified() + ".snapshots s JOIN "
        + table.qualified() + ".history h ON s.snapshot_id = h.snapshot_id WHERE h.is_current_ancestor "
        + "ORDER BY h.made_current_at DESC LIMIT 1").collectAsList();
    if (rows.isEmpty()) {
      return Collections.emptyMap();
    }
    return new LinkedHashMap<>(rows.get(0).getJavaMap(0));
  }

  /** The id of the table's current snapshot, or null when it has none. */
  public Long currentSnapshotId(TableId table) {
    requireExists(table);
    List<Row> rows = spark.sql("SELECT snapshot_id FROM " + table.qualified() + ".history WHERE is_current_ancestor "
        + "ORDER BY made_current_at DESC LIMIT 1").collectAsList();
    return rows.isEmpty() ? null : rows.get(0).getLong(0);
  }

  /** The lineage of the table's current snapshot (empty when there is none). */
  public Lineage currentLineage(TableId table) {
    return Lineage.fromSnapshotSummary(currentSnapshotSummary(table));
  }

  /** Starts an atomic replacement of a table's contents (created when absent). */
  public TableReplace replace(TableId table, Dataset<Row> data) {
    return new TableReplace(table, data);
  }

  /**
   * Commits a snapshot that changes no data and carries {@code lineage}: used to declare a
   * multi-step write complete once its counts are known.
   */
  public void recordLineage(TableId table, Lineage lineage) {
    org.apache.iceberg.AppendFiles append = iceberg(table).newAppend();
    lineage.entries().forEach((k, v) -> append.set(Lineage.PREFIX + k, v));
    append.commit();
  }

  /** Appends rows to a table (created when absent) in one commit carrying {@code lineage}. */
  public void append(TableId table, Dataset<Row> rows, Lineage lineage) {
    if (!exists(table)) {
      replace(table, rows).lineage(lineage).commit();
      return;
    }
    try {
      org.apache.spark.sql.DataFrameWriterV2<Row> writer = rows.writeTo(table.qualified());
      lineage.asWriteOptions().forEach(writer::option);
      writer.append();
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException("Cannot append to " + table + ": " + e.getMessage(), e);
    }
  }

  /** The table of label-quality evaluations of a dataset (one row per evaluation). */
  public TableId labelQuality(String dataset) {
    return TableId.of(CATALOG, dataset, LABEL_QUALITY);
  }

  /** Lists every table of the store as {@code dataset.table}. */
  public List<TableId> list() {
    List<TableId> tables = new ArrayList<>();
    for (Row ns : spark.sql("SHOW NAMESPACES IN " + CATALOG).collectAsList()) {
      String dataset = ns.getString(0);
      for (Row t : spark.sql("SHOW TABLES IN " + CATALOG + "." + dataset).collectAsList()) {
        tables.add(TableId.of(CATALOG, dataset, t.getString(t.fieldIndex("tableName"))));
      }
    }
    return tables;
  }

  /**
   * A pending replacement of one table: data, table properties and lineage are collected, then
   * {@link #commit()} writes the data files and swaps the table to them in one Iceberg commit.
   */
  public final class TableReplace {
    private final TableId table;
    private final Dataset<Row> data;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private Lineage lineage;
    private String[] sortColumns = new String[0];

    private TableReplace(TableId table, Dataset<Row> data) {
      this.table = table;
      this.data = data;
      properties.put("format-version", "2");
      properties.put("write.parquet.compression-codec", "zstd");
      properties.put("write.target-file-size-bytes", Long.toString(TARGET_FILE_BYTES));
      properties.put("write.distribution-mode", "none");
    }

    /** Sets a table property (e.g. a smaller target file size). */
    public TableReplace property(String key, String value) {
      properties.put(key, value);
      return this;
    }

    /** The lineage recorded in the new snapshot's summary. */
    public TableReplace lineage(Lineage value) {
      this.lineage = value;
      return this;
    }

    /** Declares the table's sort order (rows are written in this order within each file). */
    public TableReplace sortedBy(String... columns) {
      this.sortColumns = columns.clone();
      return this;
    }

    /** Writes the data and atomically makes it the table's current snapshot. */
    public void commit() {
      if (lineage == null) {
        throw new IllegalStateException("Cannot commit " + table + ": no lineage given; every table snapshot records what produced it");
      }
      spark.sql("CREATE NAMESPACE IF NOT EXISTS " + CATALOG + "." + table.dataset());
      Dataset<Row> ordered = sortColumns.length == 0 ? data : data.sortWithinPartitions(
          java.util.Arrays.stream(sortColumns).map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new));
      DataFrameWriterV2<Row> writer = ordered.writeTo(table.qualified()).using("iceberg");
      properties.forEach(writer::tableProperty);
      lineage.asWriteOptions().forEach(writer::option);
      writer.createOrReplace();
    }
  }
}
