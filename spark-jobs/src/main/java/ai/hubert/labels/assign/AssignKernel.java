package ai.hubert.labels.assign;

import java.util.Locale;

/**
 * How {@link NearestCentroid} computes its scores. Both kernels evaluate exactly the same float32 expression in the
 * same order, so they return identical labels; they differ only in speed.
 */
public enum AssignKernel {
  /**
   * Centroids transposed into {@code dim} rows of {@code k} values (padded to a multiple of 16), frames in blocks,
   * the dimensions in panels that stay in cache; the inner loops run over centroids and are written so that
   * HotSpot C2 compiles them to SIMD fused multiply-adds.
   */
  PACKED,
  /** One centroid at a time, one dimension at a time: the reference, for checking and for exotic JVMs. */
  SCALAR;

  /** The system property that selects the default kernel: {@code packed} (default) or {@code scalar}. */
  public static final String PROPERTY = "hubert.assign.kernel";

  /** The kernel named by {@link #PROPERTY}, {@link #PACKED} when unset. */
  public static AssignKernel fromSystemProperty() {
    return parse(System.getProperty(PROPERTY, "packed"));
  }

  /** Parses {@code packed} or {@code scalar} (any case). */
  public static AssignKernel parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "packed":
        return PACKED;
      case "scalar":
        return SCALAR;
      default:
        throw new IllegalArgumentException("label-assignment kernel: expected 'packed' or 'scalar', found '" + name + "'");
    }
  }
}
