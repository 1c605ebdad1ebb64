package ai.hubert.training.collective;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.util.TaskCompletionListener;

/**
 * A {@link Collective} over a TCP ring (host memory, pure Java NIO), for CPU workers, CI and as
 * the fallback when no NCCL is available.
 *
 * <p><b>Algorithm.</b> All-reduce is ring reduce-scatter followed by ring all-gather: the vector is
 * split into {@code worldSize} chunks and each rank sends and receives {@code 2(n-1)/n} of the
 * vector's bytes in {@code 2(n-1)} steps (bandwidth-optimal). Each chunk is cut into segments
 * ({@link RingOptions#segmentBytes()}, 1 MiB by default) that are pipelined: an event loop over
 * non-blocking channels writes to the next rank and reads from the previous rank, and adds every
 * complete reduce-scatter segment right after it arrives, while it is still in the core's cache; a
 * segment received at one step goes out at the next step as soon as it is reduced, without waiting
 * for its whole chunk. In fp32, segments are written straight from the caller's direct
 * little-endian buffers and all-gathered straight into them (no copies). With
 * {@link RingOptions#withOverlapReduce} the adds move to a reducer thread with three receive buffers
 * in flight, for ranks that have an idle core to spare (all-reduces under 1 MB always add inline).
 * Optional bfloat16 on the wire ({@link Wire#BF16}) halves the bytes at a documented precision
 * cost. Broadcast is a pipelined ring in float32; scalar sums and {@link #barrier()} are ring
 * all-gathers of 8-byte values.
 *
 * <p><b>Checks and failures.</b> Every operation starts with a 32-byte header (operation, sequence
 * number, length, wire format or root) that the receiving rank compares with its own call, so
 * ranks that call different operations or sizes fail with both calls in the message. Every read
 * and write has a deadline ({@link RingOptions#timeout()}, reset whenever bytes move): a stuck
 * peer fails the operation with a message naming the operation and the peer's rank and address;
 * a dead peer (connection closed or reset) fails it at once. A failing rank sends the reason
 * upstream (on the otherwise idle reverse direction of its incoming connection) and closes its
 * sockets, so the failure travels around the ring and every rank throws instead of hanging. A
 * poll hook ({@link #abortWhen}) checked at least once a second lets a killed Spark task abort.
 */
public final class TcpRingAllReduce implements Collective {
  private static final System.Logger LOG = System.getLogger(TcpRingAllReduce.class.getName());
  private static final int MAGIC = 0x48425243; // "HBRC"
  private static final int HEADER_BYTES = 32;
  private static final int OP_ALL_REDUCE = 1;
  private static final int OP_BROADCAST = 2;
  private static final int OP_GATHER = 3;
  private static final int GATHER_LONG = 0;
  private static final int GATHER_DOUBLE = 1;
  private static final int GATHER_BARRIER = 2;
  private static final int MAX_ABORT_BYTES = 4096;
  private static final long POLL_MILLIS = 1000;
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
  /** Receive buffers in flight between the event loop and the reducer thread. */
  private static final int RECV_BUFFERS = 3;
  /** All-reduces at least this large reduce on the reducer thread; smaller ones inline (a hand-off costs ~20 us). */
  private static final long OVERLAP_MIN_BYTES = 1 << 20;

  private final RingConnections links;
  private final RingOptions options;
  private final int rank;
  private final int worldSize;
  private final Selector selector;
  private final SelectionKey nextKey;
  private final SelectionKey prevKey;
  private final ByteBuffer sendBuf;
  private final ByteBuffer recvBuf;
  /** Receive buffers of the overlapped all-reduce: the event loop reads into one while the reducer adds another. */
  private final ByteBuffer[] recvPool;
  private final Object reducerLock = new Object();
  private java.util.concurrent.ExecutorService reducer;
  private final ByteBuffer headerOut = ByteBuffer.allocate(HEADER_BYTES);
  private final ByteBuffer headerIn = ByteBuffer.allocate(HEADER_BYTES);
  private final ByteBuffer reverse = ByteBuffer.allocate(4 + MAX_ABORT_BYTES);
  private final Object closeLock = new Object();
  private volatile BooleanSupplier abortCheck = () -> false;
  private volatile boolean closed;
  private volatile String failure;
  private long sequence;

  /** Takes ownership of the connections of a finished {@link Rendezvous}. */
  public TcpRingAllReduce(RingConnections connections, RingOptions options) {
    this.links = connections;
    this.options = options;
    this.rank = connections.rank();
    this.worldSize = connections.worldSize();
    int capacity = Math.max(HEADER_BYTES, options.segmentBytes());
    this.sendBuf = ByteBuffer.allocateDirect(worldSize > 1 ? capacity : 0).order(ByteOrder.LITTLE_ENDIAN);
    this.recvBuf = ByteBuffer.allocateDirect(worldSize > 1 ? capacity : 0).order(ByteOrder.LITTLE_ENDIAN);
    this.recvPool = new ByteBuffer[worldSize > 1 ? RECV_BUFFERS : 0];
    for (int i = 0; i < recvPool.length; i++) {
      recvPool[i] = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }
    if (worldSize == 1) {
      selector = null;
      nextKey = null;
      prevKey = null;
      return;
    }
    try {
      selector = Selector.open();
      connections.next().configureBlocking(false);
      connections.prev().configureBlocking(false);
      nextKey = connections.next().register(selector, 0);
      prevKey = connections.prev().register(selector, 0);
    } catch (IOException e) {
      connections.close();
      throw new CollectiveException("rank " + rank + ": cannot set up the ring's selector: " + e.getMessage(), e);
    }
  }

  /**
   * Rendezvous through the barrier task's {@code allGather} and connect the ring; the collective is
   * closed when the task completes and aborts when the task is killed.
   */
  public static TcpRingAllReduce open(BarrierTaskContext context, byte[] secret, RingOptions options) {
    TcpRingAllReduce ring = open(Rendezvous.forBarrierTask(context, secret), options);
    ring.abortWhen(context::isInterrupted);
    context.addTaskCompletionListener((TaskCompletionListener) c -> ring.close());
    return ring;
  }

  /** Runs the rendezvous and connects the ring. */
  public static TcpRingAllReduce open(Rendezvous rendezvous, RingOptions options) {
    return new TcpRingAllReduce(rendezvous.connect(options), options);
  }

  /**
   * A condition polled at least once a second during an operation; when it turns true the
   * operation fails and the ring is closed (e.g. {@code TaskContext::isInterrupted}).
   */
  public TcpRingAllReduce abortWhen(BooleanSupplier condition) {
    this.abortCheck = condition == null ? () -> false : condition;
    return this;
  }

  /** The options this ring runs with. */
  public RingOptions options() {
    return options;
  }

  /** {@code host:port} that rank {@code r} listened on during the rendezvous. */
  public String address(int r) {
    return links.address(r);
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int worldSize() {
    return worldSize;
  }

  @Override
  public void allReduceSum(FloatBuffer data) {
    allReduceSum(List.of(data));
  }

  @Override
  public void allReduceSum(List<FloatBuffer> buffers) {
    FlatFloats flat = new FlatFloats(buffers, true);
    ensureUsable("allReduceSum");
    if (worldSize == 1) {
      return;
    }
    Wire wire = options.wire();
    int segmentElements = Math.max(1, options.segmentBytes() / wire.bytesPerElement());
    run("allReduceSum", OP_ALL_REDUCE, flat.length(), wire.ordinal(),
        new RingAllReduceSchedule(flat, rank, worldSize, wire, segmentElements),
        options.overlapReduce() && 4 * flat.length() >= OVERLAP_MIN_BYTES);
  }

  @Override
  public long allReduceSum(long value) {
    long[] all = gather(value, GATHER_LONG, "allReduceSum(long)");
    long sum = 0;
    for (long v : all) {
      try {
        sum = Math.addExact(sum, v);
      } catch (ArithmeticException e) {
        throw new ArithmeticException("allReduceSum(long) overflows: " + java.util.Arrays.toString(all));
      }
    }
    return sum;
  }

  @Override
  public double allReduceSum(double value) {
    long[] all = gather(Double.doubleToRawLongBits(value), GATHER_DOUBLE, "allReduceSum(double)");
    double sum = 0;
    for (long v : all) {
      sum += Double.longBitsToDouble(v);
    }
    return sum;
  }

  @Override
  public void broadcast(FloatBuffer data, int root) {
    if (root < 0 || root >= worldSize) {
      throw new IllegalArgumentException("root " + root + " is not a rank of a world of size " + worldSize);
    }
    FlatFloats flat = new FlatFloats(List.of(data), rank != root);
    ensureUsable("broadcast");
    if (worldSize == 1) {
      return;
    }
    run("broadcast", OP_BROADCAST, flat.length(), root,
        new RingBroadcastSchedule(flat, rank, worldSize, root, Math.max(1, options.segmentBytes() / 4)), false);
  }

  @Override
  public void barrier() {
    gather(0L, GATHER_BARRIER, "barrier");
  }

  private long[] gather(long value, int kind, String name) {
    ensureUsable(name);
    long[] values = new long[worldSize];
    values[rank] = value;
    if (worldSize > 1) {
      run(name, OP_GATHER, 1, kind, new RingAllGatherSchedule(values, rank), false);
    }
    return values;
  }

  private void ensureUsable(String name) {
    if (failure != null) {
      throw new CollectiveException("rank " + rank + ": " + name + " on a failed collective; first failure: " + failure);
    }
    if (closed) {
      throw new CollectiveException("rank " + rank + ": " + name + " on a closed collective");
    }
  }

  /**
   * The event loop of one operation: header exchange, then the schedule's two item streams. With {@code overlap}, received
   * items are consumed (reduced) on the reducer thread while this thread goes on reading into the next free buffer and
   * writing: receiving, reducing and sending overlap instead of taking turns on one thread.
   */
  private void run(String name, int code, long length, int arg, RingSchedule s, boolean overlap) {
    long seq = ++sequence;
    String op = name + " #" + seq;
    headerOut.clear();
    headerOut.putInt(MAGIC).putInt(code).putLong(seq).putLong(length).putInt(arg).putInt(0).flip();
    headerIn.clear();
    reverse.clear();
    SocketChannel next = links.next();
    SocketChannel prev = links.prev();
    int sendCount = s.sendCount();
    int recvCount = s.recvCount();
    ByteBuffer out = headerOut;
    ByteBuffer in = headerIn;
    boolean headerSent = false;
    boolean headerReceived = false;
    int sent = 0;
    int received = 0;
    long bytesOut = 0;
    long bytesIn = 0;
    long timeoutNanos = options.timeout().toNanos();
    long lastProgress = System.nanoTime();
    long lastPoll = lastProgress;
    java.util.concurrent.atomic.AtomicInteger consumedAsync = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<Throwable> reduceFailure = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.ConcurrentLinkedQueue<ByteBuffer> free = new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.ExecutorService reduceThread = null;
    if (overlap) {
      reduceThread = reducer();
      free.addAll(java.util.Arrays.asList(recvPool));
    }
    int lastConsumed = 0;
    boolean inPlace = false;
    try {
      while (true) {
        boolean progress = false;
        int consumed = overlap ? consumedAsync.get() : received;
        if (overlap) {
          Throwable t = reduceFailure.get();
          if (t != null) {
            throw new CollectiveException("rank " + rank + ": " + op + " failed reducing a received segment: " + t, t);
          }
          if (consumed != lastConsumed) {
            lastConsumed = consumed;
            progress = true;
          }
        }
        while (true) {
          if (out == null) {
            if (sent >= sendCount || !s.sendReady(sent, consumed)) {
              break;
            }
            ByteBuffer view = s.sendView(sent);
            if (view != null) {
              out = view; // straight from the caller's buffer
            } else {
              sendBuf.clear().limit(s.sendBytes(sent));
              s.fill(sent, sendBuf);
              sendBuf.flip();
              out = sendBuf;
            }
          }
          if (out.hasRemaining()) {
            int w = write(next, out, op, bytesOut);
            if (w > 0) {
              progress = true;
              bytesOut += w;
            }
            if (out.hasRemaining()) {
              break;
            }
          }
          if (headerSent) {
            sent++;
          } else {
            headerSent = true;
          }
          out = null;
        }
        while (true) {
          if (in == null) {
            if (received >= recvCount) {
              break;
            }
            ByteBuffer view = headerReceived ? s.recvView(received) : null;
            ByteBuffer target = view != null ? view : overlap ? free.poll() : recvBuf;
            if (target == null) {
              break; // every buffer is waiting for the reducer
            }
            if (view == null) {
              target.clear().limit(s.recvBytes(received));
            }
            inPlace = view != null;
            in = target;
          }
          if (in.hasRemaining()) {
            int r = read(prev, in, op, bytesIn);
            if (r < 0) {
              throw new CollectiveException("rank " + rank + ": " + op + " failed: " + links.describe(links.prevRank())
                  + " closed the connection (it failed, was killed or closed its collective); received " + bytesIn
                  + " bytes");
            }
            if (r > 0) {
              progress = true;
              bytesIn += r;
            }
            if (in.hasRemaining()) {
              break;
            }
          }
          in.flip();
          if (headerReceived && inPlace) {
            if (overlap) { // keep the reducer's count in item order: an empty task after the ones queued before it
              Selector wake = selector;
              reduceThread.execute(() -> {
                consumedAsync.incrementAndGet();
                wake.wakeup();
              });
            }
            received++;
          } else if (headerReceived && overlap) {
            int item = received;
            ByteBuffer full = in;
            Selector wake = selector;
            reduceThread.execute(() -> {
              try {
                if (reduceFailure.get() == null) {
                  s.consume(item, full);
                }
              } catch (Throwable t) {
                reduceFailure.compareAndSet(null, t);
              } finally {
                free.add(full);
                consumedAsync.incrementAndGet();
                wake.wakeup();
              }
            });
            received++;
          } else if (headerReceived) {
            s.consume(received, in);
            received++;
          } else {
            checkHeader(in, op, code, seq, length, arg);
            headerReceived = true;
          }
          in = null;
          progress = true;
        }
        boolean sendsPending = !headerSent || sent < sendCount;
        boolean readsPending = !headerReceived || received < recvCount;
        boolean recvsPending = readsPending || (overlap && consumedAsync.get() < recvCount);
        if (!sendsPending && !recvsPending) {
          if (overlap && reduceFailure.get() != null) {
            continue; // report it at the top of the loop
          }
          return;
        }
        long now = System.nanoTime();
        if (now - lastPoll >= POLL_NANOS) {
          lastPoll = now;
          checkAbort(op);
        }
        if (progress) {
          // state changed (e.g. a received segment made the next send ready): try again before waiting
          lastProgress = now;
          continue;
        }
        long idle = now - lastProgress;
        if (idle >= timeoutNanos) {
          StringBuilder what = new StringBuilder();
          if (recvsPending) {
            what.append("waiting for data from ").append(links.describe(links.prevRank()))
                .append(" (received ").append(bytesIn).append(" bytes)");
          }
          if (out != null && out.hasRemaining()) {
            what.append(what.length() > 0 ? "; " : "").append(links.describe(links.nextRank()))
                .append(" is not reading what we send (sent ").append(bytesOut).append(" bytes)");
          }
          throw new CollectiveException("rank " + rank + ": " + op + " timed out: no progress for "
              + TimeUnit.NANOSECONDS.toMillis(idle) + " ms, " + what);
        }
        nextKey.interestOps((out != null && out.hasRemaining() ? SelectionKey.OP_WRITE : 0)
            | (sendsPending ? SelectionKey.OP_READ : 0));
        prevKey.interestOps(readsPending && (in != null || !overlap || !free.isEmpty() || s.recvView(received) != null)
            ? SelectionKey.OP_READ : 0);
        long waitMillis = Math.min(POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(timeoutNanos - idle));
        selector.select(Math.max(1, waitMillis));
        if (selector.selectedKeys().contains(nextKey) && nextKey.isReadable()) {
          readReverse(next, op);
        }
        selector.selectedKeys().clear();
        checkAbort(op);
        lastPoll = System.nanoTime();
      }
    } catch (CollectiveException e) {
      throw fail(e.getMessage(), e.getCause());
    } catch (IOException | ClosedSelectorException | CancelledKeyException e) {
      if (closed) {
        throw fail("rank " + rank + ": " + op + " aborted: the collective was closed", e);
      }
      String peer = e instanceof ClosedChannelException ? "" : " (next: " + links.describe(links.nextRank())
          + ", previous: " + links.describe(links.prevRank()) + ")";
      throw fail("rank " + rank + ": " + op + " failed: " + e + peer, e);
    }
  }

  /** The reducer thread (created on first use, a daemon, ended by {@link #close()}). */
  private java.util.concurrent.ExecutorService reducer() {
    synchronized (reducerLock) {
      if (reducer == null) {
        reducer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "hubert-ring-reducer-rank" + rank);
          t.setDaemon(true);
          return t;
        });
      }
      return reducer;
    }
  }

  private void checkAbort(String op) {
    if (Thread.currentThread().isInterrupted()) {
      throw new CollectiveException("rank " + rank + ": " + op + " interrupted");
    }
    if (abortCheck.getAsBoolean()) {
      throw new CollectiveException("rank " + rank + ": " + op + " aborted: the task was killed");
    }
  }

  private int write(SocketChannel next, ByteBuffer out, String op, long sentSoFar) throws ClosedChannelException {
    try {
      return next.write(out);
    } catch (ClosedChannelException e) {
      throw e;
    } catch (IOException e) {
      throw new CollectiveException("rank " + rank + ": " + op + " failed sending to " + links.describe(links.nextRank())
          + " after " + sentSoFar + " bytes: " + e.getMessage() + " (the peer failed, was killed or closed its collective)", e);
    }
  }

  private int read(SocketChannel prev, ByteBuffer in, String op, long receivedSoFar) throws ClosedChannelException {
    try {
      return prev.read(in);
    } catch (ClosedChannelException e) {
      throw e;
    } catch (IOException e) {
      throw new CollectiveException("rank " + rank + ": " + op + " failed receiving from " + links.describe(links.prevRank())
          + " after " + receivedSoFar + " bytes: " + e.getMessage() + " (the peer failed, was killed or closed its collective)", e);
    }
  }

  private void checkHeader(ByteBuffer in, String op, int code, long seq, long length, int arg) {
    int magic = in.getInt();
    int theirCode = in.getInt();
    long theirSeq = in.getLong();
    long theirLength = in.getLong();
    int theirArg = in.getInt();
    if (magic != MAGIC) {
      throw new CollectiveException("rank " + rank + ": " + op + ": " + links.describe(links.prevRank())
          + " sent bytes that are not an operation header (magic " + Integer.toHexString(magic) + ")");
    }
    if (theirCode != code || theirSeq != seq || theirLength != length || theirArg != arg) {
      throw new CollectiveException("rank " + rank + ": collective mismatch with " + links.describe(links.prevRank())
          + ": this rank called " + describeOp(code, seq, length, arg) + ", that rank called "
          + describeOp(theirCode, theirSeq, theirLength, theirArg)
          + " (every rank must call the same operations in the same order with the same sizes and options)");
    }
  }

  private static String describeOp(int code, long seq, long length, int arg) {
    switch (code) {
      case OP_ALL_REDUCE:
        Wire[] wires = Wire.values();
        return "allReduceSum #" + seq + " of " + length + " floats (wire "
            + (arg >= 0 && arg < wires.length ? wires[arg] : "?" + arg) + ")";
      case OP_BROADCAST:
        return "broadcast #" + seq + " of " + length + " floats from root " + arg;
      case OP_GATHER:
        return (arg == GATHER_LONG ? "allReduceSum(long)" : arg == GATHER_DOUBLE ? "allReduceSum(double)" : "barrier")
            + " #" + seq;
      default:
        return "unknown operation " + code + " #" + seq;
    }
  }

  /** Data on the reverse direction of the outgoing connection: an abort notice from the next rank, or EOF. */
  private void readReverse(SocketChannel next, String op) throws IOException {
    String peer = links.describe(links.nextRank());
    int r;
    try {
      r = next.read(reverse);
    } catch (ClosedChannelException e) {
      throw e;
    } catch (IOException e) {
      throw new CollectiveException("rank " + rank + ": " + op + " failed: connection to " + peer + " broke: "
          + e.getMessage() + " (the peer failed, was killed or closed its collective)", e);
    }
    if (reverse.position() >= 4) {
      int len = reverse.getInt(0);
      if (len < 0 || len > MAX_ABORT_BYTES) {
        throw new CollectiveException("rank " + rank + ": " + op + ": " + peer + " sent unexpected data upstream");
      }
      if (reverse.position() >= 4 + len) {
        String reason = new String(reverse.array(), 4, len, StandardCharsets.UTF_8);
        throw new CollectiveException("rank " + rank + ": " + op + " failed: " + peer + " aborted: " + reason);
      }
    }
    if (r < 0) {
      throw new CollectiveException("rank " + rank + ": " + op + " failed: " + peer
          + " closed the connection (it failed, was killed or closed its collective)");
    }
  }

  /** Records the first failure, tells the previous rank why (best effort), closes everything. */
  private CollectiveException fail(String message, Throwable cause) {
    CollectiveException e = new CollectiveException(message, cause);
    if (failure == null) {
      failure = message;
      if (!closed) {
        LOG.log(Level.ERROR, message);
        notifyPrev(message);
      }
    }
    close();
    return e;
  }

  private void notifyPrev(String message) {
    SocketChannel prev = links.prev();
    if (prev == null || !prev.isOpen()) {
      return;
    }
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    int len = Math.min(text.length, MAX_ABORT_BYTES);
    ByteBuffer b = ByteBuffer.allocate(4 + len);
    b.putInt(len).put(text, 0, len).flip();
    try {
      prev.write(b); // non-blocking, best effort: the reverse direction carries nothing else
    } catch (IOException | RuntimeException ignored) {
      // the peer is gone already
    }
  }

  /** Closes the sockets and the selector; idempotent; wakes an operation running in another thread. */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    links.close();
    synchronized (reducerLock) {
      if (reducer != null) {
        reducer.shutdownNow();
      }
    }
    if (selector != null) {
      try {
        selector.close();
      } catch (IOException ignored) {
        // closing: nothing left to do
      }
    }
  }
}
