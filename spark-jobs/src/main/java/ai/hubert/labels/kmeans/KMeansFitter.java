package ai.hubert.labels.kmeans;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Fits k-means centroids on the frames of a feature table, as fairseq's {@code learn_kmeans.py} does with
 * sklearn's MiniBatchKMeans, but with Spark MLlib's {@link KMeans} (k-means|| initialization, then Lloyd
 * iterations; the GEMM "block" solver by default).
 *
 * <p>Input: one row per utterance with {@code idCol} (string), {@code featuresCol} (array&lt;float&gt;, frames
 * flattened frame-major), {@code numFramesCol} and {@code dimCol} (int), i.e. the layout of
 * {@code ai.hubert.store.FeatureSchema}. {@link #fit}:
 * <ol>
 *   <li>samples {@code sampleFraction} of the utterances by {@link UtteranceSample} (a seeded hash of the
 *       utterance id: the same utterances whatever the partitioning);</li>
 *   <li>explodes their frames into one {@code array<float>} row per frame, cached {@code MEMORY_AND_DISK_SER}
 *       (4 bytes per value; MLlib's block solver keeps its own float64 blocks while it iterates) and
 *       released when the fit ends;</li>
 *   <li>checks that the sample has at least {@code k} distinct frames, then runs MLlib KMeans with {@code k},
 *       {@code initSteps}, {@code maxIter}, {@code tol}, {@code seed} and {@code solver};</li>
 *   <li>rounds the centroids to float32 and measures their inertia per frame on the sample
 *       ({@link KMeansInertia}).</li>
 * </ol>
 * The result is deterministic for the same input, partitioning and seed.
 */
public final class KMeansFitter extends Estimator<KMeansCentroids> {
  private static final long serialVersionUID = 1L;
  private static final String FRAME = "frame";
  private static final List<String> SOLVERS = List.of("block", "row", "auto");

  private final String uid;

  private final Param<String> idCol;
  private final Param<String> featuresCol;
  private final Param<String> numFramesCol;
  private final Param<String> dimCol;
  private final Param<String> labelsCol;
  private final IntParam k;
  private final DoubleParam sampleFraction;
  private final LongParam seed;
  private final IntParam maxIter;
  private final DoubleParam tol;
  private final IntParam initSteps;
  private final Param<String> solver;

  /** A fitter with a random uid and the defaults. */
  public KMeansFitter() {
    this(Identifiable$.MODULE$.randomUID("kmeansFitter"));
  }

  /** A fitter with the given uid and the defaults (used by copy). */
  public KMeansFitter(String uid) {
    this.uid = uid;
    idCol = new Param<>(this, "idCol", "utterance id column (string); the sample hashes it");
    featuresCol = new Param<>(this, "featuresCol",
        "features column: array<float> of numFrames x dim values per utterance, frame-major");
    numFramesCol = new Param<>(this, "numFramesCol", "number of frames column (int)");
    dimCol = new Param<>(this, "dimCol", "feature dimension column (int); the same on every row");
    labelsCol = new Param<>(this, "labelsCol", "output column of the model: array<int> of one label per frame");
    k = new IntParam(this, "k", "number of clusters, in [2, 2000]", ParamValidators.inRange(2, 2000));
    sampleFraction = new DoubleParam(this, "sampleFraction",
        "fraction of utterances to fit on, in (0, 1] (fairseq's --percent)",
        ParamValidators.inRange(0.0, 1.0, false, true));
    seed = new LongParam(this, "seed", "seed of the utterance sample and of the k-means|| initialization");
    maxIter = new IntParam(this, "maxIter", "maximum number of Lloyd iterations (>= 1)", ParamValidators.gtEq(1));
    tol = new DoubleParam(this, "tol",
        "convergence tolerance: stop when no centroid moves farther than this Euclidean distance (>= 0)",
        ParamValidators.gtEq(0.0));
    initSteps = new IntParam(this, "initSteps", "number of k-means|| initialization rounds (>= 1)",
        ParamValidators.gtEq(1));
    solver = new Param<>(this, "solver", "MLlib KMeans solver: one of " + SOLVERS
        + " (block: GEMM over stacked frames; row: triangle-inequality pruning)", ParamValidators.inArray(SOLVERS));

    setDefault(idCol, "utt_id");
    setDefault(featuresCol, "features");
    setDefault(numFramesCol, "num_frames");
    setDefault(dimCol, "dim");
    setDefault(labelsCol, "labels");
    setDefault(k, 100);
    setDefault(sampleFraction, 0.1);
    setDefault(seed, 0L);
    setDefault(maxIter, 100);
    setDefault(tol, 1e-4);
    setDefault(initSteps, 2);
    setDefault(solver, "block");
  }

  @Override
  public String uid() {
    return uid;
  }

  // ---- params (public accessors are how Spark ML discovers them) ----

  public Param<String> idCol() { return idCol; }
  public Param<String> featuresCol() { return featuresCol; }
  public Param<String> numFramesCol() { return numFramesCol; }
  public Param<String> dimCol() { return dimCol; }
  public Param<String> labelsCol() { return labelsCol; }
  public IntParam k() { return k; }
  public DoubleParam sampleFraction() { return sampleFraction; }
  public LongParam seed() { return seed; }
  public IntParam maxIter() { return maxIter; }
  public DoubleParam tol() { return tol; }
  public IntParam initSteps() { return initSteps; }
  public Param<String> solver() { return solver; }

  public String getIdCol() { return getOrDefault(idCol); }
  public String getFeaturesCol() { return getOrDefault(featuresCol); }
  public String getNumFramesCol() { return getOrDefault(numFramesCol); }
  public String getDimCol() { return getOrDefault(dimCol); }
  public String getLabelsCol() { return getOrDefault(labelsCol); }
  public int getK() { return (Integer) getOrDefault(k); }
  public double getSampleFraction() { return (Double) getOrDefault(sampleFraction); }
  public long getSeed() { return (Long) getOrDefault(seed); }
  public int getMaxIter() { return (Integer) getOrDefault(maxIter); }
  public double getTol() { return (Double) getOrDefault(tol); }
  public int getInitSteps() { return (Integer) getOrDefault(initSteps); }
  public String getSolver() { return getOrDefault(solver); }

  public KMeansFitter setIdCol(String value) { return put(idCol, value); }
  public KMeansFitter setFeaturesCol(String value) { return put(featuresCol, value); }
  public KMeansFitter setNumFramesCol(String value) { return put(numFramesCol, value); }
  public KMeansFitter setDimCol(String value) { return put(dimCol, value); }
  public KMeansFitter setLabelsCol(String value) { return put(labelsCol, value); }
  public KMeansFitter setK(int value) { return put(k, value); }
  public KMeansFitter setSampleFraction(double value) { return put(sampleFraction, value); }
  public KMeansFitter setSeed(long value) { return put(seed, value); }
  public KMeansFitter setMaxIter(int value) { return put(maxIter, value); }
  public KMeansFitter setTol(double value) { return put(tol, value); }
  public KMeansFitter setInitSteps(int value) { return put(initSteps, value); }
  public KMeansFitter setSolver(String value) { return put(solver, value); }

  /** The fitting settings these params describe. */
  public KMeansFitSettings settings() {
    return new KMeansFitSettings(getK(), getSampleFraction(), getSeed(), getMaxIter(), getTol(), getInitSteps(),
        getSolver());
  }

  @Override
  public StructType transformSchema(StructType schema) {
    SchemaChecks.require(schema, getIdCol(), DataTypes.StringType);
    SchemaChecks.require(schema, getFeaturesCol(), new ArrayType(DataTypes.FloatType, false));
    SchemaChecks.require(schema, getNumFramesCol(), DataTypes.IntegerType);
    SchemaChecks.require(schema, getDimCol(), DataTypes.IntegerType);
    SchemaChecks.requireAbsent(schema, getLabelsCol());
    return KMeansCentroids.withLabels(schema, getLabelsCol());
  }

  @Override
  public KMeansCentroids fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    KMeansFitSettings s = settings();
    UtteranceFrames.ColumnNames columns =
        new UtteranceFrames.ColumnNames(getIdCol(), getFeaturesCol(), getNumFramesCol(), getDimCol());
    Dataset<Row> input = dataset.toDF();
    Dataset<Row> sample = input
        .where(UtteranceSample.keep(input.col(getIdCol()), s.sampleFraction(), s.seed()))
        .select(getIdCol(), getFeaturesCol(), getNumFramesCol(), getDimCol());

    Row stats = sample.agg(functions.count(functions.lit(1)),
        functions.sum(functions.col(getNumFramesCol()).cast(DataTypes.LongType)),
        functions.min(getDimCol()), functions.max(getDimCol())).first();
    long utterances = stats.getLong(0);
    if (utterances == 0) {
      throw new IllegalArgumentException("sampleFraction = " + s.sampleFraction() + " with seed " + s.seed()
          + " selected none of the " + input.count() + " input utterances; expected at least one (raise "
          + "sampleFraction)");
    }
    long frames = stats.isNullAt(1) ? 0 : stats.getLong(1);
    if (stats.isNullAt(2) || stats.getInt(2) != stats.getInt(3)) {
      throw new IllegalArgumentException("Column " + getDimCol() + " must hold one dimension for all sampled "
          + "utterances but ranges from " + stats.get(2) + " to " + stats.get(3));
    }
    int dim = stats.getInt(2);
    if (dim < 1) {
      throw new IllegalArgumentException("Column " + getDimCol() + " must be >= 1 but is " + dim);
    }
    if (frames < s.k()) {
      throw new IllegalArgumentException("k = " + s.k() + " but the sample has only " + frames + " frames ("
          + utterances + " utterances, sampleFraction " + s.sampleFraction() + "); expected at least k frames: "
          + "lower k or raise sampleFraction");
    }

    SparkSession spark = input.sparkSession();
    StructType frameSchema = new StructType().add(FRAME, new ArrayType(DataTypes.FloatType, false), false);
    Dataset<Row> frameRows = spark
        .createDataFrame(sample.javaRDD().flatMap(new FrameExploder(dim, columns)), frameSchema)
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
    try {
      requireDistinctFrames(frameRows, s, frames, utterances);
      KMeansModel mllib = new KMeans()
          .setK(s.k())
          .setInitMode("k-means||")
          .setInitSteps(s.initSteps())
          .setMaxIter(s.maxIter())
          .setTol(s.tol())
          .setSeed(s.seed())
          .setSolver(s.solver())
          .setFeaturesCol(FRAME)
          .setPredictionCol(FRAME + "_cluster")
          .fit(frameRows);
      Vector[] centers = mllib.clusterCenters();
      if (centers.length != s.k()) {
        throw new IllegalStateException("MLlib KMeans returned " + centers.length + " centroids but k = " + s.k());
      }
      float[] centroids = new float[s.k() * dim];
      for (int j = 0; j < s.k(); j++) {
        for (int d = 0; d < dim; d++) {
          centroids[j * dim + d] = (float) centers[j].apply(d);
        }
      }
      double inertia = inertia(spark, frameRows, centroids, s.k(), dim);
      KMeansCentroids model = new KMeansCentroids(uid, centroids, s.k(), dim, inertia / frames, frames,
          utterances, mllib.summary().numIter(), s);
      copyValues(model, ParamMap.empty());
      return model.setParent(this);
    } finally {
      frameRows.unpersist();
    }
  }

  @Override
  public KMeansFitter copy(ParamMap extra) {
    return (KMeansFitter) defaultCopy(extra);
  }

  /**
   * Fails unless the cached frames hold at least k distinct values (MLlib's k-means|| would otherwise return
   * fewer centroids). Counts distinct 64-bit frame hashes: approximately first, exactly only when the
   * approximation is below 2k.
   */
  private static void requireDistinctFrames(Dataset<Row> frameRows, KMeansFitSettings s, long frames,
      long utterances) {
    Column hash = functions.xxhash64(functions.col(FRAME));
    long approx = frameRows.agg(functions.approx_count_distinct(hash, 0.01)).first().getLong(0);
    if (approx >= 2L * s.k()) {
      return;
    }
    long distinct = frameRows.select(hash).distinct().count();
    if (distinct < s.k()) {
      throw new IllegalArgumentException("k = " + s.k() + " but the sample has only " + distinct
          + " distinct frames (" + frames + " frames from " + utterances + " utterances, sampleFraction "
          + s.sampleFraction() + "); expected at least k distinct frames: lower k or raise sampleFraction");
    }
  }

  private static double inertia(SparkSession spark, Dataset<Row> frameRows, float[] centroids, int k, int dim) {
    Broadcast<float[]> shared = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(centroids);
    try {
      List<Double> sums = frameRows.javaRDD().mapPartitions(new PartitionInertia(shared, k, dim)).collect();
      double total = 0;
      for (double v : sums) {
        total += v;
      }
      return total;
    } finally {
      shared.destroy();
    }
  }

  private <T> KMeansFitter put(Param<T> param, T value) {
    set(param, value);
    return this;
  }
}
