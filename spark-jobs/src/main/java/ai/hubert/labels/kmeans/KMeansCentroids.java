package ai.hubert.labels.kmeans;

import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Fitted k-means centroids ({@link KMeansFitter}'s model): {@code k × dim} float32 values, row-major, with the
 * fit's inertia per frame, the frames and utterances it used, MLlib's iteration count and the settings.
 *
 * <p>{@link #transform} adds {@code labelsCol}: array&lt;int&gt;, the nearest centroid of each frame of
 * {@code featuresCol} ({@link NearestCentroidLoop}: fairseq's {@code ApplyKmeans} argmin, first index on
 * ties). Rows with null features get null labels; rows of another dim fail naming the utterance
 * ({@code idCol}, when the input has it).
 */
public final class KMeansCentroids extends Model<KMeansCentroids> {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final float[] centroids;
  private final int k;
  private final int dim;
  private final double inertiaPerFrame;
  private final long frames;
  private final long utterances;
  private final int iterations;
  private final KMeansFitSettings settings;

  private final Param<String> idCol;
  private final Param<String> featuresCol;
  private final Param<String> numFramesCol;
  private final Param<String> dimCol;
  private final Param<String> labelsCol;

  /**
   * Centroids with what is known of their fit.
   *
   * @param centroids {@code k × dim} values, row-major (copied)
   * @param inertiaPerFrame mean squared distance of the fit's frames to their nearest centroid
   * @param frames frames the fit used
   * @param utterances utterances the fit used
   * @param iterations Lloyd iterations MLlib ran
   * @param settings the fit's settings
   */
  public KMeansCentroids(String uid, float[] centroids, int k, int dim, double inertiaPerFrame, long frames,
      long utterances, int iterations, KMeansFitSettings settings) {
    NearestCentroidLoop.checkCentroids(centroids, k, dim);
    this.uid = uid;
    this.centroids = centroids.clone();
    this.k = k;
    this.dim = dim;
    this.inertiaPerFrame = inertiaPerFrame;
    this.frames = frames;
    this.utterances = utterances;
    this.iterations = iterations;
    this.settings = settings;
    idCol = new Param<>(this, "idCol", "utterance id column, quoted in errors when present in the input");
    featuresCol = new Param<>(this, "featuresCol",
        "features column: array<float> of numFrames x dim values per utterance, frame-major");
    numFramesCol = new Param<>(this, "numFramesCol", "number of frames column (int)");
    dimCol = new Param<>(this, "dimCol", "feature dimension column (int); must equal the model's dim");
    labelsCol = new Param<>(this, "labelsCol", "output column: array<int> of one label per frame");
    setDefault(idCol, "utt_id");
    setDefault(featuresCol, "features");
    setDefault(numFramesCol, "num_frames");
    setDefault(dimCol, "dim");
    setDefault(labelsCol, "labels");
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The centroids, {@code k × dim} float32 values row-major (a copy). */
  public float[] centroids() {
    return centroids.clone();
  }

  /** Number of centroids. */
  public int k() {
    return k;
  }

  /** Feature dimension. */
  public int dim() {
    return dim;
  }

  /** Mean squared Euclidean distance of the fit's frames to their nearest (float32) centroid. */
  public double inertiaPerFrame() {
    return inertiaPerFrame;
  }

  /** Frames the fit used. */
  public long frames() {
    return frames;
  }

  /** Utterances the fit used. */
  public long utterances() {
    return utterances;
  }

  /** Lloyd iterations MLlib ran (at most {@code maxIter}; fewer when it converged within {@code tol}). */
  public int iterations() {
    return iterations;
  }

  /** The settings of the fit. */
  public KMeansFitSettings settings() {
    return settings;
  }

  // ---- params (public accessors are how Spark ML discovers them) ----

  public Param<String> idCol() { return idCol; }
  public Param<String> featuresCol() { return featuresCol; }
  public Param<String> numFramesCol() { return numFramesCol; }
  public Param<String> dimCol() { return dimCol; }
  public Param<String> labelsCol() { return labelsCol; }

  public String getIdCol() { return getOrDefault(idCol); }
  public String getFeaturesCol() { return getOrDefault(featuresCol); }
  public String getNumFramesCol() { return getOrDefault(numFramesCol); }
  public String getDimCol() { return getOrDefault(dimCol); }
  public String getLabelsCol() { return getOrDefault(labelsCol); }

  public KMeansCentroids setIdCol(String value) { return put(idCol, value); }
  public KMeansCentroids setFeaturesCol(String value) { return put(featuresCol, value); }
  public KMeansCentroids setNumFramesCol(String value) { return put(numFramesCol, value); }
  public KMeansCentroids setDimCol(String value) { return put(dimCol, value); }
  public KMeansCentroids setLabelsCol(String value) { return put(labelsCol, value); }

  /** Labels of one utterance's {@code numFrames × dim} frame-major values, as {@link #transform} computes them. */
  public int[] labels(float[] utteranceFrames, int numFrames) {
    return NearestCentroidLoop.assign(utteranceFrames, numFrames, dim, centroids, k,
        NearestCentroidLoop.squaredNorms(centroids, k, dim));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    SchemaChecks.require(schema, getFeaturesCol(), new ArrayType(DataTypes.FloatType, false));
    SchemaChecks.require(schema, getNumFramesCol(), DataTypes.IntegerType);
    SchemaChecks.require(schema, getDimCol(), DataTypes.IntegerType);
    SchemaChecks.requireAbsent(schema, getLabelsCol());
    return withLabels(schema, getLabelsCol());
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType schema = dataset.schema();
    transformSchema(schema);
    boolean hasId = Arrays.asList(schema.fieldNames()).contains(getIdCol());
    Broadcast<float[]> shared =
        JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext()).broadcast(centroids);
    UtteranceFrames.ColumnNames columns = new UtteranceFrames.ColumnNames(hasId ? getIdCol() : "(no id column)",
        getFeaturesCol(), getNumFramesCol(), getDimCol());
    UserDefinedFunction labels = functions.udf(new LabelsUdf(shared, k, dim, columns),
        new ArrayType(DataTypes.IntegerType, false));
    Column id = hasId ? dataset.col(getIdCol()) : functions.lit(null);
    return dataset.toDF().withColumn(getLabelsCol(),
        labels.apply(id, dataset.col(getFeaturesCol()), dataset.col(getNumFramesCol()), dataset.col(getDimCol())));
  }

  @Override
  public KMeansCentroids copy(ParamMap extra) {
    KMeansCentroids copy = new KMeansCentroids(uid, centroids, k, dim, inertiaPerFrame, frames, utterances,
        iterations, settings);
    copyValues(copy, extra);
    return copy.setParent(parent());
  }

  @Override
  public String toString() {
    return "KMeansCentroids(uid=" + uid + ", k=" + k + ", dim=" + dim + ", inertiaPerFrame=" + inertiaPerFrame
        + ", frames=" + frames + ", utterances=" + utterances + ", iterations=" + iterations + ")";
  }

  /** {@code schema} plus the labels column (array&lt;int&gt;, nullable for null features). */
  static StructType withLabels(StructType schema, String labelsCol) {
    return schema.add(new StructField(labelsCol, new ArrayType(DataTypes.IntegerType, false), true,
        Metadata.empty()));
  }

  private <T> KMeansCentroids put(Param<T> param, T value) {
    set(param, value);
    return this;
  }
}
