package ai.hubert.labels.product;

import ai.hubert.labels.FrameFeaturizer;
import ai.hubert.labels.KMeansModelRecord;
import ai.hubert.labels.LabelAudit;
import ai.hubert.labels.LabelEnsembles;
import ai.hubert.labels.kmeans.KMeansCentroids;
import ai.hubert.labels.kmeans.KMeansFitter;
import ai.hubert.store.AudioSchema;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.LabelSchema;
import ai.hubert.store.LabelSetPublish;
import ai.hubert.store.Lineage;
import ai.hubert.store.TableId;
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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Product k-means labels in one job: fits one k-means per feature sub-space ({@link ProductKMeansFitter}), stores them
 * as k-means models {@code <name>.g<i>}, labels every utterance for all sub-spaces in one fused pass (audio →
 * features → per-sub-space nearest centroid) and publishes G label sets {@code <name>-g<i>}, each by
 * write-audit-publish, whose lineage names the ensemble {@code <name>}, its members and the member's sub-space — so
 * training configs can refer to all of them by the ensemble name ({@link LabelEnsembles}).
 */
public final class ProductKMeansJob {
  private final FeatureStore store;

  public ProductKMeansJob(FeatureStore store) {
    this.store = store;
  }

  /** The outcome of a run. */
  public record Summary(String dataset, String ensemble, List<String> members, SubSpaces subSpaces, int k,
      double[] inertiaPerFrame, long utterances, long frames, double wallSeconds) {
    public void print(PrintStream out) {
      out.printf(Locale.ROOT, "product k-means ensemble %s of %s: %d sub-spaces (%s), k=%d each%n", ensemble, dataset,
          members.size(), subSpaces, k);
      for (int g = 0; g < members.size(); g++) {
        out.printf(Locale.ROOT, "  label set %s: sub-space %d:%d, inertia per frame %.4f%n", members.get(g),
            subSpaces.ranges().get(g)[0], subSpaces.ranges().get(g)[1], inertiaPerFrame[g]);
      }
      out.printf(Locale.ROOT, "  %d utterances, %d frames labelled; wall time %.1f s%n", utterances, frames, wallSeconds);
    }
  }

  /** The label-set tag of group {@code g} of ensemble {@code name}. */
  public static String memberTag(String name, int g) {
    return name + "-g" + g;
  }

  /**
   * Fits, stores, labels and publishes.
   *
   * @param name ensemble name (a valid label-set tag prefix, e.g. {@code mfcc-pq3x100})
   * @param fitter k, sample fraction, seed and iteration settings shared by the sub-spaces
   */
  public Summary run(String dataset, String featureSet, String name, SubSpaces subSpaces, KMeansFitter fitter) {
    long start = System.nanoTime();
    LabelSetPublish.checkTag(name);
    List<String> members = new ArrayList<>();
    for (int g = 0; g < subSpaces.groups(); g++) {
      members.add(LabelSetPublish.checkTag(memberTag(name, g)));
    }
    List<String> taken = new ArrayList<>(store.labelSetTags(dataset));
    taken.retainAll(members);
    if (!taken.isEmpty() || !LabelEnsembles.members(store, dataset, name).isEmpty()) {
      throw new IllegalArgumentException("Cannot publish product k-means ensemble " + name + " of " + dataset
          + ": label sets " + (taken.isEmpty() ? LabelEnsembles.members(store, dataset, name) : taken)
          + " exist already; published label sets are immutable, choose another name");
    }
    TableId features = store.features(dataset, featureSet);
    long featureSnapshot = store.currentSnapshotId(features);
    List<KMeansCentroids> fitted = new ProductKMeansFitter(fitter, subSpaces).fit(store.read(features));
    List<float[]> centroids = new ArrayList<>();
    int[] ks = new int[fitted.size()];
    double[] inertia = new double[fitted.size()];
    for (int g = 0; g < fitted.size(); g++) {
      KMeansCentroids c = fitted.get(g);
      centroids.add(c.centroids());
      ks[g] = c.k();
      inertia[g] = c.inertiaPerFrame();
      String params = c.settings().toJson().replaceFirst("\\}$", String.format(Locale.ROOT,
          ",\"product\":\"%s\",\"group\":%d,\"subspace\":[%d,%d]}", name, g, subSpaces.from(g),
          subSpaces.from(g) + subSpaces.width(g)));
      new KMeansModelRecord(name + ".g" + g, featureSet, c.k(), c.dim(), c.centroids(), c.inertiaPerFrame(), c.frames(),
          c.utterances(), params).save(store, dataset, true, Lineage.builder("kmeans") // a failed earlier run may have left them
              .put("dataset", dataset)
              .put("model", name + ".g" + g)
              .put("product", name)
              .put("subspace", subSpaces.from(g) + ":" + (subSpaces.from(g) + subSpaces.width(g)))
              .put("source-table", features.qualified())
              .put("source-snapshot-id", featureSnapshot)
              .put("params", params)
              .put("k", c.k())
              .put("dim", c.dim())
              .put("inertia-per-frame", c.inertiaPerFrame())
              .put("spark-app-id", store.spark().sparkContext().applicationId())
              .build());
    }

    FrameFeaturizer featurizer = FrameFeaturizer.forFeatureSet(store, dataset, featureSet);
    subSpaces.requireWithin(featurizer.dim(), featureSet);
    new ProductAssigner(subSpaces, centroids, ks); // validates shapes on the driver
    TableId audioTable = store.audio(dataset);
    Dataset<Row> audio = store.read(audioTable);
    long audioSnapshot = store.currentSnapshotId(audioTable);
    StructType schema = new StructType()
        .add(LabelSchema.UTT_ID, DataTypes.StringType, false)
        .add(LabelSchema.INPUT_ORDER, DataTypes.LongType, false)
        .add(LabelSchema.NUM_FRAMES, DataTypes.IntegerType, false)
        .add(LabelSchema.LABEL_RATE_HZ, DataTypes.IntegerType, false);
    for (int g = 0; g < ks.length; g++) {
      schema = schema.add(LabelSchema.LABELS + "_" + g, DataTypes.BinaryType, false);
    }
    Broadcast<float[][]> shared = store.spark().sparkContext().broadcast(centroids.toArray(new float[0][]),
        scala.reflect.ClassTag$.MODULE$.apply(float[][].class));
    store.spark().sparkContext().setJobDescription("product k-means labels of " + dataset + " as " + members);
    Dataset<Row> all = audio.select(AudioSchema.UTT_ID, AudioSchema.INPUT_ORDER, AudioSchema.PCM)
        .mapPartitions(new AssignPartition(featurizer, subSpaces, ks, shared), Encoders.row(schema))
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
    try {
      Row totals = all.agg(functions.count(functions.lit(1)),
          functions.coalesce(functions.sum(LabelSchema.NUM_FRAMES), functions.lit(0L))).first();
      long utterances = totals.getLong(0);
      long frames = ((Number) totals.get(1)).longValue();
      for (int g = 0; g < ks.length; g++) {
        Dataset<Row> rows = all.select(functions.col(LabelSchema.UTT_ID), functions.col(LabelSchema.INPUT_ORDER),
            functions.col(LabelSchema.NUM_FRAMES), functions.col(LabelSchema.LABEL_RATE_HZ),
            functions.col(LabelSchema.LABELS + "_" + g).as(LabelSchema.LABELS));
        Lineage lineage = Lineage.builder("labels")
            .put("dataset", dataset)
            .put("label-set", members.get(g))
            .put(LabelEnsembles.ENSEMBLE, name)
            .put(LabelEnsembles.MEMBERS, String.join(",", members))
            .put(LabelEnsembles.INDEX, g)
            .put("ensemble-kind", "product-kmeans")
            .put("subspace", subSpaces.from(g) + ":" + (subSpaces.from(g) + subSpaces.width(g)))
            .put("source-table", audioTable.qualified())
            .put("source-snapshot-id", audioSnapshot)
            .put("feature-set", featureSet)
            .put("feature-snapshot-id", featureSnapshot)
            .put("label-rate-hz", featurizer.frameRateHz())
            .put("kmeans-model", name + ".g" + g)
            .put("k", ks[g])
            .put("dim", subSpaces.width(g))
            .put("kmeans-inertia-per-frame", inertia[g])
            .put("kmeans-params", fitted.get(g).settings().toJson())
            .put("utterances", utterances)
            .put("frames", frames)
            .put("spark-app-id", store.spark().sparkContext().applicationId())
            .build();
        store.publishLabelSet(dataset, members.get(g), rows).lineage(lineage)
            .audit(new LabelAudit(audio, ks[g], featurizer.frameRateHz(), featurizer::numFrames, 0)).commit();
      }
      return new Summary(dataset, name, members, subSpaces, fitter.getK(), inertia, utterances, frames,
          (System.nanoTime() - start) / 1e9);
    } finally {
      all.unpersist();
      shared.destroy();
    }
  }

  /** Executor side: decode → featurize once → one label array per sub-space. */
  static final class AssignPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final FrameFeaturizer featurizer;
    private final SubSpaces subSpaces;
    private final int[] ks;
    private final Broadcast<float[][]> centroids;

    AssignPartition(FrameFeaturizer featurizer, SubSpaces subSpaces, int[] ks, Broadcast<float[][]> centroids) {
      this.featurizer = featurizer;
      this.subSpaces = subSpaces;
      this.ks = ks;
      this.centroids = centroids;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      ProductAssigner product = new ProductAssigner(subSpaces, List.of(centroids.value()), ks);
      int dim = featurizer.dim();
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
          short[][] labels = product.assign(features, frames, dim);
          Object[] values = new Object[4 + labels.length];
          values[0] = r.getString(0);
          values[1] = r.getLong(1);
          values[2] = frames;
          values[3] = rate;
          for (int g = 0; g < labels.length; g++) {
            values[4 + g] = LabelSchema.pack(labels[g]);
          }
          return RowFactory.create(values);
        }
      };
    }
  }
}
