package ai.hubert.training.collective;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/** A one-shot {@link AllGather} for ranks that are threads of one JVM (the benchmark and tests). */
final class InMemoryAllGather {
  private final String[] slots;
  private final CyclicBarrier barrier;

  InMemoryAllGather(int worldSize) {
    slots = new String[worldSize];
    barrier = new CyclicBarrier(worldSize);
  }

  AllGather forRank(int rank) {
    return message -> {
      slots[rank] = message;
      try {
        barrier.await(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new CollectiveException("in-memory allGather failed at rank " + rank, e);
      }
      return slots.clone();
    };
  }
}
