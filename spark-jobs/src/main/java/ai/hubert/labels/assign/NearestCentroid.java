package ai.hubert.labels.assign;

import java.io.Serializable;

/**
 * Assigns feature frames to their nearest k-means centroid (squared Euclidean distance), like fairseq's
 * {@code ApplyKmeans} ({@code dist = Σx² − 2·x·C + Cnorm; label = argmin}).
 *
 * <p><b>Arithmetic.</b> {@code Σx²} is the same for every centroid of a frame, so it is left out: each centroid
 * {@code j} gets the float32 score {@code s_j = ‖c_j‖² − 2·x·c_j}, evaluated as {@code s = ‖c_j‖²} (the sum of
 * squares computed in double, rounded once to float) followed by {@code s = fma(−2·x_d, c_jd, s)} for
 * {@code d = 0 .. dim−1} in that order. The label is the lowest {@code j} with the smallest score, so exact ties go to
 * the first index as with numpy's {@code argmin}. numpy rounds differently (a BLAS GEMM in float32, then
 * {@code Σx²} added), so where a frame's two nearest centroids are within float32 rounding of each other
 * (relative differences around {@code 1e-7·dim}) the two may pick different ones; elsewhere they agree. All
 * {@link AssignKernel}s evaluate the same expression in the same order and return identical labels.
 *
 * <p><b>Input.</b> Frames are float32, frame-major ({@code frames[f * dim + d]}). Every value must be finite; a
 * NaN or infinity fails the call naming the frame (fairseq would silently label such a frame 0).
 *
 * <p>Instances are immutable and safe to share between threads; the per-thread scratch space (a few score rows) is
 * kept in a {@link ThreadLocal}. Java serialization writes only {@code k}, {@code dim}, the kernel and the centroids
 * and rebuilds the packed form on read; with other serializers (Kryo), ship {@link #centroids()} and rebuild with
 * {@code new NearestCentroid(centroids, k, dim)} (about {@code k·dim} operations).
 */
public final class NearestCentroid implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int k;
  private final int dim;
  private final float[] centroids;
  private final AssignKernel kernel;
  private final transient float[] norms;
  private final transient PackedCentroids packed;
  private final transient ScalarCentroids scalar;
  private final transient VectorCentroids vector;
  private final transient ThreadLocal<Scratch> scratch;

  /**
   * Builds the assigner for {@code k} centroids of {@code dim} values each, row-major
   * ({@code centroids[j * dim + d]}), with the kernel named by the system property {@value AssignKernel#PROPERTY}.
   */
  public NearestCentroid(float[] centroids, int k, int dim) {
    this(centroids, k, dim, AssignKernel.fromSystemProperty());
  }

  /** As {@link #NearestCentroid(float[], int, int)} with an explicit kernel. */
  public NearestCentroid(float[] centroids, int k, int dim, AssignKernel kernel) {
    if (centroids == null) {
      throw new IllegalArgumentException("centroids: expected a float array of k x dim values, found null");
    }
    if (kernel == null) {
      throw new IllegalArgumentException("kernel: expected VECTOR, PACKED or SCALAR, found null");
    }
    if (!kernel.isAvailable()) {
      throw new IllegalArgumentException("kernel: VECTOR needs the JVM option --add-modules=jdk.incubator.vector; "
          + "without it use PACKED or SCALAR");
    }
    if (k < 1) {
      throw new IllegalArgumentException("k: expected at least 1 centroid, found " + k);
    }
    if (dim < 1) {
      throw new IllegalArgumentException("dim: expected at least 1, found " + dim);
    }
    if ((long) k * dim != centroids.length) {
      throw new IllegalArgumentException("centroids: expected k x dim = " + k + " x " + dim + " = " + (long) k * dim
          + " values, found " + centroids.length);
    }
    this.k = k;
    this.dim = dim;
    this.centroids = centroids.clone();
    this.kernel = kernel;
    this.norms = new float[k];
    for (int j = 0; j < k; j++) {
      double sum = 0;
      for (int d = 0; d < dim; d++) {
        float v = this.centroids[j * dim + d];
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("centroid " + j + ", dimension " + d + ": expected a finite value, found " + v);
        }
        sum += (double) v * v;
      }
      float norm = (float) sum;
      if (!Float.isFinite(norm)) {
        throw new IllegalArgumentException("centroid " + j + ": expected a squared norm within float range, found " + sum);
      }
      norms[j] = norm;
    }
    this.packed = kernel == AssignKernel.PACKED ? new PackedCentroids(this.centroids, norms, k, dim) : null;
    this.scalar = kernel == AssignKernel.SCALAR ? new ScalarCentroids(this.centroids, norms, k, dim) : null;
    // only referenced when selected, so that a JVM without jdk.incubator.vector never loads the class
    this.vector = kernel == AssignKernel.VECTOR ? new VectorCentroids(this.centroids, norms, k, dim) : null;
    this.scratch = ThreadLocal.withInitial(this::newScratch);
  }

  /** Number of centroids. */
  public int k() {
    return k;
  }

  /** Values per frame and per centroid. */
  public int dim() {
    return dim;
  }

  /** The kernel in use. */
  public AssignKernel kernel() {
    return kernel;
  }

  /** A copy of the centroids, row-major {@code k × dim}. */
  public float[] centroids() {
    return centroids.clone();
  }

  /** The same centroids with another kernel. */
  public NearestCentroid withKernel(AssignKernel other) {
    return other == kernel ? this : new NearestCentroid(centroids, k, dim, other);
  }

  /** Labels of the first {@code numFrames} frames of {@code frames} (frame-major, {@code numFrames * dim} values). */
  public int[] assign(float[] frames, int numFrames) {
    checkFrames(frames, 0, numFrames);
    int[] labels = new int[numFrames];
    assign(frames, 0, numFrames, labels, 0);
    return labels;
  }

  /** As {@link #assign(float[], int)} as shorts; needs {@code k <= 32767}. */
  public short[] assignShort(float[] frames, int numFrames) {
    checkShort();
    checkFrames(frames, 0, numFrames);
    short[] labels = new short[numFrames];
    assignShort(frames, 0, numFrames, labels, 0);
    return labels;
  }

  /**
   * Allocation-free form: labels the {@code numFrames} frames that start at float index {@code frameOffset}
   * (frame {@code f} is {@code frames[frameOffset + f * dim ..]}) into
   * {@code labels[labelOffset .. labelOffset + numFrames)}. Allocates only the calling thread's scratch space, once.
   */
  public void assign(float[] frames, int frameOffset, int numFrames, int[] labels, int labelOffset) {
    checkFrames(frames, frameOffset, numFrames);
    checkLabels(labels == null ? -1 : labels.length, labelOffset, numFrames);
    run(frames, frameOffset, numFrames, labels, null, labelOffset);
  }

  /** Allocation-free form of {@link #assignShort(float[], int)}; see {@link #assign(float[], int, int, int[], int)}. */
  public void assignShort(float[] frames, int frameOffset, int numFrames, short[] labels, int labelOffset) {
    checkShort();
    checkFrames(frames, frameOffset, numFrames);
    checkLabels(labels == null ? -1 : labels.length, labelOffset, numFrames);
    run(frames, frameOffset, numFrames, null, labels, labelOffset);
  }

  private void run(float[] frames, int frameOffset, int numFrames, int[] ints, short[] shorts, int labelOffset) {
    if (vector != null) {
      int bad = vector.assign(frames, frameOffset, numFrames, ints, shorts, labelOffset);
      if (bad >= 0) {
        for (int f = bad; f < numFrames; f++) {
          requireFinite(frames, frameOffset, f);
        }
      }
      return;
    }
    Scratch s = scratch.get();
    if (scalar != null) {
      float[] a = s.coeffs[0];
      for (int f = 0; f < numFrames; f++) {
        coefficients(frames, frameOffset, f, a);
        store(ints, shorts, labelOffset + f, scalar.nearest(a));
      }
      return;
    }
    int block = packed.blockFrames();
    for (int f0 = 0; f0 < numFrames; f0 += block) {
      int count = Math.min(block, numFrames - f0);
      for (int i = 0; i < count; i++) {
        coefficients(frames, frameOffset, f0 + i, s.coeffs[i]);
      }
      packed.score(s.coeffs, count, s.scores);
      for (int i = 0; i < count; i++) {
        store(ints, shorts, labelOffset + f0 + i, argmin(s.scores[i], k));
      }
    }
  }

  private void coefficients(float[] frames, int frameOffset, int f, float[] a) {
    int base = frameOffset + f * dim;
    boolean finite = true;
    for (int d = 0; d < dim; d++) {
      float v = frames[base + d];
      finite &= Float.isFinite(v);
      a[d] = -2f * v;
    }
    if (!finite) {
      requireFinite(frames, frameOffset, f);
    }
  }

  private void requireFinite(float[] frames, int frameOffset, int f) {
    int base = frameOffset + f * dim;
    for (int d = 0; d < dim; d++) {
      if (!Float.isFinite(frames[base + d])) {
        throw new IllegalArgumentException("frame " + f + ", dimension " + d + ": expected a finite value, found "
            + frames[base + d]);
      }
    }
  }

  private static int argmin(float[] s, int k) {
    int best = 0;
    float bestScore = s[0];
    for (int j = 1; j < k; j++) {
      float v = s[j];
      if (v < bestScore) {
        bestScore = v;
        best = j;
      }
    }
    return best;
  }

  private static void store(int[] ints, short[] shorts, int index, int label) {
    if (ints != null) {
      ints[index] = label;
    } else {
      shorts[index] = (short) label;
    }
  }

  private void checkShort() {
    if (k > Short.MAX_VALUE) {
      throw new IllegalArgumentException("short labels: expected k <= " + Short.MAX_VALUE + ", found k = " + k);
    }
  }

  private void checkFrames(float[] frames, int frameOffset, int numFrames) {
    if (frames == null) {
      throw new IllegalArgumentException("frames: expected a float array of numFrames x dim values, found null");
    }
    if (numFrames < 0) {
      throw new IllegalArgumentException("numFrames: expected >= 0, found " + numFrames);
    }
    if (frameOffset < 0) {
      throw new IllegalArgumentException("frameOffset: expected >= 0, found " + frameOffset);
    }
    long needed = (long) frameOffset + (long) numFrames * dim;
    if (needed > frames.length) {
      throw new IllegalArgumentException("frames: expected at least frameOffset + numFrames x dim = " + frameOffset
          + " + " + numFrames + " x " + dim + " = " + needed + " values, found " + frames.length);
    }
  }

  private static void checkLabels(int length, int labelOffset, int numFrames) {
    if (length < 0) {
      throw new IllegalArgumentException("labels: expected an array for " + numFrames + " labels, found null");
    }
    if (labelOffset < 0 || (long) labelOffset + numFrames > length) {
      throw new IllegalArgumentException("labels: expected room for labelOffset + numFrames = " + labelOffset + " + "
          + numFrames + " labels, found an array of " + length);
    }
  }

  private Scratch newScratch() {
    return packed != null ? new Scratch(packed.blockFrames(), dim, packed.paddedK()) : new Scratch(1, dim, 0);
  }

  private Object readResolve() {
    // a VECTOR assigner read by a JVM without the Vector API module falls back to PACKED (identical labels)
    return new NearestCentroid(centroids, k, dim, kernel.isAvailable() ? kernel : AssignKernel.PACKED);
  }

  private static final class Scratch {
    final float[][] coeffs;
    final float[][] scores;

    Scratch(int frames, int dim, int paddedK) {
      coeffs = new float[frames][dim];
      scores = new float[frames][paddedK];
    }
  }
}
