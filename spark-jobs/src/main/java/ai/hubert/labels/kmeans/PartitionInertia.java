package ai.hubert.labels.kmeans;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

/**
 * Sum of squared distances to the nearest centroid over one partition of frame rows {@code (frame: float[dim])}:
 * one value per partition, so that the driver can add them up in partition order (a deterministic sum).
 */
final class PartitionInertia implements FlatMapFunction<Iterator<Row>, Double> {
  private static final long serialVersionUID = 1L;

  private final Broadcast<float[]> centroids;
  private final int k;
  private final int dim;

  PartitionInertia(Broadcast<float[]> centroids, int k, int dim) {
    this.centroids = centroids;
    this.k = k;
    this.dim = dim;
  }

  @Override
  public Iterator<Double> call(Iterator<Row> frames) {
    float[] c = centroids.value();
    float[] x = new float[dim];
    double sum = 0;
    while (frames.hasNext()) {
      scala.collection.Seq<?> frame = frames.next().getSeq(0);
      for (int d = 0; d < dim; d++) {
        x[d] = (Float) frame.apply(d);
      }
      sum += KMeansInertia.nearestSquaredDistance(x, 0, dim, c, k);
    }
    return List.of(sum).iterator();
  }
}
