package ai.hubert.labels.kmeans;

/**
 * k-means inertia of frames against centroids: {@code Σ_t min_j ‖x_t − c_j‖²}, each squared distance summed
 * exactly in double (no {@code ‖x‖² − 2x·c + ‖c‖²} cancellation), the same quantity as sklearn's
 * {@code -KMeans.score(X)}.
 */
public final class KMeansInertia {
  private KMeansInertia() {}

  /**
   * Sum over the {@code numFrames} frames (frame-major in {@code frames}) of the squared Euclidean distance to
   * the nearest of the {@code k} row-major centroids.
   */
  public static double sumOfSquaredDistances(float[] frames, int numFrames, int dim, float[] centroids, int k) {
    NearestCentroidLoop.checkCentroids(centroids, k, dim);
    NearestCentroidLoop.checkFrames(frames, numFrames, dim);
    double sum = 0;
    for (int t = 0; t < numFrames; t++) {
      sum += nearestSquaredDistance(frames, t * dim, dim, centroids, k);
    }
    return sum;
  }

  /** {@link #sumOfSquaredDistances} divided by {@code numFrames} (which must be positive). */
  public static double perFrame(float[] frames, int numFrames, int dim, float[] centroids, int k) {
    if (numFrames <= 0) {
      throw new IllegalArgumentException("Expected at least one frame but found numFrames = " + numFrames);
    }
    return sumOfSquaredDistances(frames, numFrames, dim, centroids, k) / numFrames;
  }

  /** Squared distance from the frame at {@code frames[offset .. offset + dim)} to its nearest centroid. */
  static double nearestSquaredDistance(float[] frames, int offset, int dim, float[] centroids, int k) {
    double best = Double.POSITIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      int base = j * dim;
      double s = 0;
      for (int d = 0; d < dim && s < best; d++) {
        double diff = (double) frames[offset + d] - centroids[base + d];
        s += diff * diff;
      }
      if (s < best) {
        best = s;
      }
    }
    return best;
  }
}
