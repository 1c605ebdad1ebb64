package ai.hubert.labels.kmeans;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Feature-table rows of Gaussian clusters: {@code clusters} means drawn uniformly in [-scale, scale]^dim, each
 * utterance a run of segments whose frames come from one cluster with per-dimension standard deviation
 * {@code sigma}; keeps each frame's true cluster.
 */
final class SyntheticFrames {
  static final StructType SCHEMA = new StructType()
      .add("utt_id", DataTypes.StringType, false)
      .add("input_order", DataTypes.LongType, false)
      .add("num_frames", DataTypes.IntegerType, false)
      .add("dim", DataTypes.IntegerType, false)
      .add("features", new ArrayType(DataTypes.FloatType, false), false);

  final int dim;
  final float[][] means;
  final List<Row> rows = new ArrayList<>();
  final List<int[]> truth = new ArrayList<>();
  final List<float[]> values = new ArrayList<>();

  SyntheticFrames(long seed, int clusters, int dim, double scale, double sigma, int utterances, int framesPerUtt,
      int segmentFrames) {
    this.dim = dim;
    Random random = new Random(seed);
    means = new float[clusters][dim];
    for (float[] m : means) {
      for (int d = 0; d < dim; d++) {
        m[d] = (float) ((2 * random.nextDouble() - 1) * scale);
      }
    }
    for (int u = 0; u < utterances; u++) {
      float[] features = new float[framesPerUtt * dim];
      int[] labels = new int[framesPerUtt];
      int cluster = random.nextInt(clusters);
      for (int t = 0; t < framesPerUtt; t++) {
        if (t % segmentFrames == 0) {
          cluster = random.nextInt(clusters);
        }
        labels[t] = cluster;
        for (int d = 0; d < dim; d++) {
          features[t * dim + d] = (float) (means[cluster][d] + sigma * random.nextGaussian());
        }
      }
      truth.add(labels);
      values.add(features);
      rows.add(RowFactory.create(String.format("utt%05d", u), (long) u, framesPerUtt, dim, features));
    }
  }

  Dataset<Row> frame(SparkSession spark, int partitions) {
    return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
  }

  float[] allFrames() {
    int n = values.stream().mapToInt(v -> v.length).sum();
    float[] all = new float[n];
    int at = 0;
    for (float[] v : values) {
      System.arraycopy(v, 0, all, at, v.length);
      at += v.length;
    }
    return all;
  }
}
