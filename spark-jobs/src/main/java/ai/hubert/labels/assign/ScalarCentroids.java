package ai.hubert.labels.assign;

/**
 * The {@link AssignKernel#SCALAR} kernel: for each frame and centroid, {@code s = cnorm[j]} then
 * {@code s = fma(coeff[d], c[j][d], s)} for {@code d} ascending, keeping the first minimum.
 */
final class ScalarCentroids {
  private final int k;
  private final int dim;
  private final float[] centroids;
  private final float[] norms;

  ScalarCentroids(float[] centroids, float[] norms, int k, int dim) {
    this.k = k;
    this.dim = dim;
    this.centroids = centroids;
    this.norms = norms;
  }

  /** The nearest centroid of the frame whose coefficients ({@code -2 x}) are {@code a}. */
  int nearest(float[] a) {
    int best = 0;
    float bestScore = Float.NaN;
    for (int j = 0; j < k; j++) {
      float s = norms[j];
      int base = j * dim;
      for (int d = 0; d < dim; d++) {
        s = Math.fma(a[d], centroids[base + d], s);
      }
      if (j == 0 || s < bestScore) {
        best = j;
        bestScore = s;
      }
    }
    return best;
  }
}
