package ai.hubert.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PrefetcherTest {
  @Test
  void decodesAheadInOrderOnAnotherThread() throws Exception {
    List<Integer> inputs = IntStream.range(0, 20).boxed().toList();
    List<String> threads = new ArrayList<>();
    AtomicInteger decoded = new AtomicInteger();
    try (Prefetcher<Integer, Integer> p = new Prefetcher<>("test-prefetch", inputs.iterator(), i -> {
      synchronized (threads) {
        threads.add(Thread.currentThread().getName());
      }
      decoded.incrementAndGet();
      return i * i;
    }, 3)) {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (decoded.get() < 4 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Thread.sleep(50);
      assertEquals(4, decoded.get(), "3 queued + 1 blocked on the full queue: bounded, and ahead of the consumer");
      List<Integer> out = new ArrayList<>();
      while (p.hasNext()) {
        out.add(p.next());
      }
      assertEquals(inputs.stream().map(i -> i * i).toList(), out);
    }
    assertTrue(threads.stream().allMatch("test-prefetch"::equals), threads.toString());
  }

  @Test
  void theModelDoesNotWaitForDecodingThatOverlapsTheStep() throws Exception {
    int items = 6;
    long decodeMs = 40;
    long stepMs = 50;
    long start = System.nanoTime();
    try (Prefetcher<Integer, Integer> p = new Prefetcher<>("overlap", IntStream.range(0, items).boxed().iterator(), i -> {
      sleep(decodeMs);
      return i;
    }, 2)) {
      while (p.hasNext()) {
        p.next();
        sleep(stepMs); // the "model step"
      }
    }
    double ms = (System.nanoTime() - start) / 1e6;
    assertTrue(ms < items * (decodeMs + stepMs) * 0.8, "decode overlapped the steps: " + ms + " ms for " + items + " items");
  }

  @Test
  void aDecodeFailureReachesTheConsumerNamingTheInput() {
    try (Prefetcher<String, String> p = new Prefetcher<>("failing", List.of("a", "b", "bad", "c").iterator(), s -> {
      if (s.equals("bad")) {
        throw new IllegalArgumentException("corrupt PCM");
      }
      return s.toUpperCase();
    }, 2)) {
      assertEquals("A", p.next());
      assertEquals("B", p.next());
      IllegalStateException e = assertThrows(IllegalStateException.class, p::next);
      assertTrue(e.getMessage().contains("bad") && e.getMessage().contains("corrupt PCM"), e.getMessage());
      assertFalse(p.hasNext(), "nothing after a failure");
    }
  }

  @Test
  void closeStopsAThreadBlockedOnAFullQueue() {
    Prefetcher<Integer, Integer> p = new Prefetcher<>("blocked", IntStream.range(0, 1000).boxed().iterator(), i -> i, 1);
    assertEquals(0, p.next());
    p.close();
    assertFalse(p.running(), "the background thread ended");
    assertThrows(IllegalStateException.class, p::next);
    assertThrows(IllegalArgumentException.class, () -> new Prefetcher<Integer, Integer>("x", List.<Integer>of().iterator(), i -> i, 0));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
