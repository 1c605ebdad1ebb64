package ai.hubert.training.collective;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Measures {@link TcpRingAllReduce#allReduceSum(FloatBuffer)} for ranks that are threads of one
 * JVM over loopback TCP, in the terms of nccl-tests, next to a raw loopback TCP baseline.
 *
 * <p><b>All-reduce.</b> {@code ranks} rings are connected through an in-memory rendezvous with a
 * random secret ({@link RingOptions#defaults()}, with the chosen wire format). Each rank holds
 * {@code megabytes}·10<sup>6</sup> bytes of float32 in a direct native-order buffer. After one
 * untimed warm-up all-reduce, every repetition refills the buffers, lines the threads up on a
 * barrier and times {@code allReduceSum}; a repetition's time is the slowest rank's. Repetitions
 * alternate with those of the raw baseline, so that both see the same state of the machine. As in
 * nccl-tests, {@code algbw = bytes / time} and {@code busbw = algbw · 2(n−1)/n}, where
 * {@code bytes} is the float32 size of the vector (also with {@link Wire#BF16}, which puts half of
 * it on the wire).
 *
 * <p><b>Raw baseline.</b> The same number of ranks, connected as a ring by plain loopback
 * {@link SocketChannel}s with the socket options of the rendezvous (TCP_NODELAY, the default
 * socket buffer size): each rank, on one thread like a ring rank, simultaneously sends
 * {@code bytes · 2(n−1)/n} bytes (what a ring all-reduce moves per link) to its next neighbour and
 * receives as many from its previous one, through non-blocking channels and direct buffers of
 * {@link RingOptions#DEFAULT_SEGMENT_BYTES} — no reduction, no framing, no schedule. Its per-link
 * throughput is the best a ring of this size can reach on this host, so
 * {@code busbw / raw link throughput} says what fraction of it the all-reduce achieves (for FP32
 * this is simply raw time / all-reduce time).
 *
 * <p>Run: {@code java $SPARK_JVM_FLAGS -cp ... ai.hubert.training.collective.AllReduceBenchmark
 * --ranks 4 --mb 100 --repetitions 5 --wire fp32}.
 */
public final class AllReduceBenchmark {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final long WAIT_SECONDS = 600;

  private AllReduceBenchmark() {}

  /** Timings of one repetition series: median, min and max seconds. */
  public record Timing(double medianSeconds, double minSeconds, double maxSeconds) {
    static Timing of(double[] seconds) {
      double[] s = seconds.clone();
      Arrays.sort(s);
      int m = s.length / 2;
      double median = s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
      return new Timing(median, s[0], s[s.length - 1]);
    }
  }

  /**
   * One benchmark run.
   *
   * @param bytes float32 bytes per rank that were all-reduced
   * @param linkBytes bytes each rank sent in the raw baseline, {@code bytes · 2(n−1)/n}
   * @param allReduce all-reduce times over the repetitions
   * @param raw raw baseline times over the repetitions
   */
  public record Result(int ranks, long bytes, Wire wire, int segmentBytes, int repetitions, long linkBytes, Timing allReduce, Timing raw,
      int cores) {
    /** bytes / median all-reduce time, in bytes per second. */
    public double algbw() {
      return bytes / allReduce.medianSeconds();
    }

    /** algbw · 2(n−1)/n, in bytes per second (0 for one rank). */
    public double busbw() {
      return algbw() * busFactor(ranks);
    }

    /** Raw per-link throughput: linkBytes / median raw time, in bytes per second. */
    public double rawLinkBandwidth() {
      return linkBytes / raw.medianSeconds();
    }

    /** busbw / raw link throughput. */
    public double ratio() {
      return busbw() / rawLinkBandwidth();
    }

    /** A human-readable table of the run. */
    public String table() {
      StringBuilder t = new StringBuilder();
      t.append(String.format(Locale.ROOT, "all-reduce benchmark: %d ranks (threads of one JVM, loopback TCP, %d cores),"
          + " %.1f MB float32 per rank, wire %s, %d-byte segments, %d repetitions%n", ranks, cores, bytes / 1e6, wire,
          segmentBytes, repetitions));
      t.append(String.format(Locale.ROOT, "%-22s %10s %10s %10s %14s %14s%n",
          "", "median ms", "min ms", "max ms", "algbw GB/s", "busbw GB/s"));
      double[] algRange = {bytes / allReduce.maxSeconds(), bytes / allReduce.minSeconds()};
      t.append(String.format(Locale.ROOT, "%-22s %10.1f %10.1f %10.1f %14s %14s%n", "TcpRingAllReduce",
          allReduce.medianSeconds() * 1e3, allReduce.minSeconds() * 1e3, allReduce.maxSeconds() * 1e3,
          String.format(Locale.ROOT, "%.2f", algbw() / 1e9), String.format(Locale.ROOT, "%.2f", busbw() / 1e9)));
      t.append(String.format(Locale.ROOT, "%-22s %10s %10s %10s %14s %14s%n", "  (min..max)", "", "", "",
          String.format(Locale.ROOT, "%.2f..%.2f", algRange[0] / 1e9, algRange[1] / 1e9),
          String.format(Locale.ROOT, "%.2f..%.2f", algRange[0] * busFactor(ranks) / 1e9,
              algRange[1] * busFactor(ranks) / 1e9)));
      t.append(String.format(Locale.ROOT, "%-22s %10.1f %10.1f %10.1f %14s %14s%n", "raw TCP ring links",
          raw.medianSeconds() * 1e3, raw.minSeconds() * 1e3, raw.maxSeconds() * 1e3, "",
          String.format(Locale.ROOT, "%.2f", rawLinkBandwidth() / 1e9)));
      t.append(String.format(Locale.ROOT, "%-22s %10s %10s %10s %14s %14s%n", "  (min..max)", "", "", "", "",
          String.format(Locale.ROOT, "%.2f..%.2f", linkBytes / raw.maxSeconds() / 1e9,
              linkBytes / raw.minSeconds() / 1e9)));
      t.append(String.format(Locale.ROOT, "raw: each rank sends %.1f MB to the next rank while receiving as much"
          + " (%d-byte direct buffers, no reduction, no framing)%n", linkBytes / 1e6, RingOptions.DEFAULT_SEGMENT_BYTES));
      t.append(String.format(Locale.ROOT, "busbw / raw link throughput = %.1f %%%n", 100 * ratio()));
      return t.toString();
    }
  }

  static double busFactor(int n) {
    return 2.0 * (n - 1) / n;
  }

  /**
   * Runs the all-reduce and the raw baseline.
   *
   * @param ranks number of ranks, at least 2
   * @param megabytes float32 megabytes (10<sup>6</sup> bytes) per rank
   * @param repetitions timed repetitions of each measurement, at least 1
   * @param wire the all-reduce wire format
   */
  public static Result run(int ranks, int megabytes, int repetitions, Wire wire) {
    return run(ranks, megabytes, repetitions, wire, RingOptions.DEFAULT_SEGMENT_BYTES);
  }

  /**
   * As {@link #run(int, int, int, Wire)} with another all-reduce segment size (the raw baseline
   * keeps {@link RingOptions#DEFAULT_SEGMENT_BYTES}).
   */
  public static Result run(int ranks, int megabytes, int repetitions, Wire wire, int segmentBytes) {
    return run(ranks, megabytes, repetitions, wire, segmentBytes, false);
  }

  /** As {@link #run(int, int, int, Wire, int)}, adding on a reducer thread ({@code overlap}) or the socket thread. */
  public static Result run(int ranks, int megabytes, int repetitions, Wire wire, int segmentBytes, boolean overlap) {
    if (ranks < 2) {
      throw new IllegalArgumentException("ranks must be at least 2 but was " + ranks);
    }
    if (megabytes < 1) {
      throw new IllegalArgumentException("megabytes must be at least 1 but was " + megabytes);
    }
    if (repetitions < 1) {
      throw new IllegalArgumentException("repetitions must be at least 1 but was " + repetitions);
    }
    if (wire == null) {
      throw new IllegalArgumentException("wire must not be null");
    }
    long floatsLong = megabytes * 1_000_000L / 4;
    if (floatsLong > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(megabytes + " MB is more than one direct buffer holds");
    }
    int floats = (int) floatsLong;
    long bytes = 4L * floats;
    long linkBytes = (long) Math.ceil(bytes * busFactor(ranks));
    RingOptions options = RingOptions.defaults().withTimeout(TIMEOUT).withWire(wire).withSegmentBytes(segmentBytes)
        .withOverlapReduce(overlap);
    double[] allReduceSeconds = new double[repetitions];
    double[] rawSeconds = new double[repetitions];
    // repetitions alternate between the two so that both see the same machine (frequency, other load)
    try (AllReduceRing ring = AllReduceRing.open(ranks, floats, options); RawRing rawRing = RawRing.open(ranks)) {
      for (int rep = -1; rep < repetitions; rep++) { // rep -1 warms up connections and the JIT
        double a = ring.once();
        double r = rawRing.once(linkBytes);
        if (rep >= 0) {
          allReduceSeconds[rep] = a;
          rawSeconds[rep] = r;
        }
      }
      ring.check();
    }
    Timing allReduce = Timing.of(allReduceSeconds);
    Timing raw = Timing.of(rawSeconds);
    return new Result(ranks, bytes, wire, segmentBytes, repetitions, linkBytes, allReduce, raw,
        Runtime.getRuntime().availableProcessors());
  }

  /** n ranks of {@link TcpRingAllReduce} on threads, each with a direct buffer of {@code floats} float32. */
  private static final class AllReduceRing implements AutoCloseable {
    private final List<TcpRingAllReduce> rings = new ArrayList<>();
    private final FloatBuffer[] data;
    private final CyclicBarrier start;
    private final int floats;

    private AllReduceRing(int n, int floats) {
      this.data = new FloatBuffer[n];
      this.start = new CyclicBarrier(n);
      this.floats = floats;
    }

    static AllReduceRing open(int n, int floats, RingOptions options) {
      byte[] secret = Rendezvous.newSecret();
      String session = "bench-" + Long.toHexString(System.nanoTime());
      InMemoryAllGather exchange = new InMemoryAllGather(n);
      AllReduceRing ring = new AllReduceRing(n, floats);
      try {
        List<Object> opened = onThreads(n, r -> new TcpRingAllReduce(
            Rendezvous.of(r, n, "127.0.0.1", exchange.forRank(r), secret, session).connect(options), options));
        for (Object o : opened) {
          if (o instanceof TcpRingAllReduce) {
            ring.rings.add((TcpRingAllReduce) o);
          }
        }
        rethrowFirst(opened, "rendezvous");
        return ring;
      } catch (RuntimeException e) {
        ring.close();
        throw e;
      }
    }

    /** Refills the buffers, lines the ranks up and returns the slowest rank's all-reduce seconds. */
    double once() {
      List<Object> nanos = onThreads(data.length, r -> {
        if (data[r] == null) {
          data[r] = ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        FloatBuffer b = data[r];
        for (int i = 0; i < floats; i++) {
          b.put(i, (i & 1023) + r);
        }
        await(start);
        long t0 = System.nanoTime();
        rings.get(r).allReduceSum(b);
        return System.nanoTime() - t0;
      });
      rethrowFirst(nanos, "allReduceSum");
      return nanos.stream().mapToLong(o -> (Long) o).max().orElseThrow() / 1e9;
    }

    void check() {
      AllReduceBenchmark.check(data, data.length, floats);
    }

    @Override
    public void close() {
      rings.forEach(TcpRingAllReduce::close);
    }
  }

  /** Spot-checks the sums so that a broken all-reduce cannot report a good number. */
  private static void check(FloatBuffer[] data, int n, int floats) {
    for (int r = 0; r < n; r++) {
      for (int i : new int[] {0, 1, 1023, floats / 2, floats - 1}) {
        double exact = n * (double) (i & 1023) + n * (n - 1) / 2.0;
        double got = data[r].get(i);
        // BF16 rounds once per hop: relative error at most about n * 2^-8
        if (Math.abs(got - exact) > n * Math.scalb(1.0, -8) * exact + 1e-6) {
          throw new IllegalStateException("all-reduce result is wrong at rank " + r + ", element " + i + ": " + got
              + " instead of " + exact);
        }
      }
    }
  }

  /** A plain loopback TCP ring (rank r sends to r+1) whose rounds of simultaneous send and receive are timed. */
  private static final class RawRing implements AutoCloseable {
    private final ServerSocketChannel[] servers;
    private final SocketChannel[] next;
    private final SocketChannel[] prev;
    private final CyclicBarrier start;

    private RawRing(int n) {
      servers = new ServerSocketChannel[n];
      next = new SocketChannel[n];
      prev = new SocketChannel[n];
      start = new CyclicBarrier(n);
    }

    static RawRing open(int n) {
      RawRing ring = new RawRing(n);
      try {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int r = 0; r < n; r++) {
          ring.servers[r] = ServerSocketChannel.open();
          ring.servers[r].setOption(StandardSocketOptions.SO_RCVBUF, RingOptions.DEFAULT_SOCKET_BUFFER_BYTES);
          ring.servers[r].bind(new InetSocketAddress(loopback, 0), 1);
        }
        for (int r = 0; r < n; r++) {
          int to = (r + 1) % n;
          ring.next[r] = SocketChannel.open();
          configure(ring.next[r]);
          ring.next[r].connect(ring.servers[to].getLocalAddress());
          ring.prev[to] = ring.servers[to].accept();
          configure(ring.prev[to]);
        }
        return ring;
      } catch (IOException e) {
        ring.close();
        throw new IllegalStateException("cannot set up the raw TCP ring: " + e, e);
      }
    }

    /** Every rank sends linkBytes to the next rank while receiving as many; the slowest rank's seconds. */
    double once(long linkBytes) {
      List<Object> nanos = onThreads(next.length, r -> {
        await(start);
        long t0 = System.nanoTime();
        try {
          RawLink.exchange(next[r], prev[r], linkBytes, RingOptions.DEFAULT_SEGMENT_BYTES);
        } catch (IOException e) {
          throw new IllegalStateException("raw TCP ring, rank " + r + ": " + e, e);
        }
        return System.nanoTime() - t0;
      });
      rethrowFirst(nanos, "raw TCP ring");
      return nanos.stream().mapToLong(o -> (Long) o).max().orElseThrow() / 1e9;
    }

    @Override
    public void close() {
      for (int r = 0; r < next.length; r++) {
        closeQuietly(next[r]);
        closeQuietly(prev[r]);
        closeQuietly(servers[r]);
      }
    }
  }

  private static void configure(SocketChannel ch) throws IOException {
    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    ch.setOption(StandardSocketOptions.SO_SNDBUF, RingOptions.DEFAULT_SOCKET_BUFFER_BYTES);
    ch.setOption(StandardSocketOptions.SO_RCVBUF, RingOptions.DEFAULT_SOCKET_BUFFER_BYTES);
  }

  /** One rank's raw traffic: non-blocking sends to {@code next} and receives from {@code prev} on one thread. */
  private static final class RawLink {
    private RawLink() {}

    static void exchange(SocketChannel next, SocketChannel prev, long bytes, int segmentBytes) throws IOException {
      ByteBuffer out = ByteBuffer.allocateDirect(segmentBytes);
      ByteBuffer in = ByteBuffer.allocateDirect(segmentBytes);
      next.configureBlocking(false);
      prev.configureBlocking(false);
      try (Selector selector = Selector.open()) {
        SelectionKey nextKey = next.register(selector, 0);
        SelectionKey prevKey = prev.register(selector, 0);
        long toSend = bytes;
        long toReceive = bytes;
        out.limit(0);
        long lastProgress = System.nanoTime();
        while (toSend > 0 || toReceive > 0) {
          boolean progress = false;
          while (toSend > 0) {
            if (!out.hasRemaining()) {
              out.clear().limit((int) Math.min(segmentBytes, toSend));
            }
            int w = next.write(out);
            if (w <= 0) {
              break;
            }
            toSend -= w;
            progress = true;
          }
          while (toReceive > 0) {
            in.clear().limit((int) Math.min(segmentBytes, toReceive));
            int r = prev.read(in);
            if (r < 0) {
              throw new IOException("the previous rank closed the connection");
            }
            if (r == 0) {
              break;
            }
            toReceive -= r;
            progress = true;
          }
          long now = System.nanoTime();
          if (progress) {
            lastProgress = now;
            continue;
          }
          if (now - lastProgress > TIMEOUT.toNanos()) {
            throw new IOException("no progress for " + TIMEOUT);
          }
          nextKey.interestOps(toSend > 0 ? SelectionKey.OP_WRITE : 0);
          prevKey.interestOps(toReceive > 0 ? SelectionKey.OP_READ : 0);
          selector.select(1000);
          selector.selectedKeys().clear();
        }
        nextKey.cancel();
        prevKey.cancel();
        selector.selectNow();
      } finally {
        next.configureBlocking(true);
        prev.configureBlocking(true);
      }
    }
  }

  /** One rank's part of a multi-threaded run. */
  interface RankWork {
    Object apply(int rank) throws Exception;
  }

  private static List<Object> onThreads(int n, RankWork work) {
    return onThreads(n, work, WAIT_SECONDS);
  }

  /**
   * Runs work(rank) on n daemon threads; element r is its result or the Throwable it threw (also used by the
   * collective's tests).
   */
  static List<Object> onThreads(int n, RankWork work, long waitSeconds) {
    ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
      Thread t = new Thread(r, "allreduce-bench");
      t.setDaemon(true);
      return t;
    });
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
        out.add(f.get(waitSeconds, TimeUnit.SECONDS));
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("benchmark ranks did not finish", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void rethrowFirst(List<Object> results, String what) {
    for (Object o : results) {
      if (o instanceof Throwable) {
        throw new IllegalStateException(what + " failed: " + o, (Throwable) o);
      }
    }
  }

  private static void await(CyclicBarrier barrier) throws Exception {
    barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static void closeQuietly(java.io.Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing: nothing left to do
      }
    }
  }

  /** {@code --ranks N --mb M --repetitions R --wire fp32|bf16}; prints {@link Result#table()}. */
  public static void main(String[] args) {
    int ranks = 2;
    int mb = 100;
    int reps = 5;
    Wire wire = Wire.FP32;
    int segmentBytes = RingOptions.DEFAULT_SEGMENT_BYTES;
    boolean kernels = false;
    boolean overlap = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        System.out.println("usage: AllReduceBenchmark [--ranks N (2)] [--mb M (100)] [--repetitions R (5)] [--wire fp32|bf16]"
            + " [--segment-kb K (1024)] [--kernels] [--overlap]");
        return;
      }
      if (a.equals("--kernels")) {
        kernels = true;
        continue;
      }
      if (a.equals("--overlap")) {
        overlap = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + a);
      }
      String v = args[++i];
      switch (a) {
        case "--ranks":
          ranks = Integer.parseInt(v);
          break;
        case "--mb":
          mb = Integer.parseInt(v);
          break;
        case "--repetitions":
          reps = Integer.parseInt(v);
          break;
        case "--wire":
          wire = Wire.valueOf(v.toUpperCase(Locale.ROOT));
          break;
        case "--segment-kb":
          segmentBytes = Integer.parseInt(v) * 1024;
          break;
        default:
          throw new IllegalArgumentException("unknown option " + a
              + " (expected --ranks N --mb M --repetitions R --wire fp32|bf16)");
      }
    }
    if (kernels) {
      System.out.print(AllReduceKernels.measure((int) Math.min(Integer.MAX_VALUE, mb * 1_000_000L / 4), segmentBytes));
    }
    System.out.print(run(ranks, mb, reps, wire, segmentBytes, overlap).table());
  }
}
