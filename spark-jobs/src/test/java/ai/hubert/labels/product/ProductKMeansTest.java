package ai.hubert.labels.product;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.labels.kmeans.KMeansCentroids;
import ai.hubert.labels.kmeans.KMeansFitter;
import ai.hubert.testing.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Product k-means on synthetic frames whose sub-spaces are clustered independently: each sub-space's frames come from
 * one of K Gaussian means of that sub-space, chosen independently of the other sub-spaces (so the full space holds
 * K^G combinations). One k-means per sub-space recovers every sub-space's clusters.
 */
class ProductKMeansTest {
  private static final int[] WIDTHS = {4, 3, 5};
  private static final int K = 5;

  @TempDir Path tmp;

  @Test
  void recoversTheClustersOfEverySubSpace() {
    SparkSession spark = TestSpark.session(tmp.resolve("store"));
    SubSpaces subSpaces = SubSpaces.parse("0:4, 4:7,7:12");
    int dim = 12;
    Random random = new Random(5);
    float[][][] means = new float[WIDTHS.length][K][];
    for (int g = 0; g < WIDTHS.length; g++) {
      for (int c = 0; c < K; c++) {
        means[g][c] = new float[WIDTHS[g]];
        for (int d = 0; d < WIDTHS[g]; d++) {
          means[g][c][d] = (float) ((2 * random.nextDouble() - 1) * 10);
        }
      }
    }
    int utterances = 30;
    int framesPerUtt = 120;
    List<Row> rows = new ArrayList<>();
    List<float[]> values = new ArrayList<>();
    int[][][] truth = new int[WIDTHS.length][utterances][framesPerUtt];
    for (int u = 0; u < utterances; u++) {
      float[] f = new float[framesPerUtt * dim];
      int[] current = new int[WIDTHS.length];
      for (int t = 0; t < framesPerUtt; t++) {
        for (int g = 0; g < WIDTHS.length; g++) {
          if (t % (7 + 3 * g) == 0) { // each sub-space switches cluster on its own schedule
            current[g] = random.nextInt(K);
          }
          truth[g][u][t] = current[g];
          for (int d = 0; d < WIDTHS[g]; d++) {
            f[t * dim + subSpaces.from(g) + d] = (float) (means[g][current[g]][d] + 0.4 * random.nextGaussian());
          }
        }
      }
      values.add(f);
      rows.add(RowFactory.create(String.format("utt%03d", u), (long) u, framesPerUtt, dim, f));
    }
    StructType schema = new StructType()
        .add("utt_id", DataTypes.StringType, false)
        .add("input_order", DataTypes.LongType, false)
        .add("num_frames", DataTypes.IntegerType, false)
        .add("dim", DataTypes.IntegerType, false)
        .add("features", new ArrayType(DataTypes.FloatType, false), false);

    List<KMeansCentroids> fitted = new ProductKMeansFitter(new KMeansFitter().setK(K).setSampleFraction(0.5).setSeed(3).setMaxIter(10).setInitSteps(1),
        subSpaces).fit(spark.createDataFrame(rows, schema).repartition(2));
    assertEquals(3, fitted.size());
    List<float[]> centroids = new ArrayList<>();
    int[] ks = new int[3];
    for (int g = 0; g < 3; g++) {
      assertEquals(WIDTHS[g], fitted.get(g).dim());
      assertEquals(fitted.get(0).utterances(), fitted.get(g).utterances(), "every sub-space sees the same sample");
      assertEquals(WIDTHS[g] * 0.16, fitted.get(g).inertiaPerFrame(), 0.1 * WIDTHS[g] * 0.16, "group " + g);
      centroids.add(fitted.get(g).centroids());
      ks[g] = fitted.get(g).k();
    }
    ProductAssigner assigner = new ProductAssigner(subSpaces, centroids, ks);
    for (int g = 0; g < 3; g++) {
      int[][] counts = new int[K][K]; // [true][found]
      for (int u = 0; u < utterances; u++) {
        short[][] labels = assigner.assign(values.get(u), framesPerUtt, dim);
        assertEquals(3, labels.length);
        for (int t = 0; t < framesPerUtt; t++) {
          counts[truth[g][u][t]][labels[g][t]]++;
        }
      }
      Set<Integer> used = new HashSet<>();
      for (int c = 0; c < K; c++) {
        int best = 0;
        int total = 0;
        for (int j = 0; j < K; j++) {
          total += counts[c][j];
          best = counts[c][j] > counts[c][best] ? j : best;
        }
        assertTrue(counts[c][best] >= 0.99 * total, "sub-space " + g + " cluster " + c + ": " + counts[c][best] + " of "
            + total + " frames on one label");
        used.add(best);
      }
      assertEquals(K, used.size(), "sub-space " + g + ": every true cluster has its own label");
    }
  }

  @Test
  void subSpacesAreValidated() {
    assertEquals("0:13,13:26,26:39", SubSpaces.equal(39, 3).toString());
    assertEquals(SubSpaces.equal(39, 3).toString(), SubSpaces.parse("0:13,13:26,26:39").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SubSpaces.parse("0:13,10:26"));
    assertTrue(e.getMessage().contains("Sub-space 1") && e.getMessage().contains("10:26"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SubSpaces.parse("0-13"));
    assertTrue(e.getMessage().contains("'0-13'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SubSpaces.equal(768, 5));
    assertTrue(e.getMessage().contains("768") && e.getMessage().contains("5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SubSpaces.parse("0:20,20:40").requireWithin(39, "mfcc"));
    assertTrue(e.getMessage().contains("reach dimension 40") && e.getMessage().contains("mfcc"), e.getMessage());
  }
}
