package ai.hubert.labels.product;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The contiguous, non-overlapping feature sub-spaces of a product k-means, e.g. MFCC 39-d as static / Δ / ΔΔ
 * ({@code 0:13,13:26,26:39}) or a 768-d layer as G equal groups.
 *
 * @param ranges per group {@code {from, to}} (dimension indices, {@code to} exclusive), in increasing order
 */
public record SubSpaces(List<int[]> ranges) implements Serializable {

  public SubSpaces {
    ranges = List.copyOf(ranges);
    if (ranges.isEmpty()) {
      throw new IllegalArgumentException("A product k-means needs at least one sub-space, found none");
    }
    int end = 0;
    for (int g = 0; g < ranges.size(); g++) {
      int[] r = ranges.get(g);
      if (r.length != 2 || r[0] < end || r[1] <= r[0]) {
        throw new IllegalArgumentException("Sub-space " + g + " must be a non-empty range from:to starting at or after "
            + end + " (sub-spaces are contiguous, in order and non-overlapping), found " + describe(r));
      }
      end = r[1];
    }
  }

  /**
   * Parses {@code from:to,from:to,...} (e.g. {@code 0:13,13:26,26:39}).
   *
   * @throws IllegalArgumentException naming the malformed group
   */
  public static SubSpaces parse(String spec) {
    List<int[]> ranges = new ArrayList<>();
    for (String part : spec.split(",")) {
      String[] ends = part.trim().split(":");
      try {
        if (ends.length != 2) {
          throw new NumberFormatException();
        }
        ranges.add(new int[] {Integer.parseInt(ends[0].trim()), Integer.parseInt(ends[1].trim())});
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Expected sub-spaces as from:to,from:to,... (e.g. 0:13,13:26,26:39), found '"
            + part.trim() + "' in '" + spec + "'");
      }
    }
    return new SubSpaces(ranges);
  }

  /** {@code groups} equal contiguous sub-spaces of a {@code dim}-d feature (dim divisible by groups). */
  public static SubSpaces equal(int dim, int groups) {
    if (groups < 1 || dim % groups != 0) {
      throw new IllegalArgumentException("Cannot split " + dim + " dimensions into " + groups
          + " equal sub-spaces: expected a group count that divides the dimension");
    }
    List<int[]> ranges = new ArrayList<>();
    int width = dim / groups;
    for (int g = 0; g < groups; g++) {
      ranges.add(new int[] {g * width, (g + 1) * width});
    }
    return new SubSpaces(ranges);
  }

  /** Number of groups G. */
  public int groups() {
    return ranges.size();
  }

  /** First dimension of group {@code g}. */
  public int from(int g) {
    return ranges.get(g)[0];
  }

  /** Width of group {@code g}. */
  public int width(int g) {
    return ranges.get(g)[1] - ranges.get(g)[0];
  }

  /** Fails unless every group lies inside a {@code dim}-d feature. */
  public void requireWithin(int dim, String featureSet) {
    int end = ranges.get(ranges.size() - 1)[1];
    if (end > dim) {
      throw new IllegalArgumentException("Sub-spaces " + this + " reach dimension " + end + " but feature set "
          + featureSet + " has " + dim + " dimensions");
    }
  }

  /**
   * Copies group {@code g} of frame-major {@code frames} ({@code numFrames x dim}) into a {@code numFrames x width}
   * array.
   */
  public float[] slice(float[] frames, int numFrames, int dim, int g) {
    int from = from(g);
    int width = width(g);
    float[] out = new float[numFrames * width];
    for (int t = 0; t < numFrames; t++) {
      System.arraycopy(frames, t * dim + from, out, t * width, width);
    }
    return out;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int[] r : ranges) {
      b.append(b.length() == 0 ? "" : ",").append(describe(r));
    }
    return b.toString();
  }

  private static String describe(int[] r) {
    return r.length == 2 ? r[0] + ":" + r[1] : java.util.Arrays.toString(r);
  }
}
