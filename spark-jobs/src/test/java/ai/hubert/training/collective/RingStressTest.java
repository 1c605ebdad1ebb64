package ai.hubert.training.collective;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Many all-reduces of integer-valued floats (exact sums in any order) with ranks arriving at random times, in both
 * reduce modes: a race between the event loop's reads, writes and in-place views shows up as a wrong element.
 */
class RingStressTest {
  @ParameterizedTest
  @CsvSource({"2,false", "3,false", "2,true", "3,true"})
  void staggeredAllReducesAreExact(int n, boolean overlap) {
    int[] sizes = {1000, 100_003, 262_151, 1_310_731};
    List<TcpRingAllReduce> ring = LocalRing.open(n, RingOptions.defaults().withOverlapReduce(overlap)
        .withSegmentBytes(64 << 10));
    try {
      List<Object> results = LocalRing.onThreads(n, rank -> {
        Random random = new Random(17 + rank);
        for (int iteration = 0; iteration < 40; iteration++) {
          int size = sizes[iteration % sizes.length];
          FloatBuffer b = ByteBuffer.allocateDirect(4 * size).order(ByteOrder.nativeOrder()).asFloatBuffer();
          for (int i = 0; i < size; i++) {
            b.put(i, (i % 997) * (rank + 1) + iteration);
          }
          try {
            Thread.sleep(random.nextInt(4));
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          long count = ring.get(rank).allReduceSum((long) size);
          ring.get(rank).allReduceSum(b);
          for (int i = 0; i < size; i++) {
            float expected = (i % 997) * (n * (n + 1) / 2f) + n * iteration;
            if (b.get(i) != expected) {
              return "rank " + rank + ", iteration " + iteration + " (" + size + " floats): element " + i + " is "
                  + b.get(i) + " instead of " + expected + " (count " + count + ")";
            }
          }
        }
        return "ok";
      });
      for (Object r : results) {
        assertTrue("ok".equals(r), String.valueOf(r));
      }
    } finally {
      ring.forEach(TcpRingAllReduce::close);
    }
  }
}
