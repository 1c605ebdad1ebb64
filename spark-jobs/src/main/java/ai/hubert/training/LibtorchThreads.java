package ai.hubert.training;

import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's intra-op thread pool is one per process. Training ranks set it to {@code spark.cpus_per_task} while they
 * run; the first rank in a JVM remembers the previous size and the last one out restores it, so that ranks sharing a
 * JVM ({@code local[N]}) agree and whatever runs in the JVM afterwards (the driver under a local master, other tasks)
 * gets its threads back.
 */
final class LibtorchThreads {
  private static int active;
  private static int previous;

  private LibtorchThreads() {}

  /** Sets the pool to {@code threads} for one more rank in this JVM (libtorch must be loaded). */
  static synchronized void acquire(int threads) {
    if (active++ == 0) {
      previous = JniUtils.getNumThreads();
    }
    JniUtils.setNumThreads(threads);
  }

  /** One rank fewer; the last restores the size found by the first. */
  static synchronized void release() {
    if (active > 0 && --active == 0) {
      JniUtils.setNumThreads(previous);
    }
  }
}
