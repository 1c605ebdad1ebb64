package ai.hubert.labels.assign;

/**
 * Centroids transposed for the {@link AssignKernel#PACKED} kernel: row {@code d} holds dimension {@code d} of every
 * centroid, padded with zeros to {@code paddedK} (a multiple of 16, one AVX-512 register of floats).
 *
 * <p>The accumulation loops keep one frame's score row and six (or three, or one) centroid rows per loop body: that is small
 * enough for C2's unroll limit (default {@code LoopUnrollLimit}) to unroll the loop to full vector width, and every
 * array is indexed by the bare loop variable, which C2's SuperWord needs to prove the stores independent of the
 * loads. A loop body that updates several frames at once, or that reads a flat array at an invariant offset, is
 * not vectorized by JDK 17's C2 and runs 3&ndash;4&times; slower.
 *
 * <p>Every score is {@code cnorm[j]} followed by {@code fma(coeff[d], c[j][d], s)} for {@code d} ascending, exactly as
 * in {@link ScalarCentroids}, so both kernels produce bit-identical scores.
 */
final class PackedCentroids {
  static final int LANES = 16;
  private static final int SCORE_BLOCK_BYTES = 128 * 1024;
  private static final int PANEL_BYTES = 96 * 1024;
  private static final int MAX_BLOCK_FRAMES = 64;
  private static final int MIN_BLOCK_FRAMES = 4;

  private final int k;
  private final int dim;
  private final int paddedK;
  private final float[][] rows;
  private final float[] norms;
  private final int blockFrames;
  private final int panelRows;

  PackedCentroids(float[] centroids, float[] norms, int k, int dim) {
    this.k = k;
    this.dim = dim;
    this.paddedK = (k + LANES - 1) / LANES * LANES;
    this.rows = new float[dim][paddedK];
    for (int j = 0; j < k; j++) {
      for (int d = 0; d < dim; d++) {
        rows[d][j] = centroids[j * dim + d];
      }
    }
    this.norms = new float[paddedK];
    System.arraycopy(norms, 0, this.norms, 0, k);
    this.blockFrames = Math.max(MIN_BLOCK_FRAMES, Math.min(MAX_BLOCK_FRAMES, SCORE_BLOCK_BYTES / (4 * paddedK)));
    int panel = PANEL_BYTES / (4 * paddedK);
    this.panelRows = panel >= dim ? dim : Math.max(6, panel / 6 * 6);
  }

  int blockFrames() {
    return blockFrames;
  }

  int paddedK() {
    return paddedK;
  }

  /**
   * Scores {@code count} frames whose coefficients ({@code -2 x}) are {@code coeffs[0..count)}: on return
   * {@code scores[f][j]} (for {@code j < k}) is frame {@code f}'s score for centroid {@code j}.
   */
  void score(float[][] coeffs, int count, float[][] scores) {
    for (int f = 0; f < count; f++) {
      System.arraycopy(norms, 0, scores[f], 0, paddedK);
    }
    for (int d0 = 0; d0 < dim; d0 += panelRows) {
      int d1 = Math.min(dim, d0 + panelRows);
      for (int f = 0; f < count; f++) {
        accumulate(scores[f], coeffs[f], d0, d1);
      }
    }
  }

  private void accumulate(float[] s, float[] a, int d0, int d1) {
    int d = d0;
    for (; d + 6 <= d1; d += 6) {
      six(s, rows[d], rows[d + 1], rows[d + 2], rows[d + 3], rows[d + 4], rows[d + 5], a[d], a[d + 1], a[d + 2],
          a[d + 3], a[d + 4], a[d + 5]);
    }
    for (; d + 3 <= d1; d += 3) {
      three(s, rows[d], rows[d + 1], rows[d + 2], a[d], a[d + 1], a[d + 2]);
    }
    for (; d < d1; d++) {
      one(s, rows[d], a[d]);
    }
  }

  private static void six(float[] s, float[] c0, float[] c1, float[] c2, float[] c3, float[] c4, float[] c5, float a0,
      float a1, float a2, float a3, float a4, float a5) {
    int n = s.length;
    for (int j = 0; j < n; j++) {
      s[j] = Math.fma(a5, c5[j], Math.fma(a4, c4[j], Math.fma(a3, c3[j], Math.fma(a2, c2[j], Math.fma(a1, c1[j],
          Math.fma(a0, c0[j], s[j]))))));
    }
  }

  private static void three(float[] s, float[] c0, float[] c1, float[] c2, float a0, float a1, float a2) {
    int n = s.length;
    for (int j = 0; j < n; j++) {
      s[j] = Math.fma(a2, c2[j], Math.fma(a1, c1[j], Math.fma(a0, c0[j], s[j])));
    }
  }

  private static void one(float[] s, float[] c, float a) {
    int n = s.length;
    for (int j = 0; j < n; j++) {
      s[j] = Math.fma(a, c[j], s[j]);
    }
  }
}
