package ai.hubert.labels.kmeans;

/**
 * Nearest-centroid labels by a plain loop over the centroids, as fairseq's {@code ApplyKmeans} defines them:
 * {@code argmin_j (‖c_j‖² − 2·x·c_j)} (the frame's own norm does not change the argmin), accumulated in double,
 * first index on ties.
 */
public final class NearestCentroidLoop {
  private NearestCentroidLoop() {}

  /** The squared norms {@code ‖c_j‖²} of {@code k} row-major centroids of {@code dim} values. */
  public static double[] squaredNorms(float[] centroids, int k, int dim) {
    checkCentroids(centroids, k, dim);
    double[] norms = new double[k];
    for (int j = 0; j < k; j++) {
      double s = 0;
      int base = j * dim;
      for (int d = 0; d < dim; d++) {
        double v = centroids[base + d];
        s += v * v;
      }
      norms[j] = s;
    }
    return norms;
  }

  /**
   * Labels of {@code numFrames} frames stored frame-major in {@code frames} ({@code numFrames × dim} values).
   *
   * @param norms {@link #squaredNorms} of the centroids
   */
  public static int[] assign(float[] frames, int numFrames, int dim, float[] centroids, int k, double[] norms) {
    checkCentroids(centroids, k, dim);
    checkFrames(frames, numFrames, dim);
    if (norms.length != k) {
      throw new IllegalArgumentException("Expected " + k + " centroid norms but found " + norms.length);
    }
    int[] labels = new int[numFrames];
    for (int t = 0; t < numFrames; t++) {
      labels[t] = nearest(frames, t * dim, dim, centroids, k, norms);
    }
    return labels;
  }

  /** The label of the frame at {@code frames[offset .. offset + dim)}. */
  static int nearest(float[] frames, int offset, int dim, float[] centroids, int k, double[] norms) {
    int best = 0;
    double bestScore = Double.POSITIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      int base = j * dim;
      double dot = 0;
      for (int d = 0; d < dim; d++) {
        dot += (double) frames[offset + d] * centroids[base + d];
      }
      double score = norms[j] - 2 * dot;
      if (score < bestScore) {
        bestScore = score;
        best = j;
      }
    }
    return best;
  }

  static void checkCentroids(float[] centroids, int k, int dim) {
    if (k < 1 || dim < 1) {
      throw new IllegalArgumentException("Expected k >= 1 and dim >= 1 but found k = " + k + ", dim = " + dim);
    }
    if (centroids.length != (long) k * dim) {
      throw new IllegalArgumentException("Expected k x dim = " + k + " x " + dim + " = " + (long) k * dim
          + " centroid values but found " + centroids.length);
    }
  }

  static void checkFrames(float[] frames, int numFrames, int dim) {
    if (numFrames < 0 || frames.length < (long) numFrames * dim) {
      throw new IllegalArgumentException("Expected numFrames x dim = " + numFrames + " x " + dim + " = "
          + (long) numFrames * dim + " frame values but found " + frames.length);
    }
  }
}
