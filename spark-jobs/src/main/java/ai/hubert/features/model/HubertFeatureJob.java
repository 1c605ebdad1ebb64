package ai.hubert.features.model;

import ai.hubert.store.AudioSchema;
import ai.hubert.store.FeatureSchema;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.Lineage;
import ai.hubert.store.TableId;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Writes the layer-L features of a HuBERT checkpoint for every utterance of a dataset as a feature
 * set ({@code features_<name>}, 50 Hz), with lineage naming the checkpoint (and its SHA-256), the layer
 * and the audio snapshot. Executors load the checkpoint once each ({@link ModelFeatures}).
 */
public final class HubertFeatureJob {
  /** Lineage value of {@code extractor} for feature sets made by this job. */
  public static final String EXTRACTOR = "hubert";

  private final FeatureStore store;

  public HubertFeatureJob(FeatureStore store) {
    this.store = store;
  }

  /** The outcome of one run. */
  public record Summary(String dataset, String featureSet, String checkpoint, int layer, long utterances, long frames, int dim,
      double audioSeconds, double wallSeconds) {
    public void print(PrintStream out) {
      out.printf(Locale.ROOT, "features %s of %s: layer %d of %s, %d utterances, %d frames x %d dims (50 Hz)%n", featureSet, dataset,
          layer, checkpoint, utterances, frames, dim);
      out.printf(Locale.ROOT, "  wall time %.1f s, %.1f audio-s per wall-s%n", wallSeconds, audioSeconds / Math.max(wallSeconds, 1e-9));
    }
  }

  /**
   * The {@link ModelFeatures} recipe for {@code layer} of {@code checkpoint} (any Hadoop URI or local path; executors
   * fetch and load it once each). Also used by the label and relabel jobs.
   */
  public static ModelFeatures distribute(SparkSession spark, String checkpoint, int layer) {
    if (layer < 1) {
      throw new IllegalArgumentException("Cannot extract layer " + layer + ": layers are 1-based (fairseq's output_layer)");
    }
    Path path = new Path(checkpoint);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus status = fs.getFileStatus(path);
      return new ModelFeatures(fs.makeQualified(path).toString(), status.getModificationTime(),
          new ai.hubert.spark.SerializableHadoopConf(spark.sparkContext().hadoopConfiguration()), layer);
    } catch (java.io.FileNotFoundException e) {
      throw new IllegalArgumentException("Cannot extract features: checkpoint " + checkpoint + " does not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read checkpoint " + checkpoint + ": " + e.getMessage(), e);
    }
  }

  /**
   * Layer features of a seeded, partition-independent sample of the dataset's utterances
   * ({@link ai.hubert.labels.kmeans.UtteranceSample}: the same utterances that {@code KMeansFitter} with this
   * fraction and seed keeps), in the {@link FeatureSchema#TABLE} layout, computed on the executors and never
   * written: the input of a k-means fit on model features without materializing the dataset's features.
   * Lazy; persist it when it is read more than once.
   */
  public static Dataset<Row> extractSample(FeatureStore store, String dataset, ModelFeatures features, int dim, double fraction,
      long seed) {
    Dataset<Row> audio = store.read(store.audio(dataset));
    return audio.where(ai.hubert.labels.kmeans.UtteranceSample.keep(audio.col(AudioSchema.UTT_ID), fraction, seed))
        .select(AudioSchema.UTT_ID, AudioSchema.INPUT_ORDER, AudioSchema.REL_PATH, AudioSchema.NUM_SAMPLES, AudioSchema.PCM)
        .mapPartitions(new ExtractPartition(features, dim), Encoders.row(FeatureSchema.TABLE));
  }

  /** Extracts and writes; refuses a layer beyond the model's depth. */
  public Summary run(String dataset, String checkpoint, int layer, String featureSet) {
    long start = System.nanoTime();
    SparkSession spark = store.spark();
    TableId audioTable = store.audio(dataset);
    TableId table = store.features(dataset, featureSet);
    Dataset<Row> audio = store.read(audioTable);
    long audioSnapshot = store.currentSnapshotId(audioTable);
    ModelFeatures features = distribute(spark, checkpoint, layer);
    ai.hubert.model.HubertModel driverModel = features.model();
    int dim = driverModel.config().embedDim();
    int layers = driverModel.config().numLayers();
    if (layer > layers) {
      throw new IllegalArgumentException("Cannot extract layer " + layer + " of " + checkpoint + ": the model has " + layers + " layers");
    }
    Row totals = audio.agg(functions.count(functions.lit(1)), functions.sum(AudioSchema.DURATION_S)).first();
    Dataset<Row> rows = audio.select(AudioSchema.UTT_ID, AudioSchema.INPUT_ORDER, AudioSchema.REL_PATH, AudioSchema.NUM_SAMPLES,
            AudioSchema.PCM)
        .mapPartitions(new ExtractPartition(features, dim), Encoders.row(FeatureSchema.TABLE));
    spark.sparkContext().setJobDescription("extract layer " + layer + " of " + checkpoint + " for " + dataset);
    Lineage lineage = Lineage.builder("features")
        .put("dataset", dataset)
        .put("feature-set", featureSet)
        .put("extractor", EXTRACTOR)
        .put("checkpoint", checkpoint)
        .put("checkpoint-sha256", sha256(spark, checkpoint))
        .put("layer", layer)
        .put("normalize", driverModel.config().normalize())
        .put("max-chunk-samples", ai.hubert.model.FeatureExtractor.DEFAULT_MAX_CHUNK)
        .put("dim", dim)
        .put("frame-rate-hz", 50)
        .put("source-table", audioTable.qualified())
        .put("source-snapshot-id", audioSnapshot)
        .put("utterances", totals.getLong(0))
        .put("audio-seconds", totals.getDouble(1))
        .put("spark-app-id", spark.sparkContext().applicationId())
        .build();
    store.replace(table, rows).sortedBy(FeatureSchema.INPUT_ORDER).lineage(lineage).commit();
    long frames = store.read(table).agg(functions.sum(FeatureSchema.NUM_FRAMES)).first().getLong(0);
    return new Summary(dataset, featureSet, checkpoint, layer, totals.getLong(0), frames, dim, totals.getDouble(1),
        (System.nanoTime() - start) / 1e9);
  }

  /** Executor side: PCM → layer features, one utterance at a time. */
  static final class ExtractPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final ModelFeatures features;
    private final int dim;

    ExtractPartition(ModelFeatures features, int dim) {
      this.features = features;
      this.dim = dim;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> it) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Row next() {
          Row r = it.next();
          float[] f = features.extract((byte[]) r.get(4));
          return RowFactory.create(r.getString(0), r.getLong(1), r.getString(2), r.getInt(3), f.length / dim, dim,
              scala.collection.immutable.ArraySeq.unsafeWrapArray(f));
        }
      };
    }
  }

  /** SHA-256 of a checkpoint file, or of every file of a checkpoint folder in name order. */
  public static String sha256(SparkSession spark, String checkpoint) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      Path path = new Path(checkpoint);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      List<Path> files = new ArrayList<>();
      if (fs.getFileStatus(path).isDirectory()) {
        for (FileStatus f : fs.listStatus(path)) {
          if (f.isFile()) {
            files.add(f.getPath());
          }
        }
        files.sort(java.util.Comparator.comparing(Path::getName));
      } else {
        files.add(path);
      }
      byte[] buffer = new byte[1 << 20];
      for (Path f : files) {
        md.update(f.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (InputStream in = new DigestInputStream(fs.open(f), md)) {
          while (in.read(buffer) >= 0) {
            // digesting
          }
        }
      }
      StringBuilder hex = new StringBuilder();
      for (byte b : md.digest()) {
        hex.append(String.format("%02x", b & 0xff));
      }
      return hex.toString();
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot hash checkpoint " + checkpoint + ": " + e.getMessage(), e);
    }
  }
}
