package ai.hubert.labels;

import ai.hubert.labels.assign.NearestCentroid;
import ai.hubert.store.AudioSchema;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.LabelSchema;
import ai.hubert.store.Lineage;
import ai.hubert.store.TableId;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.Locale;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Labels every utterance of a dataset with a stored k-means model in one fused pass: per partition,
 * audio → features ({@link FrameFeaturizer}) → nearest centroid ({@link NearestCentroid}, float32
 * blocked GEMM) → 16-bit labels. Features of the whole dataset are never materialized. The result is
 * published as an immutable, tagged label set after an audit ({@link LabelAudit}).
 */
public final class LabelJob {

  private final FeatureStore store;

  public LabelJob(FeatureStore store) {
    this.store = store;
  }

  /** The outcome of a run. */
  public record Summary(String dataset, String tag, String model, int k, long utterances, long frames, long snapshotId,
      double wallSeconds) {
    public void print(PrintStream out) {
      out.printf(Locale.ROOT, "label set %s of %s published (snapshot %d): %d utterances, %d frames, k-means model %s (k=%d)%n",
          tag, dataset, snapshotId, utterances, frames, model, k);
      out.printf(Locale.ROOT, "  wall time %.1f s (decode -> features -> nearest centroid -> write -> audit -> publish)%n", wallSeconds);
    }
  }

  /** Labels the dataset with model {@code modelName} and publishes the result as {@code tag}. */
  public Summary run(String dataset, String modelName, String tag) {
    KMeansModelRecord model = KMeansModelRecord.load(store, dataset, modelName);
    return run(dataset, modelName, tag, FrameFeaturizer.forFeatureSet(store, dataset, model.featureSet()), java.util.Map.of());
  }

  /**
   * Labels the dataset with model {@code modelName}, computing features with {@code featurizer} (which must
   * reproduce the features the model was fitted on), and publishes the result as {@code tag}; {@code extraLineage}
   * is added to the label set's lineage (e.g. the checkpoint a relabel run read).
   */
  public Summary run(String dataset, String modelName, String tag, FrameFeaturizer featurizer, java.util.Map<String, ?> extraLineage) {
    long start = System.nanoTime();
    SparkSession spark = store.spark();
    KMeansModelRecord model = KMeansModelRecord.load(store, dataset, modelName);
    if (featurizer.dim() != model.dim()) {
      throw new IllegalStateException("Cannot label with k-means model " + modelName + ": it has dimension " + model.dim()
          + " but feature set " + model.featureSet() + " has " + featurizer.dim());
    }
    if (model.k() > LabelSchema.MAX_K) {
      throw new IllegalArgumentException("Cannot label with k = " + model.k() + ": a 16-bit label column holds k <= " + LabelSchema.MAX_K);
    }
    TableId audioTable = store.audio(dataset);
    Dataset<Row> audio = store.read(audioTable);
    long audioSnapshot = store.currentSnapshotId(audioTable);
    FrameFeaturizer counter = featurizer;
    Row expected = audio.select(AudioSchema.NUM_SAMPLES)
        .map((org.apache.spark.api.java.function.MapFunction<Row, Long>) r -> (long) counter.numFrames(r.getInt(0)), Encoders.LONG())
        .agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
            org.apache.spark.sql.functions.coalesce(org.apache.spark.sql.functions.sum("value"), org.apache.spark.sql.functions.lit(0L)))
        .first();
    Broadcast<float[]> centroids = spark.sparkContext().broadcast(model.centroids(), scala.reflect.ClassTag$.MODULE$.apply(float[].class));

    Dataset<Row> labels = audio.select(AudioSchema.UTT_ID, AudioSchema.INPUT_ORDER, AudioSchema.PCM)
        .mapPartitions(new AssignPartition(featurizer, centroids, model.k(), model.dim()), Encoders.row(LabelSchema.ROWS));

    Lineage lineage = Lineage.builder("labels")
        .put("dataset", dataset)
        .put("label-set", tag)
        .put("source-table", audioTable.qualified())
        .put("source-snapshot-id", audioSnapshot)
        .put("feature-set", model.featureSet())
        .put("label-rate-hz", featurizer.frameRateHz())
        .put("kmeans-model", modelName)
        .put("k", model.k())
        .put("dim", model.dim())
        .put("kmeans-inertia-per-frame", model.inertiaPerFrame())
        .put("kmeans-frames", model.frames())
        .put("kmeans-utterances", model.utterances())
        .put("kmeans-params", model.params())
        .put("utterances", expected.getLong(0))
        .put("frames", ((Number) expected.get(1)).longValue())
        .put("spark-app-id", spark.sparkContext().applicationId())
        .putAll("", extraLineage)
        .build();
    spark.sparkContext().setJobDescription("label " + dataset + " with " + modelName + " as " + tag);
    long snapshot = store.publishLabelSet(dataset, tag, labels).lineage(lineage)
        .audit(new LabelAudit(audio, model.k(), featurizer.frameRateHz(), featurizer::numFrames, 0)).commit();
    Row totals = store.readLabelSet(dataset, tag).agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
        org.apache.spark.sql.functions.sum(LabelSchema.NUM_FRAMES)).first();
    centroids.destroy();
    return new Summary(dataset, tag, modelName, model.k(), totals.getLong(0), totals.getLong(1), snapshot,
        (System.nanoTime() - start) / 1e9);
  }

  /** Executor side: decode → featurize → assign, one utterance at a time. */
  static final class AssignPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final FrameFeaturizer featurizer;
    private final Broadcast<float[]> centroids;
    private final int k;
    private final int dim;

    AssignPartition(FrameFeaturizer featurizer, Broadcast<float[]> centroids, int k, int dim) {
      this.featurizer = featurizer;
      this.centroids = centroids;
      this.k = k;
      this.dim = dim;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      NearestCentroid nearest = new NearestCentroid(centroids.value(), k, dim);
      int rate = featurizer.frameRateHz();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row r = rows.next();
          float[] features = featurizer.featurize((byte[]) r.get(2));
          int frames = features.length / dim;
          short[] labels = nearest.assignShort(features, frames);
          return RowFactory.create(r.getString(0), r.getLong(1), frames, rate, LabelSchema.pack(labels));
        }
      };
    }
  }
}
