package ai.hubert.labels.assign;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link AssignKernel#VECTOR} kernel, written with the incubating Vector API ({@code jdk.incubator.vector}). Only
 * {@link NearestCentroid} refers to this class, and only when the module is in the boot layer, so a JVM started
 * without {@code --add-modules=jdk.incubator.vector} never loads it.
 *
 * <p><b>Layout.</b> The centroids (padded with zeros to {@code paddedK}, a multiple of the vector length {@code L})
 * are cut into tiles of {@code w} consecutive vectors ({@code w = 4, 2} or {@code 1}; the narrow ones only for the
 * last centroids). Tile {@code t} starting at vector {@code v} is stored at {@code v·L·dim} as {@code dim} rows of
 * {@code w·L} values, row {@code d} holding dimension {@code d} of the tile's centroids, so the micro-kernel reads
 * one tile as a single sequential stream.
 *
 * <p><b>Micro-kernel.</b> Four frames × one tile of accumulators stay in registers (16 vectors for {@code w = 4});
 * for each dimension {@code d} it loads the tile's row, broadcasts each frame's coefficient {@code −2·x_d} and
 * fuses a multiply-add into the accumulators. Dimensions are taken in panels whose tile rows fit in the L2 cache
 * (768 or 1280 dimensions are one panel); between panels the accumulators go through a score buffer. Frames are
 * labelled in blocks; a block's last group of four is completed with zero frames whose scores are ignored.
 *
 * <p><b>Arithmetic.</b> Every accumulator starts at {@code ‖c_j‖²} and receives {@code fma(−2·x_d, c_jd, s)} for
 * {@code d} ascending, so each score is bit-for-bit the one {@link ScalarCentroids} and {@link PackedCentroids}
 * compute (storing a float accumulator between panels does not round it). The argmin keeps, per lane, the first
 * strictly smaller score over the vectors, then takes the smallest index among the lanes holding the minimum: the
 * lowest index on exact ties, as in the scalar loop. Padding centroids score {@code +∞} and never win over a real
 * centroid. A frame whose scores contain a NaN (only possible when a product overflows) falls back to the scalar
 * argmin over the same scores, so labels are identical to the other kernels in every case.
 */
final class VectorCentroids {
  /** Largest {@code k}: the argmin carries centroid indices in float lanes, exact up to {@code 2^24}. */
  static final int MAX_K = 1 << 24;

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int L = SPECIES.length();
  /** Frames per micro-kernel call. */
  private static final int GROUP = 4;
  /** Widest tile, in vectors: 4 × 4 accumulators need 32 registers (AVX-512), 4 × 2 fit in 16 (AVX2, NEON). */
  private static final int MAX_WIDTH = L >= 16 ? 4 : 2;
  /**
   * Bytes of one tile's rows per dimension panel, a quarter of a 1 MiB L2 cache. The rows are read as one
   * sequential, prefetched stream, so L2 serves them at full speed; smaller (L1-sized) panels measured 3&ndash;25 %
   * slower for 768 × 500 because of the accumulator round trips between panels.
   */
  private static final int PANEL_BYTES = 256 * 1024;
  private static final int SCORE_BLOCK_BYTES = 128 * 1024;
  private static final int MAX_BLOCK_FRAMES = 64;

  private final int k;
  private final int dim;
  private final int paddedK;
  private final int vectors;
  private final float[] packed;
  private final float[] norms;
  private final float[] iota;
  private final int blockFrames;
  private final int panel;
  private final ThreadLocal<Workspace> workspace;

  VectorCentroids(float[] centroids, float[] norms, int k, int dim) {
    if (k > MAX_K) {
      throw new IllegalArgumentException("k: the VECTOR kernel supports at most " + MAX_K + " centroids, found " + k
          + " (use -D" + AssignKernel.PROPERTY + "=packed)");
    }
    this.k = k;
    this.dim = dim;
    this.vectors = (k + L - 1) / L;
    this.paddedK = vectors * L;
    this.packed = new float[Math.multiplyExact(paddedK, dim)];
    for (int v = 0; v < vectors; v += width(v)) {
      int w = width(v);
      int tile = v * L * dim;
      for (int j = v * L; j < Math.min(k, (v + w) * L); j++) {
        int column = j - v * L;
        for (int d = 0; d < dim; d++) {
          packed[tile + d * w * L + column] = centroids[j * dim + d];
        }
      }
    }
    this.norms = new float[paddedK];
    System.arraycopy(norms, 0, this.norms, 0, k);
    for (int j = k; j < paddedK; j++) {
      this.norms[j] = Float.POSITIVE_INFINITY;
    }
    this.iota = new float[L];
    for (int i = 0; i < L; i++) {
      iota[i] = i;
    }
    int block = SCORE_BLOCK_BYTES / (4 * paddedK) / GROUP * GROUP;
    this.blockFrames = Math.max(GROUP, Math.min(MAX_BLOCK_FRAMES, block));
    int rows = Math.max(1, PANEL_BYTES / (4 * MAX_WIDTH * L));
    this.panel = dim <= rows + rows / 2 ? dim : rows;
    this.workspace = ThreadLocal.withInitial(() -> new Workspace(blockFrames, dim, paddedK));
  }

  /** The tile width (in vectors) of the tile that starts at vector {@code v}. */
  private int width(int v) {
    int left = vectors - v;
    return left >= MAX_WIDTH ? MAX_WIDTH : left >= 2 ? 2 : 1;
  }

  /**
   * Labels {@code numFrames} frames starting at float index {@code frameOffset} into {@code ints} (or {@code shorts}
   * when {@code ints} is null) from {@code labelOffset}. Returns −1, or the index (relative to {@code frameOffset})
   * of the first frame of a block that holds a value that is not finite; that block and the ones after it are not
   * labelled.
   */
  int assign(float[] frames, int frameOffset, int numFrames, int[] ints, short[] shorts, int labelOffset) {
    Workspace w = workspace.get();
    for (int f0 = 0; f0 < numFrames; f0 += blockFrames) {
      int count = Math.min(blockFrames, numFrames - f0);
      if (!coefficients(frames, frameOffset + f0 * dim, count, w.coeffs)) {
        return f0;
      }
      int groups = (count + GROUP - 1) / GROUP;
      score(w.coeffs, groups, w.scores);
      for (int i = 0; i < count; i++) {
        int label = argmin(w.scores, i * paddedK);
        if (ints != null) {
          ints[labelOffset + f0 + i] = label;
        } else {
          shorts[labelOffset + f0 + i] = (short) label;
        }
      }
    }
    return -1;
  }

  /**
   * {@code coeffs[i] = −2·frames[offset + i]} for the {@code count} frames, zeros up to the next whole group;
   * false when a value is not finite.
   */
  private boolean coefficients(float[] frames, int offset, int count, float[] coeffs) {
    int n = count * dim;
    FloatVector check = FloatVector.zero(SPECIES);
    int i = 0;
    for (int end = SPECIES.loopBound(n); i < end; i += L) {
      FloatVector v = FloatVector.fromArray(SPECIES, frames, offset + i);
      v.mul(-2f).intoArray(coeffs, i);
      check = check.add(v.mul(0f));
    }
    float tail = 0f;
    for (; i < n; i++) {
      float v = frames[offset + i];
      coeffs[i] = -2f * v;
      tail += v * 0f;
    }
    int padded = (count + GROUP - 1) / GROUP * GROUP * dim;
    for (; i < padded; i++) {
      coeffs[i] = 0f;
    }
    // x * 0 is NaN exactly when x is infinite or NaN, and a NaN survives the sums
    return tail == 0f && check.eq(0f).allTrue();
  }

  /** Scores of the {@code groups × 4} frames of {@code coeffs}: {@code scores[f * paddedK + j]}. */
  private void score(float[] coeffs, int groups, float[] scores) {
    for (int v = 0; v < vectors; v += width(v)) {
      int w = width(v);
      int tile = v * L * dim;
      for (int d0 = 0; d0 < dim; d0 += panel) {
        int d1 = Math.min(dim, d0 + panel);
        // the first panel starts from the norms (the same row for every frame), later ones from the scores so far
        float[] from = d0 == 0 ? norms : scores;
        int fromStride = d0 == 0 ? 0 : paddedK;
        for (int g = 0; g < groups; g++) {
          int a = g * GROUP * dim;
          int s = g * GROUP * paddedK + v * L;
          int r = d0 == 0 ? v * L : s;
          int p = tile + d0 * w * L;
          if (w == 4) {
            tile4(coeffs, a, p, d0, d1, from, r, fromStride, scores, s);
          } else if (w == 2) {
            tile2(coeffs, a, p, d0, d1, from, r, fromStride, scores, s);
          } else {
            tile1(coeffs, a, p, d0, d1, from, r, fromStride, scores, s);
          }
        }
      }
    }
  }

  /**
   * Four frames (coefficients at {@code a}, {@code a + dim}, ...) × four vectors of centroids (rows from
   * {@code p}, {@code 4·L} values per dimension) over dimensions {@code [d0, d1)}: the accumulators start from
   * {@code from[r + i·rs ..]} for frame {@code i} and end in {@code s[s0 + i·paddedK ..]}.
   */
  private void tile4(float[] a, int a0, int p, int d0, int d1, float[] from, int r, int rs, float[] s, int s0) {
    FloatVector s00 = FloatVector.fromArray(SPECIES, from, r);
    FloatVector s01 = FloatVector.fromArray(SPECIES, from, r + L);
    FloatVector s02 = FloatVector.fromArray(SPECIES, from, r + 2 * L);
    FloatVector s03 = FloatVector.fromArray(SPECIES, from, r + 3 * L);
    FloatVector s10 = FloatVector.fromArray(SPECIES, from, r + rs);
    FloatVector s11 = FloatVector.fromArray(SPECIES, from, r + rs + L);
    FloatVector s12 = FloatVector.fromArray(SPECIES, from, r + rs + 2 * L);
    FloatVector s13 = FloatVector.fromArray(SPECIES, from, r + rs + 3 * L);
    FloatVector s20 = FloatVector.fromArray(SPECIES, from, r + 2 * rs);
    FloatVector s21 = FloatVector.fromArray(SPECIES, from, r + 2 * rs + L);
    FloatVector s22 = FloatVector.fromArray(SPECIES, from, r + 2 * rs + 2 * L);
    FloatVector s23 = FloatVector.fromArray(SPECIES, from, r + 2 * rs + 3 * L);
    FloatVector s30 = FloatVector.fromArray(SPECIES, from, r + 3 * rs);
    FloatVector s31 = FloatVector.fromArray(SPECIES, from, r + 3 * rs + L);
    FloatVector s32 = FloatVector.fromArray(SPECIES, from, r + 3 * rs + 2 * L);
    FloatVector s33 = FloatVector.fromArray(SPECIES, from, r + 3 * rs + 3 * L);
    int a1 = a0 + dim;
    int a2 = a1 + dim;
    int a3 = a2 + dim;
    for (int d = d0; d < d1; d++, p += 4 * L) {
      FloatVector c0 = FloatVector.fromArray(SPECIES, packed, p);
      FloatVector c1 = FloatVector.fromArray(SPECIES, packed, p + L);
      FloatVector c2 = FloatVector.fromArray(SPECIES, packed, p + 2 * L);
      FloatVector c3 = FloatVector.fromArray(SPECIES, packed, p + 3 * L);
      FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + d]);
      s00 = x.fma(c0, s00);
      s01 = x.fma(c1, s01);
      s02 = x.fma(c2, s02);
      s03 = x.fma(c3, s03);
      x = FloatVector.broadcast(SPECIES, a[a1 + d]);
      s10 = x.fma(c0, s10);
      s11 = x.fma(c1, s11);
      s12 = x.fma(c2, s12);
      s13 = x.fma(c3, s13);
      x = FloatVector.broadcast(SPECIES, a[a2 + d]);
      s20 = x.fma(c0, s20);
      s21 = x.fma(c1, s21);
      s22 = x.fma(c2, s22);
      s23 = x.fma(c3, s23);
      x = FloatVector.broadcast(SPECIES, a[a3 + d]);
      s30 = x.fma(c0, s30);
      s31 = x.fma(c1, s31);
      s32 = x.fma(c2, s32);
      s33 = x.fma(c3, s33);
    }
    int ps = paddedK;
    s00.intoArray(s, s0);
    s01.intoArray(s, s0 + L);
    s02.intoArray(s, s0 + 2 * L);
    s03.intoArray(s, s0 + 3 * L);
    s10.intoArray(s, s0 + ps);
    s11.intoArray(s, s0 + ps + L);
    s12.intoArray(s, s0 + ps + 2 * L);
    s13.intoArray(s, s0 + ps + 3 * L);
    s20.intoArray(s, s0 + 2 * ps);
    s21.intoArray(s, s0 + 2 * ps + L);
    s22.intoArray(s, s0 + 2 * ps + 2 * L);
    s23.intoArray(s, s0 + 2 * ps + 3 * L);
    s30.intoArray(s, s0 + 3 * ps);
    s31.intoArray(s, s0 + 3 * ps + L);
    s32.intoArray(s, s0 + 3 * ps + 2 * L);
    s33.intoArray(s, s0 + 3 * ps + 3 * L);
  }

  /** As {@link #tile4} with two vectors of centroids ({@code 2·L} values per dimension). */
  private void tile2(float[] a, int a0, int p, int d0, int d1, float[] from, int r, int rs, float[] s, int s0) {
    FloatVector s00 = FloatVector.fromArray(SPECIES, from, r);
    FloatVector s01 = FloatVector.fromArray(SPECIES, from, r + L);
    FloatVector s10 = FloatVector.fromArray(SPECIES, from, r + rs);
    FloatVector s11 = FloatVector.fromArray(SPECIES, from, r + rs + L);
    FloatVector s20 = FloatVector.fromArray(SPECIES, from, r + 2 * rs);
    FloatVector s21 = FloatVector.fromArray(SPECIES, from, r + 2 * rs + L);
    FloatVector s30 = FloatVector.fromArray(SPECIES, from, r + 3 * rs);
    FloatVector s31 = FloatVector.fromArray(SPECIES, from, r + 3 * rs + L);
    int a1 = a0 + dim;
    int a2 = a1 + dim;
    int a3 = a2 + dim;
    for (int d = d0; d < d1; d++, p += 2 * L) {
      FloatVector c0 = FloatVector.fromArray(SPECIES, packed, p);
      FloatVector c1 = FloatVector.fromArray(SPECIES, packed, p + L);
      FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + d]);
      s00 = x.fma(c0, s00);
      s01 = x.fma(c1, s01);
      x = FloatVector.broadcast(SPECIES, a[a1 + d]);
      s10 = x.fma(c0, s10);
      s11 = x.fma(c1, s11);
      x = FloatVector.broadcast(SPECIES, a[a2 + d]);
      s20 = x.fma(c0, s20);
      s21 = x.fma(c1, s21);
      x = FloatVector.broadcast(SPECIES, a[a3 + d]);
      s30 = x.fma(c0, s30);
      s31 = x.fma(c1, s31);
    }
    int ps = paddedK;
    s00.intoArray(s, s0);
    s01.intoArray(s, s0 + L);
    s10.intoArray(s, s0 + ps);
    s11.intoArray(s, s0 + ps + L);
    s20.intoArray(s, s0 + 2 * ps);
    s21.intoArray(s, s0 + 2 * ps + L);
    s30.intoArray(s, s0 + 3 * ps);
    s31.intoArray(s, s0 + 3 * ps + L);
  }

  /** As {@link #tile4} with one vector of centroids ({@code L} values per dimension). */
  private void tile1(float[] a, int a0, int p, int d0, int d1, float[] from, int r, int rs, float[] s, int s0) {
    FloatVector s0v = FloatVector.fromArray(SPECIES, from, r);
    FloatVector s1v = FloatVector.fromArray(SPECIES, from, r + rs);
    FloatVector s2v = FloatVector.fromArray(SPECIES, from, r + 2 * rs);
    FloatVector s3v = FloatVector.fromArray(SPECIES, from, r + 3 * rs);
    int a1 = a0 + dim;
    int a2 = a1 + dim;
    int a3 = a2 + dim;
    for (int d = d0; d < d1; d++, p += L) {
      FloatVector c = FloatVector.fromArray(SPECIES, packed, p);
      s0v = FloatVector.broadcast(SPECIES, a[a0 + d]).fma(c, s0v);
      s1v = FloatVector.broadcast(SPECIES, a[a1 + d]).fma(c, s1v);
      s2v = FloatVector.broadcast(SPECIES, a[a2 + d]).fma(c, s2v);
      s3v = FloatVector.broadcast(SPECIES, a[a3 + d]).fma(c, s3v);
    }
    int ps = paddedK;
    s0v.intoArray(s, s0);
    s1v.intoArray(s, s0 + ps);
    s2v.intoArray(s, s0 + 2 * ps);
    s3v.intoArray(s, s0 + 3 * ps);
  }

  /** The lowest index of the smallest of {@code scores[base .. base + k)}. */
  private int argmin(float[] scores, int base) {
    FloatVector best = FloatVector.fromArray(SPECIES, scores, base);
    FloatVector index = FloatVector.fromArray(SPECIES, iota, 0);
    FloatVector bestIndex = index;
    FloatVector step = FloatVector.broadcast(SPECIES, (float) L);
    for (int v = 1; v < vectors; v++) {
      FloatVector s = FloatVector.fromArray(SPECIES, scores, base + v * L);
      index = index.add(step);
      VectorMask<Float> smaller = s.lt(best);
      best = best.blend(s, smaller);
      bestIndex = bestIndex.blend(index, smaller);
    }
    if (!best.eq(best).allTrue()) {
      return scalarArgmin(scores, base);
    }
    float min = best.reduceLanes(VectorOperators.MIN);
    VectorMask<Float> other = best.compare(VectorOperators.NE, min);
    return (int) bestIndex.blend(Float.POSITIVE_INFINITY, other).reduceLanes(VectorOperators.MIN);
  }

  /** The scalar loop of {@link NearestCentroid}: the first score, then each strictly smaller one. */
  private int scalarArgmin(float[] scores, int base) {
    int best = 0;
    float bestScore = scores[base];
    for (int j = 1; j < k; j++) {
      if (scores[base + j] < bestScore) {
        bestScore = scores[base + j];
        best = j;
      }
    }
    return best;
  }

  /** One thread's buffers: coefficients of a block of frames and their score rows. */
  private static final class Workspace {
    final float[] coeffs;
    final float[] scores;

    Workspace(int blockFrames, int dim, int paddedK) {
      coeffs = new float[blockFrames * dim];
      scores = new float[blockFrames * paddedK];
    }
  }
}
