package ai.hubert.training.collective;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Runs n ranks as threads of this JVM over loopback TCP. */
final class LocalRing {
  private LocalRing() {}

  /** Connects n ranks (rank r uses secrets[r]); each element is a collective or the exception its rendezvous threw. */
  static List<Object> connect(int n, RingOptions options, byte[][] secrets, String session) {
    InMemoryAllGather exchange = new InMemoryAllGather(n);
    return onThreads(n, r -> new TcpRingAllReduce(
        Rendezvous.of(r, n, "127.0.0.1", exchange.forRank(r), secrets[r], session).connect(options), options));
  }

  static List<TcpRingAllReduce> open(int n, RingOptions options) {
    byte[] secret = Rendezvous.newSecret();
    byte[][] secrets = new byte[n][];
    java.util.Arrays.fill(secrets, secret);
    List<Object> results = connect(n, options, secrets, "test");
    List<TcpRingAllReduce> rings = new ArrayList<>();
    for (Object o : results) {
      if (o instanceof Throwable) {
        results.forEach(x -> {
          if (x instanceof TcpRingAllReduce) {
            ((TcpRingAllReduce) x).close();
          }
        });
        throw new AssertionError("rendezvous failed", (Throwable) o);
      }
      rings.add((TcpRingAllReduce) o);
    }
    return rings;
  }

  /** Runs work(rank) on n threads; element r is its result or the Throwable it threw. */
  static List<Object> onThreads(int n, Function<Integer, Object> work) {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<Object>> futures = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        int rank = r;
        futures.add(pool.submit(() -> {
          try {
            return work.apply(rank);
          } catch (Throwable t) {
            return t;
          }
        }));
      }
      List<Object> out = new ArrayList<>();
      for (Future<Object> f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } catch (Exception e) {
      throw new AssertionError("ranks did not finish", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Runs work on every rank; rethrows the first failure. */
  @SuppressWarnings("unchecked")
  static <T> List<T> onEach(List<? extends Collective> ranks, Function<Collective, T> work) {
    List<Object> out = onThreads(ranks.size(), r -> work.apply(ranks.get(r)));
    for (Object o : out) {
      if (o instanceof Throwable) {
        throw new AssertionError("a rank failed: " + o, (Throwable) o);
      }
    }
    return (List<T>) out;
  }
}
