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

  // plain arrays only: broadcasts go through Kryo, which cannot build records or immutable JDK lists
  private final int[] froms;
  private final int[] widths;
  private final float[][] centroids;
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
    this.froms = new int[ks.length];
    this.widths = new int[ks.length];
    for (int g = 0; g < ks.length; g++) {
      froms[g] = subSpaces.from(g);
      widths[g] = subSpaces.width(g);
    }
    this.centroids = centroids.toArray(new float[0][]);
    this.ks = ks.clone();
  }

  /** Labels {@code [group][frame]} of {@code numFrames} frame-major {@code dim}-d frames. */
  public short[][] assign(float[] frames, int numFrames, int dim) {
    if (nearest == null) {
      nearest = new NearestCentroid[ks.length];
      for (int g = 0; g < ks.length; g++) {
        nearest[g] = new NearestCentroid(centroids[g], ks[g], widths[g]);
      }
    }
    short[][] out = new short[ks.length][];
    for (int g = 0; g < ks.length; g++) {
      float[] slice = new float[numFrames * widths[g]];
      for (int t = 0; t < numFrames; t++) {
        System.arraycopy(frames, t * dim + froms[g], slice, t * widths[g], widths[g]);
      }
      out[g] = nearest[g].assignShort(slice, numFrames);
    }
    return out;
  }
}
