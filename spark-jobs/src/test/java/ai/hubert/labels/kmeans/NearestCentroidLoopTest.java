package ai.hubert.labels.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NearestCentroidLoopTest {
  private static final float[] CENTROIDS = {0, 0, 10, 0, 0, 10};

  @Test
  void labelsEachFrameWithItsNearestCentroidAndTheFirstIndexOnTies() {
    float[] frames = {1, 1, 9, 1, 1, 8, 5, 0, 6, 6};
    int[] labels = NearestCentroidLoop.assign(frames, 5, 2, CENTROIDS, 3,
        NearestCentroidLoop.squaredNorms(CENTROIDS, 3, 2));
    // (5,0) is equally far from centroids 0 and 1, (6,6) from 1 and 2: the first index wins.
    assertArrayEquals(new int[] {0, 1, 2, 0, 1}, labels);
  }

  @Test
  void inertiaIsTheSumOfSquaredDistancesToTheNearestCentroid() {
    float[] frames = {1, 1, 9, 1, 1, 8, 5, 0};
    double expected = 2 + 2 + 5 + 25;
    assertEquals(expected, KMeansInertia.sumOfSquaredDistances(frames, 4, 2, CENTROIDS, 3), 1e-12);
    assertEquals(expected / 4, KMeansInertia.perFrame(frames, 4, 2, CENTROIDS, 3), 1e-12);
  }

  @Test
  void rejectsShapesThatDoNotMatch() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KMeansInertia.sumOfSquaredDistances(new float[5], 3, 2, CENTROIDS, 3));
    assertTrue(e.getMessage().contains("3 x 2 = 6 frame values but found 5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> NearestCentroidLoop.squaredNorms(CENTROIDS, 2, 2));
    assertTrue(e.getMessage().contains("2 x 2 = 4 centroid values but found 6"), e.getMessage());
  }
}
