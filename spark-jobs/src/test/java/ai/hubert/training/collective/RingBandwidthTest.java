package ai.hubert.training.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Prints all-reduce time, algbw and busbw (nccl-tests definitions) for ranks that are threads of one JVM. */
class RingBandwidthTest {
  private static final int FLOATS = 10_000_000;
  private static final int REPS = 3;

  @ParameterizedTest
  @CsvSource({"2, FP32", "2, BF16", "4, FP32", "4, BF16"})
  void tenMillionFloats(int n, Wire wire) {
    RingOptions options = RingOptions.defaults().withTimeout(Duration.ofSeconds(30)).withWire(wire);
    List<TcpRingAllReduce> ranks = LocalRing.open(n, options);
    try {
      List<FloatBuffer> data = LocalRing.onEach(ranks, c -> {
        FloatBuffer b = ByteBuffer.allocateDirect(4 * FLOATS).order(ByteOrder.nativeOrder()).asFloatBuffer();
        return b;
      });
      long[] nanos = new long[REPS + 1];
      for (int rep = 0; rep <= REPS; rep++) {
        List<Long> t = LocalRing.onEach(ranks, c -> {
          FloatBuffer b = data.get(c.rank());
          for (int i = 0; i < FLOATS; i++) {
            b.put(i, (i & 1023) + c.rank());
          }
          c.barrier();
          long t0 = System.nanoTime();
          c.allReduceSum(b);
          return System.nanoTime() - t0;
        });
        nanos[rep] = t.stream().mapToLong(Long::longValue).max().orElseThrow();
      }
      double tolerance = wire == Wire.BF16 ? n * Math.scalb(1.0, -8) : 0; // relative, see Wire
      for (FloatBuffer b : data) {
        for (int i : new int[] {0, 5, 1023, FLOATS / 2, FLOATS - 1}) {
          double exact = n * (double) (i & 1023) + n * (n - 1) / 2.0;
          assertEquals(exact, b.get(i), tolerance * exact, "element " + i);
        }
      }
      long[] timed = Arrays.copyOfRange(nanos, 1, nanos.length); // first one warms up the JIT
      Arrays.sort(timed);
      double ms = timed[timed.length / 2] / 1e6;
      double bytes = 4.0 * FLOATS;
      double algbw = bytes / (ms / 1e3) / 1e9;
      System.out.printf("in-JVM ring all-reduce, %d ranks, %d floats (%.0f MB), wire %s: median %.1f ms (best %.1f, first %.1f),"
          + " algbw %.2f GB/s, busbw %.2f GB/s (%d cores)%n", n, FLOATS, bytes / 1e6, wire, ms, timed[0] / 1e6,
          nanos[0] / 1e6, algbw, algbw * 2 * (n - 1) / n, Runtime.getRuntime().availableProcessors());
    } finally {
      ranks.forEach(TcpRingAllReduce::close);
    }
  }
}
