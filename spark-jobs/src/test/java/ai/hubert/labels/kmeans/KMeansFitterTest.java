package ai.hubert.labels.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.testing.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KMeansFitterTest {
  private static final int DIM = 39;
  private static final int CLUSTERS = 6;
  private static final double SIGMA = 0.5;

  @TempDir static Path tmp;
  private static SparkSession spark;
  private static SyntheticFrames data;
  private static KMeansCentroids model;

  @BeforeAll
  static void start() {
    spark = TestSpark.session(tmp.resolve("store"));
    data = new SyntheticFrames(7, CLUSTERS, DIM, 10.0, SIGMA, 40, 150, 25);
    model = new KMeansFitter().setK(CLUSTERS).setSampleFraction(1.0).fit(data.frame(spark, 3));
  }

  @Test
  void recoversWellSeparatedClusters() {
    assertEquals(CLUSTERS, model.k());
    assertEquals(DIM, model.dim());
    assertEquals(40, model.utterances());
    assertEquals(40 * 150, model.frames());
    assertTrue(model.iterations() >= 1 && model.iterations() <= 100, "iterations " + model.iterations());
    // Expected squared distance of a frame to its cluster's mean: dim * sigma^2.
    double generating = DIM * SIGMA * SIGMA;
    assertEquals(generating, model.inertiaPerFrame(), 0.03 * generating);
    float[] all = data.allFrames();
    assertEquals(KMeansInertia.perFrame(all, all.length / DIM, DIM, model.centroids(), CLUSTERS),
        model.inertiaPerFrame(), 1e-9 * generating);

    // Every true cluster maps to exactly one centroid, a different one for each cluster, near its mean.
    Map<String, int[]> labels = new HashMap<>();
    for (Row r : model.transform(data.frame(spark, 2)).select("utt_id", "labels").collectAsList()) {
      labels.put(r.getString(0), r.getList(1).stream().mapToInt(v -> (Integer) v).toArray());
    }
    int[] centroidOf = new int[CLUSTERS];
    java.util.Arrays.fill(centroidOf, -1);
    for (int u = 0; u < data.truth.size(); u++) {
      int[] truth = data.truth.get(u);
      int[] got = labels.get(String.format("utt%05d", u));
      assertEquals(truth.length, got.length);
      for (int t = 0; t < truth.length; t++) {
        if (centroidOf[truth[t]] < 0) {
          centroidOf[truth[t]] = got[t];
        }
        assertEquals(centroidOf[truth[t]], got[t], "utterance " + u + " frame " + t);
      }
    }
    Set<Integer> used = new HashSet<>();
    float[] centroids = model.centroids();
    for (int c = 0; c < CLUSTERS; c++) {
      assertTrue(used.add(centroidOf[c]), "two true clusters share centroid " + centroidOf[c]);
      double d2 = 0;
      for (int d = 0; d < DIM; d++) {
        double diff = centroids[centroidOf[c] * DIM + d] - data.means[c][d];
        d2 += diff * diff;
      }
      assertTrue(Math.sqrt(d2) < 0.3, "centroid of cluster " + c + " is " + Math.sqrt(d2) + " from its mean");
    }
    // transform agrees with the plain-Java labels.
    assertArrayEquals(model.labels(data.values.get(3), 150), labels.get("utt00003"));
  }

  @Test
  void sameSeedGivesTheSameCentroids() {
    KMeansCentroids again = new KMeansFitter().setK(CLUSTERS).setSampleFraction(1.0).fit(data.frame(spark, 3));
    assertArrayEquals(model.centroids(), again.centroids(), 1e-6f);
    assertEquals(model.inertiaPerFrame(), again.inertiaPerFrame(), 1e-9 * model.inertiaPerFrame());
    assertEquals(new KMeansFitSettings(CLUSTERS, 1.0, 0, 100, 1e-4, 2, "block"), again.settings());
    assertEquals(model.settings(), again.settings());
  }

  @Test
  void sampleFractionSelectsThatShareOfUtterancesWhateverThePartitioning() {
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 4000; u++) {
      rows.add(RowFactory.create("spk" + (u % 17) + "-utt" + u, (long) u, 1, 2, new float[] {u % 5, u % 7}));
    }
    Dataset<Row> table = spark.createDataFrame(rows, SyntheticFrames.SCHEMA);
    double fraction = 0.1;
    Set<String> one = sampled(table.repartition(1), fraction, 0);
    Set<String> many = sampled(table.repartition(7, functions.col("input_order")), fraction, 0);
    assertEquals(one, many);
    // Binomial(4000, 0.1): mean 400, standard deviation 19.
    assertTrue(Math.abs(one.size() - 400) < 80, "sampled " + one.size() + " of 4000");
    assertNotEquals(one, sampled(table, fraction, 1));

    KMeansCentroids small = new KMeansFitter().setK(2).setSampleFraction(fraction).setMaxIter(3)
        .fit(table.repartition(5));
    assertEquals(one.size(), small.utterances());
    assertEquals(one.size(), small.frames());
  }

  private static Set<String> sampled(Dataset<Row> table, double fraction, long seed) {
    Set<String> ids = new HashSet<>();
    table.where(UtteranceSample.keep(table.col("utt_id"), fraction, seed)).select("utt_id").collectAsList()
        .forEach(r -> ids.add(r.getString(0)));
    return ids;
  }

  @Test
  void kAboveTheNumberOfDistinctFramesFailsClearly() {
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 5; u++) {
      float[] features = new float[10 * 2];
      for (int t = 0; t < 10; t++) {
        features[2 * t] = t % 3;
      }
      rows.add(RowFactory.create("u" + u, (long) u, 10, 2, features));
    }
    Dataset<Row> table = spark.createDataFrame(rows, SyntheticFrames.SCHEMA);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new KMeansFitter().setK(4).setSampleFraction(1.0).fit(table));
    assertTrue(e.getMessage().contains("k = 4 but the sample has only 3 distinct frames (50 frames from 5 "
        + "utterances"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new KMeansFitter().setK(60).setSampleFraction(1.0).fit(table));
    assertTrue(e.getMessage().contains("k = 60 but the sample has only 50 frames"), e.getMessage());
  }

  @Test
  void checksColumnTypesAndShapes() {
    StructType doubles = new StructType()
        .add("utt_id", DataTypes.StringType)
        .add("num_frames", DataTypes.IntegerType)
        .add("dim", DataTypes.IntegerType)
        .add("features", new ArrayType(DataTypes.DoubleType, false));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new KMeansFitter().transformSchema(doubles));
    assertEquals("Column features must be of type array<float> but was actually array<double>.", e.getMessage());

    StructType noFrames = new StructType()
        .add("utt_id", DataTypes.StringType)
        .add("dim", DataTypes.IntegerType)
        .add("features", new ArrayType(DataTypes.FloatType, false));
    e = assertThrows(IllegalArgumentException.class, () -> new KMeansFitter().transformSchema(noFrames));
    assertTrue(e.getMessage().startsWith("Column num_frames must be of type int but does not exist"),
        e.getMessage());

    StructType longFrames = new StructType()
        .add("utt_id", DataTypes.StringType)
        .add("n", DataTypes.LongType)
        .add("dim", DataTypes.IntegerType)
        .add("features", new ArrayType(DataTypes.FloatType, false));
    e = assertThrows(IllegalArgumentException.class,
        () -> new KMeansFitter().setNumFramesCol("n").transformSchema(longFrames));
    assertEquals("Column n must be of type int but was actually bigint.", e.getMessage());

    assertThrows(IllegalArgumentException.class, () -> new KMeansFitter().setK(1));
    assertThrows(IllegalArgumentException.class, () -> new KMeansFitter().setK(2001));
    assertThrows(IllegalArgumentException.class, () -> new KMeansFitter().setSampleFraction(0.0));
    assertThrows(IllegalArgumentException.class, () -> new KMeansFitter().setSolver("gpu"));

    StructType out = new KMeansFitter().setLabelsCol("km").transformSchema(SyntheticFrames.SCHEMA);
    assertEquals(new ArrayType(DataTypes.IntegerType, false), out.apply("km").dataType());

    // A row whose values do not match num_frames x dim fails naming the utterance.
    KMeansCentroids tiny = new KMeansCentroids("m", new float[] {0, 0, 1, 1}, 2, 2, 0, 0, 0, 0,
        new KMeansFitter().settings());
    Dataset<Row> bad = spark.createDataFrame(List.of(RowFactory.create("bad-utt", 0L, 3, 2, new float[5])),
        SyntheticFrames.SCHEMA);
    Exception failure = assertThrows(Exception.class, () -> tiny.transform(bad).collectAsList());
    assertTrue(rootMessage(failure).contains("Utterance utt_id=bad-utt has 5 values in features but num_frames x "
        + "dim = 3 x 2 = 6"), rootMessage(failure));
    Dataset<Row> wrongDim = spark.createDataFrame(List.of(RowFactory.create("d3", 0L, 1, 3, new float[3])),
        SyntheticFrames.SCHEMA);
    failure = assertThrows(Exception.class, () -> tiny.transform(wrongDim).collectAsList());
    assertTrue(rootMessage(failure).contains("Utterance utt_id=d3 has dim = 3 but the k-means model works in dim 2"),
        rootMessage(failure));
  }

  private static String rootMessage(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append(" | ");
    }
    return all.toString();
  }
}
