package ai.hubert.labels.kmeans;

import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.api.java.UDF4;
import scala.collection.Seq;

/**
 * Spark SQL function (utterance id, features, num_frames, dim) &rarr; nearest-centroid label per frame
 * ({@link NearestCentroidLoop}); null features give null labels. The centroid norms are computed once per
 * deserialized copy, i.e. once per task.
 */
final class LabelsUdf implements UDF4<Object, Seq<?>, Integer, Integer, int[]> {
  private static final long serialVersionUID = 1L;

  private final Broadcast<float[]> centroids;
  private final int k;
  private final int dim;
  private final UtteranceFrames.ColumnNames columns;
  private transient double[] norms;

  LabelsUdf(Broadcast<float[]> centroids, int k, int dim, UtteranceFrames.ColumnNames columns) {
    this.centroids = centroids;
    this.k = k;
    this.dim = dim;
    this.columns = columns;
  }

  @Override
  public int[] call(Object id, Seq<?> features, Integer numFrames, Integer rowDim) {
    if (features == null) {
      return null;
    }
    float[] values = UtteranceFrames.values(id, features, numFrames, rowDim, dim, columns);
    float[] c = centroids.value();
    if (norms == null) {
      norms = NearestCentroidLoop.squaredNorms(c, k, dim);
    }
    return NearestCentroidLoop.assign(values, numFrames, dim, c, k, norms);
  }
}
