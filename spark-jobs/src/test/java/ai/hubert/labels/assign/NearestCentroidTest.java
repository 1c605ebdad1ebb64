package ai.hubert.labels.assign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.features.mfcc.KaldiMfcc;
import ai.hubert.features.mfcc.MfccBenchmark;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NearestCentroidTest {

  /** Float64 brute force: exact distances, first index on ties, and whether float32 rounding could flip it. */
  private record Reference(int[] labels, boolean[] decidable) {
  }

  private static Reference reference(float[] x, int n, float[] c, int k, int dim) {
    int[] labels = new int[n];
    boolean[] decidable = new boolean[n];
    double eps = Math.ulp(1.0f) / 2;
    for (int f = 0; f < n; f++) {
      int best = -1;
      double bestDist = Double.POSITIVE_INFINITY;
      double bestScale = 0;
      double second = Double.POSITIVE_INFINITY;
      double secondScale = 0;
      for (int j = 0; j < k; j++) {
        double dist = 0;
        double scale = 0;
        for (int d = 0; d < dim; d++) {
          double xv = x[f * dim + d];
          double cv = c[j * dim + d];
          dist += (xv - cv) * (xv - cv);
          scale += cv * cv + 2 * Math.abs(xv * cv);
        }
        if (dist < bestDist) {
          second = bestDist;
          secondScale = bestScale;
          bestDist = dist;
          bestScale = scale;
          best = j;
        } else if (dist < second) {
          second = dist;
          secondScale = scale;
        }
      }
      labels[f] = best;
      // |float32 score - exact| <= (dim + 2) * eps * scale for a sequential sum of dim + 1 terms
      double tolerance = (dim + 2) * eps * (bestScale + secondScale);
      decidable[f] = second - bestDist > tolerance;
    }
    return new Reference(labels, decidable);
  }

  private static float[] gaussian(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  /** The assigner, skipping the test when this JVM cannot run the kernel (VECTOR without its module). */
  private static NearestCentroid assigner(float[] c, int k, int dim, AssignKernel kernel) {
    Assumptions.assumeTrue(kernel.isAvailable(), () -> kernel + " needs --add-modules=jdk.incubator.vector");
    return new NearestCentroid(c, k, dim, kernel);
  }

  /** The kernel every other one is compared with: SCALAR, or PACKED for SCALAR itself. */
  private static AssignKernel reference(AssignKernel kernel) {
    return kernel == AssignKernel.SCALAR ? AssignKernel.PACKED : AssignKernel.SCALAR;
  }

  private static void assertMatchesReference(float[] x, int n, float[] c, int k, int dim, AssignKernel kernel) {
    NearestCentroid nc = assigner(c, k, dim, kernel);
    int[] labels = nc.assign(x, n);
    Reference ref = reference(x, n, c, k, dim);
    int decidable = 0;
    for (int f = 0; f < n; f++) {
      if (ref.decidable()[f]) {
        decidable++;
        assertEquals(ref.labels()[f], labels[f], "frame " + f + " (dim " + dim + ", k " + k + ", " + kernel + ")");
      }
    }
    assertTrue(decidable >= n * 0.9, "expected most random frames to be decidable, found " + decidable + " of " + n);
    NearestCentroid other = nc.withKernel(reference(kernel));
    assertArrayEquals(other.assign(x, n), labels, kernel + " and " + other.kernel() + " give identical labels");
  }

  @ParameterizedTest
  @EnumSource(AssignKernel.class)
  void randomDataMatchesFloat64BruteForce(AssignKernel kernel) {
    Random r = new Random(1);
    int[][] shapes = {{39, 100, 1000}, {39, 500, 300}, {7, 3, 65}, {13, 17, 129}, {64, 64, 257}, {100, 33, 3}};
    for (int[] s : shapes) {
      int dim = s[0];
      int k = s[1];
      int n = s[2];
      assertMatchesReference(gaussian(r, n * dim), n, gaussian(r, k * dim), k, dim, kernel);
    }
  }

  @ParameterizedTest
  @EnumSource(AssignKernel.class)
  void clusteredDataMatchesFloat64BruteForce(AssignKernel kernel) {
    Random r = new Random(2);
    int dim = 39;
    int k = 100;
    float[] c = new float[k * dim];
    for (int i = 0; i < c.length; i++) {
      c[i] = (float) (10 + 5 * r.nextGaussian());
    }
    int n = 2000;
    float[] x = new float[n * dim];
    for (int f = 0; f < n; f++) {
      int j = r.nextInt(k);
      for (int d = 0; d < dim; d++) {
        x[f * dim + d] = c[j * dim + d] + (float) (0.3 * r.nextGaussian());
      }
    }
    assertMatchesReference(x, n, c, k, dim, kernel);
  }

  @ParameterizedTest
  @EnumSource(AssignKernel.class)
  void largeDimAndK(AssignKernel kernel) {
    Random r = new Random(3);
    int dim = 1280;
    int k = 2000;
    int n = 13;
    assertMatchesReference(gaussian(r, n * dim), n, gaussian(r, k * dim), k, dim, kernel);
  }

  @ParameterizedTest
  @EnumSource(AssignKernel.class)
  void exactTiesGoToTheFirstIndex(AssignKernel kernel) {
    int dim = 5;
    // centroids 2, 5 and 9 coincide; 0 and 7 are mirror images around the frame
    float[] c = new float[12 * dim];
    Random r = new Random(4);
    for (int i = 0; i < c.length; i++) {
      c[i] = 50 + (float) r.nextGaussian();
    }
    float[] same = {1, 2, 3, 4, 5};
    for (int j : new int[] {9, 5, 2}) {
      System.arraycopy(same, 0, c, j * dim, dim);
    }
    float[] x = {1, 2, 3, 4, 5, 0, 0, 0, 0, 0};
    for (int d = 0; d < dim; d++) {
      c[0 * dim + d] = d == 0 ? 1f : 0f;
      c[7 * dim + d] = d == 0 ? -1f : 0f;
    }
    NearestCentroid nc = assigner(c, 12, dim, kernel);
    assertArrayEquals(new int[] {2, 0}, nc.assign(x, 2));
    // all centroids equal: label 0 everywhere
    float[] flat = new float[40 * dim];
    assertArrayEquals(new int[] {0, 0}, assigner(flat, 40, dim, kernel).assign(x, 2));
  }

  @ParameterizedTest
  @EnumSource(AssignKernel.class)
  void singleCentroidAndEmptyInput(AssignKernel kernel) {
    Random r = new Random(5);
    NearestCentroid nc = assigner(gaussian(r, 39), 1, 39, kernel);
    assertArrayEquals(new int[77], nc.assign(gaussian(r, 77 * 39), 77));
    assertEquals(0, nc.assign(new float[0], 0).length);
  }

  @ParameterizedTest
  @EnumSource(AssignKernel.class)
  void offsetsShortsAndBlocksAgree(AssignKernel kernel) {
    Random r = new Random(6);
    int dim = 39;
    int k = 500;
    int n = 203;
    float[] c = gaussian(r, k * dim);
    float[] x = gaussian(r, n * dim);
    NearestCentroid nc = assigner(c, k, dim, kernel);
    int[] all = nc.assign(x, n);
    short[] shorts = nc.assignShort(x, n);
    for (int f = 0; f < n; f++) {
      assertEquals(all[f], shorts[f]);
    }
    // frames 17..17+101 read at an offset into labels at an offset, one frame at a time and in one call
    int[] out = new int[120];
    nc.assign(x, 17 * dim, 101, out, 19);
    short[] outShort = new short[101];
    nc.assignShort(x, 17 * dim, 101, outShort, 0);
    for (int f = 0; f < 101; f++) {
      assertEquals(all[17 + f], out[19 + f]);
      assertEquals(all[17 + f], outShort[f]);
      int[] one = new int[1];
      nc.assign(x, (17 + f) * dim, 1, one, 0);
      assertEquals(all[17 + f], one[0]);
    }
  }

  @Test
  void realisticMfccAgreementWithFloat64() {
    KaldiMfcc mfcc = new KaldiMfcc();
    List<float[]> utterances = new ArrayList<>();
    int frames = 0;
    for (float[] w : MfccBenchmark.syntheticSpeech(60, 7L)) {
      float[] f = mfcc.compute(w);
      utterances.add(f);
      frames += f.length / 39;
    }
    int dim = 39;
    float[] x = new float[frames * dim];
    int at = 0;
    for (float[] f : utterances) {
      System.arraycopy(f, 0, x, at, f.length);
      at += f.length;
    }
    // k-means-like centroids: 100 random frames refined by 3 Lloyd steps (float64)
    int k = 100;
    Random r = new Random(8);
    float[] c = new float[k * dim];
    for (int j = 0; j < k; j++) {
      System.arraycopy(x, r.nextInt(frames) * dim, c, j * dim, dim);
    }
    for (int it = 0; it < 3; it++) {
      int[] labels = reference(x, frames, c, k, dim).labels();
      double[] sum = new double[k * dim];
      int[] count = new int[k];
      for (int f = 0; f < frames; f++) {
        count[labels[f]]++;
        for (int d = 0; d < dim; d++) {
          sum[labels[f] * dim + d] += x[f * dim + d];
        }
      }
      for (int j = 0; j < k; j++) {
        for (int d = 0; d < dim && count[j] > 0; d++) {
          c[j * dim + d] = (float) (sum[j * dim + d] / count[j]);
        }
      }
    }
    Reference ref = reference(x, frames, c, k, dim);
    int[] scalar = new NearestCentroid(c, k, dim, AssignKernel.SCALAR).assign(x, frames);
    for (AssignKernel kernel : AssignKernel.values()) {
      if (!kernel.isAvailable()) {
        continue;
      }
      int[] labels = new NearestCentroid(c, k, dim, kernel).assign(x, frames);
      assertArrayEquals(scalar, labels, kernel + " and SCALAR give identical labels on MFCC frames");
      int agree = 0;
      int decidable = 0;
      for (int f = 0; f < frames; f++) {
        agree += labels[f] == ref.labels()[f] ? 1 : 0;
        if (ref.decidable()[f]) {
          decidable++;
          assertEquals(ref.labels()[f], labels[f], "decidable frame " + f);
        }
      }
      System.out.printf("MFCC %d frames, k=%d, %s: agreement with float64 %d/%d (%.4f%%), decidable %d%n", frames, k,
          kernel, agree, frames, 100.0 * agree / frames, decidable);
      assertTrue(agree >= frames * 0.9999, "agreement " + agree + " of " + frames);
    }
  }

  @ParameterizedTest
  @EnumSource(AssignKernel.class)
  void javaSerializationRebuildsTheAssigner(AssignKernel kernel) throws Exception {
    Random r = new Random(9);
    NearestCentroid nc = assigner(gaussian(r, 20 * 6), 20, 6, kernel);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(nc);
    }
    NearestCentroid copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (NearestCentroid) in.readObject();
    }
    float[] x = gaussian(r, 50 * 6);
    assertArrayEquals(nc.assign(x, 50), copy.assign(x, 50));
    assertEquals(kernel, copy.kernel());
  }

  @Test
  void kernelPropertyIsParsed() {
    assertEquals(AssignKernel.SCALAR, AssignKernel.parse(" Scalar "));
    assertEquals(AssignKernel.PACKED, AssignKernel.parse("packed"));
    assertEquals(AssignKernel.VECTOR, AssignKernel.parse("VECTOR"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AssignKernel.parse("simd"));
    assertTrue(e.getMessage().contains("expected 'vector', 'packed' or 'scalar', found 'simd'"), e.getMessage());
    String old = System.getProperty(AssignKernel.PROPERTY);
    try {
      System.clearProperty(AssignKernel.PROPERTY);
      AssignKernel best = AssignKernel.VECTOR.isAvailable() ? AssignKernel.VECTOR : AssignKernel.PACKED;
      assertEquals(best, AssignKernel.best());
      assertEquals(best, new NearestCentroid(new float[4], 2, 2).kernel());
      System.setProperty(AssignKernel.PROPERTY, "scalar");
      assertEquals(AssignKernel.SCALAR, new NearestCentroid(new float[4], 2, 2).kernel());
    } finally {
      if (old == null) {
        System.clearProperty(AssignKernel.PROPERTY);
      } else {
        System.setProperty(AssignKernel.PROPERTY, old);
      }
    }
  }

  @Test
  void invalidArgumentsSayWhatWasExpected() {
    assertMessage("expected k x dim = 3 x 4 = 12 values, found 11", () -> new NearestCentroid(new float[11], 3, 4));
    assertMessage("k: expected at least 1 centroid, found 0", () -> new NearestCentroid(new float[0], 0, 4));
    assertMessage("dim: expected at least 1, found 0", () -> new NearestCentroid(new float[0], 3, 0));
    float[] bad = new float[8];
    bad[5] = Float.NaN;
    assertMessage("centroid 2, dimension 1: expected a finite value, found NaN", () -> new NearestCentroid(bad, 4, 2));
    NearestCentroid nc = new NearestCentroid(new float[12], 3, 4);
    assertMessage("expected at least frameOffset + numFrames x dim = 0 + 3 x 4 = 12 values, found 11",
        () -> nc.assign(new float[11], 3));
    assertMessage("numFrames: expected >= 0, found -1", () -> nc.assign(new float[4], -1));
    assertMessage("labels: expected room for labelOffset + numFrames = 1 + 2 labels, found an array of 2",
        () -> nc.assign(new float[8], 0, 2, new int[2], 1));
    float[] frames = new float[8];
    frames[6] = Float.POSITIVE_INFINITY;
    assertMessage("frame 1, dimension 2: expected a finite value, found Infinity", () -> nc.assign(frames, 2));
    NearestCentroid big = new NearestCentroid(new float[32768], 32768, 1);
    assertMessage("short labels: expected k <= 32767, found k = 32768", () -> big.assignShort(new float[1], 1));
    assertEquals(0, big.assign(new float[] {0f}, 1)[0], "k = 32768 still works with int labels");
  }

  @Test
  void vectorKernelHandlesEveryRemainder() {
    Random r = new Random(10);
    // k around multiples of 8 and 16 lanes and of 4-vector tiles; frame counts around groups of 4 and blocks of 64;
    // dim 1 to 2000 (more than one panel of dimensions)
    int[] ks = {1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65, 80, 97, 100, 128, 129, 500};
    int[] dims = {1, 2, 3, 5, 8, 17, 39, 64, 2000};
    int[] counts = {1, 2, 3, 4, 5, 7, 63, 64, 65, 130};
    for (int dim : dims) {
      for (int k : ks) {
        if (dim == 2000 && k > 100) {
          continue;
        }
        float[] c = gaussian(r, k * dim);
        NearestCentroid vector = assigner(c, k, dim, AssignKernel.VECTOR);
        NearestCentroid scalar = vector.withKernel(AssignKernel.SCALAR);
        for (int n : dim == 2000 ? new int[] {1, 5, 66} : counts) {
          float[] x = gaussian(r, n * dim);
          assertArrayEquals(scalar.assign(x, n), vector.assign(x, n), "dim " + dim + ", k " + k + ", " + n + " frames");
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(AssignKernel.class)
  void duplicateCentroidsInOtherLanesAndTilesGoToTheLowestIndex(AssignKernel kernel) {
    Random r = new Random(11);
    int dim = 7;
    int k = 200;
    // sets of identical centroids (identical scores): the lowest index is in a higher lane of an earlier vector,
    // in a lower lane of a later vector, in the last partial vector, or first among many
    int[][] duplicates = {{17, 2, 130}, {33, 14}, {199, 190, 196}, {0, 16, 32, 48, 64, 80}, {120, 55, 56, 57}};
    float[] c = new float[k * dim];
    for (int i = 0; i < c.length; i++) {
      c[i] = 40 + (float) r.nextGaussian();
    }
    float[] x = new float[duplicates.length * dim];
    int[] expected = new int[duplicates.length];
    for (int f = 0; f < duplicates.length; f++) {
      float[] point = gaussian(r, dim);
      for (int j : duplicates[f]) {
        System.arraycopy(point, 0, c, j * dim, dim);
      }
      for (int d = 0; d < dim; d++) {
        x[f * dim + d] = point[d] + 0.01f * (float) r.nextGaussian();
      }
      expected[f] = java.util.Arrays.stream(duplicates[f]).min().getAsInt();
    }
    assertArrayEquals(expected, assigner(c, k, dim, kernel).assign(x, duplicates.length));
  }

  @ParameterizedTest
  @EnumSource(AssignKernel.class)
  void overflowingScoresGiveTheScalarLabels(AssignKernel kernel) {
    // frames near the float range overflow the products: scores become -Infinity, +Infinity or NaN (Inf - Inf);
    // every kernel must pick what the scalar loop picks (NaN never wins unless it is centroid 0's score)
    float big = 1e38f;
    float[] x = {big, -big, big, big, -big, big, 0.5f, 0.25f, big, 0f};
    int n = x.length / 2;
    float[][] centroidSets = {
        {10, 10, 10, -10, 1, 1},
        {10, -10, 10, 10, 1, 1},
        {1, 1, 10, 10, 10, -10, -10, 10, 0, 0, 3, 3, 10, -10, 2, 2, -10, -10, 7, 7},
    };
    for (float[] c : centroidSets) {
      int k = c.length / 2;
      NearestCentroid nc = assigner(c, k, 2, kernel);
      assertArrayEquals(nc.withKernel(AssignKernel.SCALAR).assign(x, n), nc.assign(x, n), "centroids " + k);
    }
  }

  @ParameterizedTest
  @EnumSource(AssignKernel.class)
  void nonFiniteFramesAreRejectedByEveryKernel(AssignKernel kernel) {
    Random r = new Random(12);
    int dim = 3;
    NearestCentroid nc = assigner(gaussian(r, 20 * dim), 20, dim, kernel);
    float[] frames = gaussian(r, 150 * dim);
    frames[100 * dim + 2] = Float.NEGATIVE_INFINITY;
    assertMessage("frame 90, dimension 2: expected a finite value, found -Infinity",
        () -> nc.assign(frames, 10 * dim, 140, new int[140], 0));
    frames[100 * dim + 2] = 0f;
    frames[149 * dim] = Float.NaN;
    assertMessage("frame 149, dimension 0: expected a finite value, found NaN", () -> nc.assignShort(frames, 150));
  }

  @Test
  void withoutTheVectorModuleThePackedKernelIsTheDefault() throws Exception {
    String classes = Path.of(NearestCentroid.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
    String testClasses = Path.of(NearestCentroidTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", classes + File.pathSeparator + testClasses,
        WithoutVectorModule.class.getName()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), output);
    assertTrue(output.contains("module=false default=PACKED labels=[0, 1, 2] "
        + "vector=kernel: VECTOR needs the JVM option --add-modules=jdk.incubator.vector"), output);
    assertTrue(!output.contains("VectorCentroids") && !output.contains("jdk.incubator.vector.FloatVector"), output);
  }

  /** Run in a JVM without {@code jdk.incubator.vector}: the default kernel works, VECTOR fails with advice. */
  static final class WithoutVectorModule {
    public static void main(String[] args) {
      float[] c = {0, 0, 10, 10, 5, 5};
      NearestCentroid nc = new NearestCentroid(c, 3, 2);
      String labels = java.util.Arrays.toString(nc.assign(new float[] {1, 0, 9, 9, 4, 6}, 3));
      String vector;
      try {
        new NearestCentroid(c, 3, 2, AssignKernel.VECTOR);
        vector = "created";
      } catch (IllegalArgumentException e) {
        vector = e.getMessage();
      }
      System.out.println("module=" + ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() + " default="
          + nc.kernel() + " labels=" + labels + " vector=" + vector);
    }
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), "expected a message containing '" + expected + "', found '"
        + e.getMessage() + "'");
  }
}
