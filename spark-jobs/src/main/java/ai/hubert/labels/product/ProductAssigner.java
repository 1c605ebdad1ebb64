package ai.hubert.labels.product;

import ai.hubert.labels.assign.NearestCentroid;
import java.io.Serializable;
import java.util.List;

/**
 * Assigns every frame one label per sub-space: group g's slice of the frame goes to the nearest of group g's
 * centroids ({@link NearestCentroid}, first index on ties).
 */
public final class ProductAssigner implements Serializable {
  private static final long serialVersionUID = 1L;

  private final SubSpaces subSpaces;
  private final List<float[]> centroids;
  private final int[] ks;
  private transient NearestCentroid[] nearest;

  /**
   * @param subSpaces the groups
   * @param centroids per group, {@code k_g x width_g} float32 row-major
   * @param ks per group, the cluster count
   */
  public ProductAssigner(SubSpaces subSpaces, List<float[]> centroids, int[] ks) {
    if (centroids.size() != subSpaces.groups() || ks.length != subSpaces.groups()) {
      throw new IllegalArgumentException("Expected centroids and k for each of the " + subSpaces.groups()
          + " sub-spaces, found " + centroids.size() + " and " + ks.length);
    }
    for (int g = 0; g < ks.length; g++) {
      if (centroids.get(g).length != ks[g] * subSpaces.width(g)) {
        throw new IllegalArgumentException("Sub-space " + g + " (" + subSpaces.width(g) + " dims, k=" + ks[g]
            + ") expects " + ks[g] * subSpaces.width(g) + " centroid values, found " + centroids.get(g).length);
      }
    }
    this.subSpaces = subSpaces;
    this.centroids = List.copyOf(centroids);
    this.ks = ks.clone();
  }

  /** The groups. */
  public SubSpaces subSpaces() {
    return subSpaces;
  }

  /** Labels {@code [group][frame]} of {@code numFrames} frame-major {@code dim}-d frames. */
  public short[][] assign(float[] frames, int numFrames, int dim) {
    if (nearest == null) {
      nearest = new NearestCentroid[ks.length];
      for (int g = 0; g < ks.length; g++) {
        nearest[g] = new NearestCentroid(centroids.get(g), ks[g], subSpaces.width(g));
      }
    }
    short[][] out = new short[ks.length][];
    for (int g = 0; g < ks.length; g++) {
      out[g] = nearest[g].assignShort(subSpaces.slice(frames, numFrames, dim, g), numFrames);
    }
    return out;
  }
}
