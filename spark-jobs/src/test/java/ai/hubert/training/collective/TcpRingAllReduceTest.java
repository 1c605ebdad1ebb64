package ai.hubert.training.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TcpRingAllReduceTest {
  /** Small segments so that a 1e6 vector has many segments per chunk. */
  private static final RingOptions OPTIONS = RingOptions.defaults().withTimeout(Duration.ofSeconds(30))
      .withSegmentBytes(64 << 10);
  private static final int[] SIZES = {0, 1, 7, 1_000_003};

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4})
  void allReduceEqualsFloat64SumWithinFloat32Tolerance(int n) {
    List<TcpRingAllReduce> ranks = LocalRing.open(n, OPTIONS);
    try {
      for (int size : SIZES) {
        float[][] inputs = random(n, size, 17 * n + size);
        List<FloatBuffer> out = LocalRing.onEach(ranks, c -> {
          FloatBuffer b = direct(inputs[c.rank()]);
          c.allReduceSum(b);
          return b;
        });
        checkSum(inputs, out, n * Math.scalb(1.0, -24), "fp32 n=" + n + " size=" + size);
        checkIdentical(out, "fp32 n=" + n + " size=" + size);
      }
    } finally {
      ranks.forEach(TcpRingAllReduce::close);
    }
  }

  /** The reducer thread changes who adds, not the order of the additions: the results are bitwise those of the inline loop. */
  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void reducingOnTheReducerThreadGivesBitwiseTheInlineResult(int n) {
    float[][] inputs = random(n, 3_000_017, 5 * n);
    List<float[]> results = new java.util.ArrayList<>();
    for (boolean overlap : new boolean[] {true, false}) {
      List<TcpRingAllReduce> ranks = LocalRing.open(n, OPTIONS.withOverlapReduce(overlap));
      try {
        List<FloatBuffer> out = LocalRing.onEach(ranks, c -> {
          FloatBuffer b = direct(inputs[c.rank()]);
          c.allReduceSum(b);
          c.allReduceSum(b); // a second operation on the same ring reuses the reducer and its buffers
          return b;
        });
        checkIdentical(out, "overlap=" + overlap);
        float[] r = new float[out.get(0).remaining()];
        out.get(0).get(0, r);
        results.add(r);
      } finally {
        ranks.forEach(TcpRingAllReduce::close);
      }
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(results.get(1), results.get(0));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4})
  void bf16WireStaysWithinTheDocumentedBound(int n) {
    List<TcpRingAllReduce> ranks = LocalRing.open(n, OPTIONS.withWire(Wire.BF16));
    try {
      for (int size : SIZES) {
        float[][] inputs = random(n, size, 31 * n + size);
        List<FloatBuffer> out = LocalRing.onEach(ranks, c -> {
          FloatBuffer b = direct(inputs[c.rank()]);
          c.allReduceSum(b);
          return b;
        });
        // Wire javadoc: |error| <= about n * 2^-8 * sum_i |x_i| (plus float32 accumulation)
        checkSum(inputs, out, n * Math.scalb(1.0, -8) * 1.01 + n * Math.scalb(1.0, -23), "bf16 n=" + n + " size=" + size);
        checkIdentical(out, "bf16 n=" + n + " size=" + size);
        FloatBuffer r0 = out.get(0);
        for (int i = 0; i < size; i++) {
          assertEquals(0, Float.floatToRawIntBits(r0.get(i)) & 0xffff, "result is a bfloat16 value");
        }
      }
    } finally {
      ranks.forEach(TcpRingAllReduce::close);
    }
  }

  @Test
  void aListOfBuffersIsReducedAsOneVector() {
    int n = 3;
    int[] sizes = {1000, 0, 12_345, 7, 70_001};
    List<TcpRingAllReduce> ranks = LocalRing.open(n, OPTIONS);
    try {
      float[][][] inputs = new float[sizes.length][][];
      for (int k = 0; k < sizes.length; k++) {
        inputs[k] = random(n, sizes[k], 100 + k);
      }
      List<List<FloatBuffer>> out = LocalRing.onEach(ranks, c -> {
        List<FloatBuffer> buffers = new ArrayList<>();
        for (int k = 0; k < sizes.length; k++) {
          float[] x = inputs[k][c.rank()];
          FloatBuffer b;
          if (k % 3 == 0) {
            b = direct(x);
          } else if (k % 3 == 1) {
            b = FloatBuffer.wrap(x.clone());
          } else {
            // big-endian view with a non-zero position: only position..limit is reduced
            b = ByteBuffer.allocateDirect(4 * (x.length + 3)).asFloatBuffer();
            b.position(3);
            b.put(x).position(3);
          }
          buffers.add(b);
        }
        c.allReduceSum(buffers);
        return buffers;
      });
      for (int k = 0; k < sizes.length; k++) {
        List<FloatBuffer> perRank = new ArrayList<>();
        for (List<FloatBuffer> l : out) {
          perRank.add(l.get(k).slice());
        }
        checkSum(inputs[k], perRank, n * Math.scalb(1.0, -24), "bucket " + k);
        checkIdentical(perRank, "bucket " + k);
      }
    } finally {
      ranks.forEach(TcpRingAllReduce::close);
    }
  }

  @Test
  void scalarSumsAreExactAndIdenticalOnEveryRank() {
    int n = 4;
    List<TcpRingAllReduce> ranks = LocalRing.open(n, OPTIONS);
    try {
      List<long[]> longs = LocalRing.onEach(ranks, c -> new long[] {
          c.allReduceSum((long) (c.rank() + 1) * 1_000_000_000_000L), c.allReduceSum(-3L)});
      List<Double> doubles = LocalRing.onEach(ranks, c -> c.allReduceSum(0.1 * (c.rank() + 1)));
      double inRankOrder = 0;
      for (int r = 0; r < n; r++) {
        inRankOrder += 0.1 * (r + 1);
      }
      for (int r = 0; r < n; r++) {
        assertEquals(10_000_000_000_000L, longs.get(r)[0]);
        assertEquals(-12L, longs.get(r)[1]);
        assertEquals(Double.doubleToRawLongBits(inRankOrder), Double.doubleToRawLongBits(doubles.get(r)));
      }
      LocalRing.onEach(ranks, c -> {
        c.barrier();
        return null;
      });
      List<Object> overflow = LocalRing.onThreads(n, r -> ranks.get(r).allReduceSum(Long.MAX_VALUE / 2));
      overflow.forEach(o -> assertTrue(o instanceof ArithmeticException, "overflow throws: " + o));
    } finally {
      ranks.forEach(TcpRingAllReduce::close);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void broadcastCopiesTheRootExactly(int n) {
    List<TcpRingAllReduce> ranks = LocalRing.open(n, OPTIONS.withWire(Wire.BF16));
    try {
      for (int root : new int[] {0, n - 1}) {
        for (int size : SIZES) {
          float[][] inputs = random(n, size, 7 + root + size);
          List<FloatBuffer> out = LocalRing.onEach(ranks, c -> {
            FloatBuffer b = direct(inputs[c.rank()]);
            c.broadcast(b, root);
            return b;
          });
          for (FloatBuffer b : out) {
            for (int i = 0; i < size; i++) {
              assertEquals(Float.floatToRawIntBits(inputs[root][i]), Float.floatToRawIntBits(b.get(i)),
                  "root " + root + " size " + size + " element " + i);
            }
          }
        }
      }
    } finally {
      ranks.forEach(TcpRingAllReduce::close);
    }
  }

  @Test
  void ranksCallingDifferentSizesFailWithBothCallsInTheMessage() {
    List<TcpRingAllReduce> ranks = LocalRing.open(2, OPTIONS.withTimeout(Duration.ofSeconds(10)));
    try {
      List<Object> out = LocalRing.onThreads(2, r -> {
        ranks.get(r).allReduceSum(direct(new float[10 + r]));
        return "ok";
      });
      for (Object o : out) {
        assertTrue(o instanceof CollectiveException, "fails: " + o);
      }
      String m = ((Throwable) out.get(0)).getMessage();
      assertTrue(m.contains("mismatch") && m.contains("allReduceSum #1 of 10 floats")
          && m.contains("allReduceSum #1 of 11 floats"), m);
      CollectiveException after = assertThrows(CollectiveException.class, () -> ranks.get(0).barrier());
      assertTrue(after.getMessage().contains("failed collective"), after.getMessage());
    } finally {
      ranks.forEach(TcpRingAllReduce::close);
    }
  }

  @Test
  void worldOfOneIsANoOp() {
    byte[] secret = Rendezvous.newSecret();
    try (TcpRingAllReduce one = TcpRingAllReduce.open(
        Rendezvous.of(0, 1, "127.0.0.1", m -> new String[] {m}, secret, "solo"), OPTIONS)) {
      FloatBuffer b = direct(new float[] {1, 2, 3});
      one.allReduceSum(b);
      one.broadcast(b, 0);
      one.barrier();
      assertEquals(3f, b.get(2));
      assertEquals(5L, one.allReduceSum(5L));
      assertEquals(2.5, one.allReduceSum(2.5));
    }
  }

  @Test
  void bf16RoundsToNearestEven() {
    assertEquals((short) 0x3f80, Wire.toBf16(1.0f));
    assertEquals((short) 0x3f80, Wire.toBf16(1.0f + 0x1p-8f), "tie goes to even (down)");
    assertEquals((short) 0x3f82, Wire.toBf16(1.0f + 3 * 0x1p-8f), "tie goes to even (up)");
    assertEquals((short) 0x3f81, Wire.toBf16(1.0f + 0x1p-8f + 0x1p-20f), "above the tie rounds up");
    assertEquals((short) 0xbf80, Wire.toBf16(-1.0f));
    assertEquals((short) 0x7f80, Wire.toBf16(Float.POSITIVE_INFINITY));
    assertEquals((short) 0x7f80, Wire.toBf16(Float.MAX_VALUE), "rounds to infinity like IEEE");
    assertEquals((short) 0x8000, Wire.toBf16(-0.0f));
    assertTrue(Float.isNaN(Wire.fromBf16(Wire.toBf16(Float.NaN))));
    assertTrue(Float.isNaN(Wire.fromBf16(Wire.toBf16(Float.intBitsToFloat(0x7f800001)))), "signalling NaN stays NaN");
    assertEquals(3.140625f, Wire.fromBf16(Wire.toBf16(3.14159265f)));
  }

  static float[][] random(int n, int size, long seed) {
    Random rnd = new Random(seed);
    float[][] x = new float[n][size];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < size; i++) {
        x[r][i] = (float) ((rnd.nextDouble() * 2 - 1) * Math.pow(10, rnd.nextInt(5) - 2));
      }
    }
    return x;
  }

  static FloatBuffer direct(float[] x) {
    FloatBuffer b = ByteBuffer.allocateDirect(4 * x.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
    b.put(x).flip();
    return b;
  }

  /** |got - sum| <= relTol * sum|x| for every element on every rank. */
  static void checkSum(float[][] inputs, List<FloatBuffer> out, double relTol, String what) {
    int size = inputs[0].length;
    for (int r = 0; r < out.size(); r++) {
      FloatBuffer b = out.get(r);
      assertEquals(size, b.remaining(), what + ": rank " + r + " buffer length");
      for (int i = 0; i < size; i++) {
        double exact = 0;
        double abs = 0;
        for (float[] x : inputs) {
          exact += x[i];
          abs += Math.abs(x[i]);
        }
        double err = Math.abs(b.get(b.position() + i) - exact);
        if (err > relTol * abs) {
          throw new AssertionError(what + ": rank " + r + " element " + i + " = " + b.get(b.position() + i)
              + " but the float64 sum is " + exact + " (error " + err + " > " + relTol * abs + ")");
        }
      }
    }
  }

  static void checkIdentical(List<FloatBuffer> out, String what) {
    FloatBuffer first = out.get(0);
    for (int r = 1; r < out.size(); r++) {
      FloatBuffer b = out.get(r);
      for (int i = 0; i < first.remaining(); i++) {
        if (Float.floatToRawIntBits(first.get(first.position() + i)) != Float.floatToRawIntBits(b.get(b.position() + i))) {
          throw new AssertionError(what + ": rank " + r + " differs from rank 0 at element " + i);
        }
      }
    }
  }
}
