package ai.hubert.training.collective;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RingFailureTest {
  private static final int SIZE = 2_000_000;

  @Test
  void aPeerThatDiesMidReduceFailsTheOthersPromptly() {
    RingOptions options = RingOptions.defaults().withTimeout(Duration.ofSeconds(20));
    List<TcpRingAllReduce> ranks = LocalRing.open(3, options);
    long t0 = System.nanoTime();
    List<Object> out = LocalRing.onThreads(3, r -> {
      TcpRingAllReduce c = ranks.get(r);
      if (r == 2) {
        sleep(300); // the others are mid-reduce, waiting for rank 2; it dies
        c.close();
        return "died";
      }
      c.allReduceSum(ones(SIZE));
      return "finished";
    });
    long ms = (System.nanoTime() - t0) / 1_000_000;
    ranks.forEach(TcpRingAllReduce::close);
    for (int r = 0; r < 2; r++) {
      Object o = out.get(r);
      assertTrue(o instanceof CollectiveException, "rank " + r + " fails: " + o);
      String m = ((Throwable) o).getMessage();
      System.out.println("dead peer, rank " + r + " after " + ms + " ms: " + m);
      assertTrue(m.contains("allReduceSum #1") && m.contains("rank 2 (127.0.0.1:"), m);
    }
    assertTrue(ms < 5_000, "fails within seconds, not at the 20 s timeout: " + ms + " ms");
  }

  @Test
  void aStuckPeerFailsEveryOtherRankAtTheTimeout() {
    RingOptions options = RingOptions.defaults().withTimeout(Duration.ofSeconds(1));
    List<TcpRingAllReduce> ranks = LocalRing.open(3, options);
    long t0 = System.nanoTime();
    List<Object> out = LocalRing.onThreads(3, r -> {
      TcpRingAllReduce c = ranks.get(r);
      if (r == 2) {
        sleep(4_000); // alive, connected, never calls the collective
        return "stuck";
      }
      c.allReduceSum(ones(SIZE));
      return "finished";
    });
    long ms = (System.nanoTime() - t0) / 1_000_000;
    ranks.forEach(TcpRingAllReduce::close);
    for (int r = 0; r < 2; r++) {
      Object o = out.get(r);
      assertTrue(o instanceof CollectiveException, "rank " + r + " fails: " + o);
      String m = ((Throwable) o).getMessage();
      System.out.println("stuck peer, rank " + r + ": " + m);
      assertTrue(m.contains("allReduceSum #1") && m.contains("(127.0.0.1:"), m);
    }
    String m0 = ((Throwable) out.get(0)).getMessage();
    assertTrue(m0.contains("timed out") && m0.contains("rank 2 (127.0.0.1:"), m0);
    assertTrue(ms < 4_500, "took " + ms + " ms");
  }

  @Test
  void closeFromAnotherThreadAndTheAbortHookEndAnOperationInProgress() {
    RingOptions options = RingOptions.defaults().withTimeout(Duration.ofSeconds(20));
    List<TcpRingAllReduce> ranks = LocalRing.open(2, options);
    try {
      long t0 = System.nanoTime();
      Thread closer = new Thread(() -> {
        sleep(200);
        ranks.get(0).close();
      });
      closer.start();
      CollectiveException e = assertThrows(CollectiveException.class, () -> ranks.get(0).allReduceSum(ones(SIZE)));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(e.getMessage().contains("closed") && ms < 3_000, ms + " ms: " + e.getMessage());
      assertThrows(CollectiveException.class, () -> ranks.get(0).barrier());
    } finally {
      ranks.forEach(TcpRingAllReduce::close);
    }

    List<TcpRingAllReduce> again = LocalRing.open(2, options);
    try {
      AtomicBoolean killed = new AtomicBoolean();
      again.get(0).abortWhen(killed::get);
      new Thread(() -> {
        sleep(200);
        killed.set(true);
      }).start();
      long t0 = System.nanoTime();
      CollectiveException e = assertThrows(CollectiveException.class, () -> again.get(0).allReduceSum(ones(SIZE)));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(e.getMessage().contains("killed") && ms < 3_000, ms + " ms: " + e.getMessage());
      // rank 1 learns why when it next calls the collective
      CollectiveException e1 = assertThrows(CollectiveException.class, () -> again.get(1).barrier());
      assertTrue(e1.getMessage().contains("rank 0 (127.0.0.1:"), e1.getMessage());
    } finally {
      again.forEach(TcpRingAllReduce::close);
    }
  }

  private static FloatBuffer ones(int n) {
    float[] x = new float[n];
    java.util.Arrays.fill(x, 1f);
    return TcpRingAllReduceTest.direct(x);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
