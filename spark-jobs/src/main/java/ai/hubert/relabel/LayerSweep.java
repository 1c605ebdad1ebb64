package ai.hubert.relabel;

import ai.hubert.features.model.HubertFeatureJob;
import ai.hubert.features.model.ModelFeatures;
import ai.hubert.labels.EvaluateLabelsJob;
import ai.hubert.labels.assign.NearestCentroid;
import ai.hubert.labels.kmeans.KMeansCentroids;
import ai.hubert.labels.kmeans.KMeansFitter;
import ai.hubert.labels.kmeans.UtteranceSample;
import ai.hubert.labels.quality.PhoneAlignments;
import ai.hubert.labels.quality.QualityReport;
import ai.hubert.store.AudioSchema;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.LabelSchema;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Which layer of a checkpoint gives the best k-means targets: one forward pass per sampled utterance yields
 * every layer's features (cached for the sweep only: the sample, never the dataset), then per layer k-means is
 * fitted on the sample, the sample is assigned, and PNMI / purities are measured against phone alignments — the
 * fairseq recipe's layer choice (HuBERT paper, Table 1 / Fig. 2) as one job.
 */
public final class LayerSweep {
  private static final StructType LAYER_ROWS = new StructType()
      .add("utt_id", DataTypes.StringType, false)
      .add("layer", DataTypes.IntegerType, false)
      .add("num_frames", DataTypes.IntegerType, false)
      .add("dim", DataTypes.IntegerType, false)
      .add("features", new ArrayType(DataTypes.FloatType, false), false);

  private final FeatureStore store;

  public LayerSweep(FeatureStore store) {
    this.store = store;
  }

  /** One layer's k-means fit and label quality on the sample. */
  public record LayerScore(int layer, QualityReport quality, double inertiaPerFrame, long frames) {}

  /** Every layer's score, best (highest PNMI) first in {@link #best()}. */
  public record Result(String checkpoint, int k, List<LayerScore> layers, double wallSeconds) {
    /** The layer with the highest PNMI (the lower one on ties). */
    public LayerScore best() {
      LayerScore best = layers.get(0);
      for (LayerScore s : layers) {
        if (s.quality().pnmi() > best.quality().pnmi()) {
          best = s;
        }
      }
      return best;
    }

    public void print(PrintStream out) {
      out.printf(Locale.ROOT, "layer sweep of %s (k=%d on the sample, %.1f s):%n", checkpoint, k, wallSeconds);
      out.printf(Locale.ROOT, "  %-6s %-8s %-13s %-15s %s%n", "layer", "PNMI", "phone purity", "cluster purity", "inertia/frame");
      for (LayerScore s : layers) {
        out.printf(Locale.ROOT, "  %-6d %-8.4f %-13.4f %-15.4f %.4f%s%n", s.layer(), s.quality().pnmi(), s.quality().phonePurity(),
            s.quality().clusterPurity(), s.inertiaPerFrame(), s.layer() == best().layer() ? "   <- best" : "");
      }
    }
  }

  /**
   * Sweeps layers 1..L of {@code checkpoint} on the utterances of {@code dataset} that {@code fitter}'s sample
   * fraction and seed select; k-means uses {@code fitter}'s settings on each layer's frames.
   */
  public Result run(String dataset, String checkpoint, KMeansFitter fitter, PhoneAlignments alignments) {
    long start = System.nanoTime();
    ModelFeatures probe = HubertFeatureJob.distribute(store.spark(), checkpoint, 1);
    int layers = probe.numLayers();
    ModelFeatures features = probe.atLayer(layers);
    int dim = features.dim();
    Dataset<Row> audio = store.read(store.audio(dataset));
    double fraction = fitter.getSampleFraction();
    long seed = fitter.getSeed();
    store.spark().sparkContext().setJobDescription("layer sweep of " + checkpoint + " on " + dataset);
    Dataset<Row> perLayer = audio.where(UtteranceSample.keep(audio.col(AudioSchema.UTT_ID), fraction, seed))
        .select(AudioSchema.UTT_ID, AudioSchema.PCM)
        .mapPartitions(new AllLayers(features, dim), Encoders.row(LAYER_ROWS))
        // k-means runs per partition: spread the cached frames over every core (the audio may be one shard)
        .repartition(store.spark().sparkContext().defaultParallelism())
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
    try {
      List<LayerScore> scores = new ArrayList<>();
      for (int layer = 1; layer <= layers; layer++) {
        Dataset<Row> frames = perLayer.where(functions.col("layer").equalTo(layer));
        KMeansCentroids centroids = fitter.copy(org.apache.spark.ml.param.ParamMap.empty()).setSampleFraction(1.0).fit(frames);
        Broadcast<float[]> shared = store.spark().sparkContext().broadcast(centroids.centroids(),
            scala.reflect.ClassTag$.MODULE$.apply(float[].class));
        int k = centroids.k();
        Dataset<Row> labels = frames.select("utt_id", "features", "num_frames")
            .mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
              NearestCentroid nearest = new NearestCentroid(shared.value(), k, dim);
              List<Row> out = new ArrayList<>();
              while (rows.hasNext()) {
                Row r = rows.next();
                List<Float> values = r.getList(1);
                float[] f = new float[values.size()];
                for (int i = 0; i < f.length; i++) {
                  f[i] = values.get(i);
                }
                out.add(RowFactory.create(r.getString(0), LabelSchema.pack(nearest.assignShort(f, r.getInt(2)))));
              }
              return out.iterator();
            }, Encoders.row(new StructType().add("utt_id", DataTypes.StringType).add("labels", DataTypes.BinaryType)));
        QualityReport quality = EvaluateLabelsJob.accumulate(labels, 50, alignments).report();
        shared.destroy();
        scores.add(new LayerScore(layer, quality, centroids.inertiaPerFrame(), centroids.frames()));
      }
      return new Result(checkpoint, fitter.getK(), scores, (System.nanoTime() - start) / 1e9);
    } finally {
      perLayer.unpersist();
    }
  }

  /** Executor side: one row per (utterance, layer) from one forward pass per utterance. */
  static final class AllLayers implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final ModelFeatures features;
    private final int dim;

    AllLayers(ModelFeatures features, int dim) {
      this.features = features;
      this.dim = dim;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      return new Iterator<>() {
        private final java.util.ArrayDeque<Row> pending = new java.util.ArrayDeque<>();

        @Override
        public boolean hasNext() {
          return !pending.isEmpty() || rows.hasNext();
        }

        @Override
        public Row next() {
          if (pending.isEmpty()) {
            Row r = rows.next();
            float[][] layers = features.extractLayers((byte[]) r.get(1));
            for (int i = 0; i < layers.length; i++) {
              pending.add(RowFactory.create(r.getString(0), i + 1, layers[i].length / dim, dim,
                  scala.collection.immutable.ArraySeq.unsafeWrapArray(layers[i])));
            }
          }
          return pending.poll();
        }
      };
    }
  }
}
