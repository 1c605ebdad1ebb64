package ai.hubert.labels.assign;

import java.util.Locale;

/**
 * How {@link NearestCentroid} computes its scores. All kernels evaluate exactly the same float32 expression in the
 * same order, so they return identical labels; they differ only in speed.
 */
public enum AssignKernel {
  /**
   * Hand-written SIMD with the incubating Vector API ({@code jdk.incubator.vector}, preferred vector width): four
   * frames × up to four vectors of centroids accumulated in registers, centroids stored transposed in tiles, the
   * argmin vectorized too. Needs the JVM option {@code --add-modules=jdk.incubator.vector}; the default when that
   * module is present.
   */
  VECTOR,
  /**
   * Centroids transposed into {@code dim} rows of {@code k} values (padded to a multiple of 16), frames in blocks,
   * the dimensions in panels that stay in cache; the inner loops run over centroids and are written so that
   * HotSpot C2 compiles them to SIMD fused multiply-adds. The default without the Vector API module.
   */
  PACKED,
  /** One centroid at a time, one dimension at a time: the reference, for checking and for exotic JVMs. */
  SCALAR;

  /**
   * The system property that selects the default kernel: {@code vector}, {@code packed} or {@code scalar}; unset,
   * {@code vector} when the Vector API module is present and {@code packed} otherwise.
   */
  public static final String PROPERTY = "hubert.assign.kernel";

  private static final boolean VECTOR_MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  /** Whether this JVM can run the kernel: false only for {@link #VECTOR} without {@code jdk.incubator.vector}. */
  public boolean isAvailable() {
    return this != VECTOR || VECTOR_MODULE;
  }

  /** The fastest kernel this JVM can run: {@link #VECTOR} when available, else {@link #PACKED}. */
  public static AssignKernel best() {
    return VECTOR.isAvailable() ? VECTOR : PACKED;
  }

  /** The kernel named by {@link #PROPERTY}, {@link #best()} when unset. */
  public static AssignKernel fromSystemProperty() {
    String name = System.getProperty(PROPERTY);
    return name == null ? best() : parse(name);
  }

  /** Parses {@code vector}, {@code packed} or {@code scalar} (any case). */
  public static AssignKernel parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "vector":
        return VECTOR;
      case "packed":
        return PACKED;
      case "scalar":
        return SCALAR;
      default:
        throw new IllegalArgumentException("label-assignment kernel: expected 'vector', 'packed' or 'scalar', found '"
            + name + "'");
    }
  }
}
