package ai.hubert.labels;

import ai.hubert.labels.kmeans.KMeansCentroids;
import ai.hubert.labels.kmeans.KMeansFitter;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.Lineage;
import ai.hubert.store.TableId;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Fits k-means on a sampled fraction of a dataset's utterances of one feature set (Spark MLlib,
 * k-means|| initialisation) and stores the float32 centroids as a named model of the dataset, with
 * lineage naming the feature snapshot and every fitting parameter.
 */
public final class KMeansJob {
  private final FeatureStore store;

  public KMeansJob(FeatureStore store) {
    this.store = store;
  }

  /** The outcome of a fit. */
  public record Summary(String dataset, String model, String featureSet, int k, int dim, long utterances, long frames,
      double inertiaPerFrame, int iterations, double wallSeconds) {
    public void print(PrintStream out) {
      out.printf(Locale.ROOT, "k-means model %s of %s: k=%d on %s (%d-d), fitted on %d utterances / %d frames in %d iterations%n",
          model, dataset, k, featureSet, dim, utterances, frames, iterations);
      out.printf(Locale.ROOT, "  inertia per frame %.4f, wall time %.1f s%n", inertiaPerFrame, wallSeconds);
    }
  }

  /** Fits and stores; {@code fitter} carries k, the sample fraction, seed and iteration settings. */
  public Summary run(String dataset, String featureSet, String modelName, KMeansFitter fitter, boolean replace) {
    long start = System.nanoTime();
    if (!replace && KMeansModelRecord.names(store, dataset).contains(modelName)) {
      throw new IllegalArgumentException("Cannot fit k-means model '" + modelName + "' of dataset " + dataset
          + ": the name exists; pass --force to replace it or choose another --model");
    }
    TableId features = store.features(dataset, featureSet);
    long snapshot = store.currentSnapshotId(features);
    store.spark().sparkContext().setJobDescription("kmeans " + modelName + " on " + features);
    KMeansCentroids fitted = fitter.fit(store.read(features));
    KMeansModelRecord record = new KMeansModelRecord(modelName, featureSet, fitted.k(), fitted.dim(), fitted.centroids(),
        fitted.inertiaPerFrame(), fitted.frames(), fitted.utterances(), fitted.settings().toJson());
    record.save(store, dataset, replace, Lineage.builder("kmeans")
        .put("dataset", dataset)
        .put("model", modelName)
        .put("source-table", features.qualified())
        .put("source-snapshot-id", snapshot)
        .put("params", fitted.settings().toJson())
        .put("k", fitted.k())
        .put("dim", fitted.dim())
        .put("inertia-per-frame", fitted.inertiaPerFrame())
        .put("frames", fitted.frames())
        .put("utterances", fitted.utterances())
        .put("iterations", fitted.iterations())
        .put("spark-app-id", store.spark().sparkContext().applicationId())
        .build());
    return new Summary(dataset, modelName, featureSet, fitted.k(), fitted.dim(), fitted.utterances(), fitted.frames(),
        fitted.inertiaPerFrame(), fitted.iterations(), (System.nanoTime() - start) / 1e9);
  }
}
