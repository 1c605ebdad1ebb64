package ai.hubert.training.collective;

import java.util.ArrayList;
import java.util.List;
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
    return AllReduceBenchmark.onThreads(n, work::apply, 60);
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
