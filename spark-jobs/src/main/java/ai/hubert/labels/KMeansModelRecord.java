package ai.hubert.labels;

import ai.hubert.store.FeatureStore;
import ai.hubert.store.KMeansModelSchema;
import ai.hubert.store.Lineage;
import ai.hubert.store.TableId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;

/**
 * A named, fitted k-means model as stored in a dataset's {@code kmeans_models} table: float32
 * centroids ({@code k × dim}, row-major), the feature set they were fitted on, and how.
 */
public record KMeansModelRecord(String name, String featureSet, int k, int dim, float[] centroids, double inertiaPerFrame,
    long frames, long utterances, String params) {

  public KMeansModelRecord {
    TableIdNames.check("k-means model", name);
    if (centroids.length != (long) k * dim) {
      throw new IllegalArgumentException("k-means model " + name + ": expected k x dim = " + k + " x " + dim + " = " + (long) k * dim
          + " centroid values, found " + centroids.length);
    }
  }

  /** Reads a model; fails naming the models that exist. */
  public static KMeansModelRecord load(FeatureStore store, String dataset, String name) {
    TableId table = store.kmeansModels(dataset);
    List<Row> rows = store.exists(table) ? store.read(table).where(functions.col(KMeansModelSchema.NAME).equalTo(name)).collectAsList()
        : List.of();
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("Cannot find k-means model '" + name + "' of dataset " + dataset + "; existing: " + names(store, dataset)
          + " (fit one with 'hubert kmeans --dataset " + dataset + " --model " + name + "')");
    }
    Row r = rows.get(0);
    List<Float> values = r.getList(r.fieldIndex(KMeansModelSchema.CENTROIDS));
    float[] centroids = new float[values.size()];
    for (int i = 0; i < centroids.length; i++) {
      centroids[i] = values.get(i);
    }
    return new KMeansModelRecord(name, r.getAs(KMeansModelSchema.FEATURE_SET), r.<Integer>getAs(KMeansModelSchema.K),
        r.<Integer>getAs(KMeansModelSchema.DIM), centroids, r.<Double>getAs(KMeansModelSchema.INERTIA_PER_FRAME),
        r.<Long>getAs(KMeansModelSchema.FRAMES), r.<Long>getAs(KMeansModelSchema.UTTERANCES), r.getAs(KMeansModelSchema.PARAMS));
  }

  /** Names of a dataset's models. */
  public static List<String> names(FeatureStore store, String dataset) {
    TableId table = store.kmeansModels(dataset);
    List<String> names = new ArrayList<>();
    if (store.exists(table)) {
      store.read(table).select(KMeansModelSchema.NAME).collectAsList().forEach(r -> names.add(r.getString(0)));
    }
    return names;
  }

  /**
   * Stores this model, replacing the table's other rows unchanged (one atomic commit); refuses an
   * existing name unless {@code replace}.
   */
  public void save(FeatureStore store, String dataset, boolean replace, Lineage lineage) {
    TableId table = store.kmeansModels(dataset);
    Dataset<Row> others = null;
    if (store.exists(table)) {
      if (!replace && names(store, dataset).contains(name)) {
        throw new IllegalArgumentException("Cannot save k-means model '" + name + "' of dataset " + dataset
            + ": the name exists; pass --force to replace it or choose another --model");
      }
      others = store.read(table).where(functions.col(KMeansModelSchema.NAME).notEqual(name));
      others = store.spark().createDataFrame(others.collectAsList(), KMeansModelSchema.TABLE);
    }
    List<Float> values = new ArrayList<>(centroids.length);
    for (float v : centroids) {
      values.add(v);
    }
    Row row = RowFactory.create(name, featureSet, k, dim, values, inertiaPerFrame, frames, utterances, params, Instant.now().toString());
    Dataset<Row> mine = store.spark().createDataFrame(List.of(row), KMeansModelSchema.TABLE);
    store.replace(table, others == null ? mine : others.unionByName(mine)).lineage(lineage).commit();
  }

  /** Name validation shared with the store's identifiers. */
  private static final class TableIdNames {
    static void check(String what, String name) {
      if (name == null || !name.matches("[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}")) {
        throw new IllegalArgumentException("Invalid " + what + " name: expected letters, digits, '.', '_' or '-', found '" + name + "'");
      }
    }
  }
}
