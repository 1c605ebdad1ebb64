package ai.hubert.training.collective;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.BarrierTaskContext;

/**
 * Connects the ranks of a barrier stage into an authenticated TCP ring.
 *
 * <p>Each rank binds a server socket on its own executor host (port 0), publishes
 * {@code host:port} with one {@link AllGather} (in Spark: {@code BarrierTaskContext.allGather},
 * about 1 s), then connects to the next rank and accepts from the previous one, both at once.
 *
 * <p>Authentication uses a per-job random secret ({@link #newSecret()}, made on the driver and
 * passed to the tasks in the closure) and a session tag (in Spark: stage id and attempt, so tasks
 * of an earlier attempt cannot join). The acceptor sends a random nonce; the connector answers with
 * its rank and HMAC-SHA256(secret, nonce, session, ranks); the acceptor answers with its own HMAC
 * over the connector's nonce, so both sides prove the secret and nothing replayable crosses the
 * wire. A connection with a wrong token is refused, logged, and fails the rendezvous on both sides
 * with a message naming the peer's address; connections that do not speak the protocol at all
 * (port scanners) are logged and ignored. The secret is not encryption: gradients travel in clear.
 */
public final class Rendezvous {
  private static final System.Logger LOG = System.getLogger(Rendezvous.class.getName());
  private static final int MAGIC = 0x48425254; // "HBRT"
  private static final int VERSION = 1;
  private static final int NONCE_BYTES = 32;
  private static final int MAC_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String WRONG_SECRET = "wrong job secret, or a task of another job or stage attempt";

  private final int rank;
  private final int worldSize;
  private final String host;
  private final AllGather allGather;
  private final byte[] secret;
  private final String session;

  private Rendezvous(int rank, int worldSize, String host, AllGather allGather, byte[] secret, String session) {
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("rank " + rank + " is not in a world of size " + worldSize);
    }
    if (secret == null || secret.length < 16) {
      throw new IllegalArgumentException("the job secret must have at least 16 bytes (use Rendezvous.newSecret())");
    }
    this.rank = rank;
    this.worldSize = worldSize;
    this.host = host;
    this.allGather = allGather;
    this.secret = secret.clone();
    this.session = session;
  }

  /** A new random 32-byte job secret; make it once on the driver and pass it to every task. */
  public static byte[] newSecret() {
    byte[] s = new byte[32];
    RANDOM.nextBytes(s);
    return s;
  }

  /**
   * The rendezvous of a barrier task: rank = partition id, world size = number of tasks, bind host
   * from {@code getTaskInfos()[rank].address()}, session = stage id and attempt.
   */
  public static Rendezvous forBarrierTask(BarrierTaskContext context, byte[] secret) {
    int r = context.partitionId();
    String executor = context.getTaskInfos()[r].address();
    String session = "stage-" + context.stageId() + "." + context.stageAttemptNumber();
    return new Rendezvous(r, context.getTaskInfos().length, hostOf(executor), context::allGather, secret, session);
  }

  /**
   * A rendezvous with an injected exchange (tests, or a launcher other than Spark). Ranks must
   * agree on {@code worldSize}, {@code secret} and {@code session}.
   */
  public static Rendezvous of(int rank, int worldSize, String bindHost, AllGather allGather, byte[] secret, String session) {
    return new Rendezvous(rank, worldSize, bindHost, allGather, secret, session);
  }

  public int rank() {
    return rank;
  }

  public int worldSize() {
    return worldSize;
  }

  /**
   * Binds, exchanges addresses (one {@link AllGather} call, skipped when the world size is 1),
   * connects and authenticates the ring within {@code options.timeout()}.
   *
   * @throws CollectiveException naming the peer when a connection, handshake or deadline fails
   */
  public RingConnections connect(RingOptions options) {
    if (worldSize == 1) {
      return new RingConnections(0, new String[] {host + ":0"}, null, null);
    }
    ServerSocketChannel server;
    String mine;
    try {
      server = ServerSocketChannel.open();
      if (options.socketBufferBytes() > 0) {
        server.setOption(StandardSocketOptions.SO_RCVBUF, options.socketBufferBytes());
      }
      server.bind(new InetSocketAddress(host, 0), worldSize);
      mine = formatAddress(host, ((InetSocketAddress) server.getLocalAddress()).getPort());
    } catch (IOException e) {
      throw new CollectiveException("rank " + rank + ": cannot listen on " + host + ": " + e.getMessage(), e);
    }
    SocketChannel next = null;
    CompletableFuture<SocketChannel> prev = null;
    try {
      String[] addresses = allGather.allGather(mine);
      if (addresses == null || addresses.length != worldSize) {
        throw new CollectiveException("rank " + rank + ": the address exchange returned "
            + (addresses == null ? "nothing" : addresses.length + " addresses") + " for a world of size " + worldSize);
      }
      addresses = addresses.clone();
      long deadline = System.nanoTime() + options.timeout().toNanos();
      String[] all = addresses;
      prev = CompletableFuture.supplyAsync(() -> acceptFromPrev(server, all, deadline, options),
          r -> {
            Thread t = new Thread(r, "ring-accept-rank-" + rank);
            t.setDaemon(true);
            t.start();
          });
      next = connectToNext(addresses, deadline, options);
      SocketChannel p = awaitPrev(prev, deadline);
      return new RingConnections(rank, addresses, next, p);
    } catch (RuntimeException e) {
      RuntimeException chosen = e;
      if (prev != null) {
        CollectiveException refusal = acceptorRefusal(prev);
        if (refusal != null && refusal != e) {
          refusal.addSuppressed(e);
          chosen = refusal;
        }
      }
      closeQuietly(server);
      closeQuietly(next);
      if (prev != null) {
        prev.thenAccept(Rendezvous::closeQuietly);
      }
      throw chosen;
    } finally {
      closeQuietly(server);
    }
  }

  private SocketChannel awaitPrev(CompletableFuture<SocketChannel> prev, long deadline) {
    try {
      long left = Math.max(1, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(5);
      return prev.get(left, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof CollectiveException) {
        throw (CollectiveException) cause;
      }
      throw new CollectiveException("rank " + rank + ": accepting from rank " + prevRank() + " failed: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CollectiveException("rank " + rank + ": interrupted while waiting for rank " + prevRank() + " to connect");
    } catch (TimeoutException e) {
      throw new CollectiveException("rank " + rank + ": rank " + prevRank() + " did not connect in time");
    }
  }

  /**
   * The acceptor's failure when it refused a bad token (waiting briefly for it): more specific than
   * the connector's "connection reset" that a rank which already gave up causes.
   */
  private static CollectiveException acceptorRefusal(CompletableFuture<SocketChannel> prev) {
    try {
      prev.get(500, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CollectiveException && e.getCause().getMessage().contains(WRONG_SECRET)) {
        return (CollectiveException) e.getCause();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      // still waiting for a peer: keep the connector's failure
    }
    return null;
  }

  private int prevRank() {
    return (rank - 1 + worldSize) % worldSize;
  }

  private SocketChannel connectToNext(String[] addresses, long deadline, RingOptions options) {
    int to = (rank + 1) % worldSize;
    String peer = "rank " + to + " (" + addresses[to] + ")";
    SocketAddress target = parseAddress(addresses[to]);
    long backoffMs = 10;
    while (true) {
      SocketChannel ch = null;
      try {
        ch = SocketChannel.open();
        configure(ch, options);
        ch.configureBlocking(false);
        if (!ch.connect(target)) {
          try (Selector sel = Selector.open()) {
            ch.register(sel, SelectionKey.OP_CONNECT);
            while (!ch.finishConnect()) {
              TimedIo.await(sel, deadline, "connecting to " + peer);
            }
          }
        }
        handshakeAsConnector(ch, to, peer, deadline);
        return ch;
      } catch (ConnectException e) {
        closeQuietly(ch);
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs) > deadline) {
          throw new CollectiveException("rank " + rank + ": cannot connect to " + peer + ": " + e.getMessage(), e);
        }
        sleep(backoffMs);
        backoffMs = Math.min(1000, backoffMs * 2);
      } catch (IOException e) {
        closeQuietly(ch);
        throw new CollectiveException("rank " + rank + ": connecting to " + peer + " failed: " + e.getMessage()
            + " (the peer gave up its rendezvous, e.g. after refusing a wrong job secret; see its log)", e);
      } catch (RuntimeException e) {
        closeQuietly(ch);
        throw e;
      }
    }
  }

  private void handshakeAsConnector(SocketChannel ch, int to, String peer, long deadline) throws IOException {
    ByteBuffer hello = ByteBuffer.allocate(8 + NONCE_BYTES).order(ByteOrder.BIG_ENDIAN);
    TimedIo.readFully(ch, hello, deadline, "handshake with " + peer);
    hello.flip();
    int magic = hello.getInt();
    int version = hello.getInt();
    if (magic != MAGIC || version != VERSION) {
      throw new CollectiveException("rank " + rank + ": " + peer + " does not speak the ring protocol (magic "
          + Integer.toHexString(magic) + ", version " + version + ")");
    }
    byte[] nonceA = new byte[NONCE_BYTES];
    hello.get(nonceA);
    byte[] nonceC = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonceC);
    ByteBuffer reply = ByteBuffer.allocate(16 + NONCE_BYTES + MAC_BYTES);
    reply.putInt(MAGIC).putInt(rank).putInt(worldSize).putInt(VERSION).put(nonceC)
        .put(mac("connect", nonceA, rank, to)).flip();
    TimedIo.writeFully(ch, reply, deadline, "handshake with " + peer);
    ByteBuffer answer = ByteBuffer.allocate(1 + MAC_BYTES);
    TimedIo.readFully(ch, answer, deadline, "handshake with " + peer);
    answer.flip();
    byte status = answer.get();
    byte[] theirs = new byte[MAC_BYTES];
    answer.get(theirs);
    if (status != 1) {
      throw new CollectiveException("rank " + rank + ": " + peer + " refused our connection: authentication failed"
          + " (" + WRONG_SECRET + ")");
    }
    if (!MessageDigest.isEqual(theirs, mac("accept", nonceC, to, rank))) {
      throw new CollectiveException("rank " + rank + ": " + peer + " failed to prove the job secret; refusing it"
          + " (" + WRONG_SECRET + ")");
    }
  }

  private SocketChannel acceptFromPrev(ServerSocketChannel server, String[] addresses, long deadline, RingOptions options) {
    int from = prevRank();
    String peer = "rank " + from + " (" + addresses[from] + ")";
    try (Selector sel = Selector.open()) {
      server.configureBlocking(false);
      server.register(sel, SelectionKey.OP_ACCEPT);
      while (true) {
        SocketChannel ch = server.accept();
        if (ch == null) {
          // wait in slices of at most 1 s: when the rendezvous is abandoned the server socket is
          // closed and the next accept() throws, so this thread does not linger until the deadline
          long slice = Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
          try {
            TimedIo.await(sel, slice, "waiting for " + peer + " to connect");
          } catch (java.net.SocketTimeoutException e) {
            if (System.nanoTime() - deadline >= 0) {
              throw new CollectiveException("rank " + rank + ": " + peer + " did not connect within "
                  + options.timeout().toMillis() + " ms", e);
            }
          }
          continue;
        }
        String remote = String.valueOf(ch.getRemoteAddress());
        try {
          configure(ch, options);
          ch.configureBlocking(false);
          if (handshakeAsAcceptor(ch, from, peer, remote, deadline)) {
            return ch;
          }
        } catch (IOException e) {
          LOG.log(Level.WARNING, "rank " + rank + ": ignoring connection from " + remote + " (expected " + peer
              + "): " + e.getMessage());
        } catch (RuntimeException e) {
          closeQuietly(ch);
          throw e;
        }
        closeQuietly(ch);
      }
    } catch (IOException e) {
      throw new CollectiveException("rank " + rank + ": accepting from " + peer + " failed: " + e.getMessage(), e);
    }
  }

  /** True: authenticated. False: not our protocol (ignored). Throws when a token is wrong. */
  private boolean handshakeAsAcceptor(SocketChannel ch, int from, String peer, String remote, long deadline)
      throws IOException {
    byte[] nonceA = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonceA);
    ByteBuffer hello = ByteBuffer.allocate(8 + NONCE_BYTES);
    hello.putInt(MAGIC).putInt(VERSION).put(nonceA).flip();
    long handshakeDeadline = Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
    TimedIo.writeFully(ch, hello, handshakeDeadline, "handshake with " + remote);
    ByteBuffer in = ByteBuffer.allocate(16 + NONCE_BYTES + MAC_BYTES);
    TimedIo.readFully(ch, in, handshakeDeadline, "handshake with " + remote);
    in.flip();
    int magic = in.getInt();
    int claimedRank = in.getInt();
    int claimedWorld = in.getInt();
    int version = in.getInt();
    if (magic != MAGIC || version != VERSION) {
      LOG.log(Level.WARNING, "rank " + rank + ": ignoring connection from " + remote + ": not the ring protocol");
      return false;
    }
    byte[] nonceC = new byte[NONCE_BYTES];
    in.get(nonceC);
    byte[] token = new byte[MAC_BYTES];
    in.get(token);
    boolean authentic = MessageDigest.isEqual(token, mac("connect", nonceA, claimedRank, rank));
    if (!authentic || claimedRank != from || claimedWorld != worldSize) {
      ByteBuffer no = ByteBuffer.allocate(1 + MAC_BYTES); // status 0, no MAC
      try {
        TimedIo.writeFully(ch, no, handshakeDeadline, "refusing " + remote);
      } catch (IOException ignored) {
        // it is refused either way
      }
      String why = !authentic
          ? "bad authentication token (" + WRONG_SECRET + ")"
          : "it claims rank " + claimedRank + " of " + claimedWorld + " but " + peer + " of " + worldSize + " was expected";
      String message = "rank " + rank + ": refused connection from " + remote + " claiming rank " + claimedRank
          + " (expected " + peer + "): " + why;
      LOG.log(Level.ERROR, message);
      throw new CollectiveException(message);
    }
    ByteBuffer yes = ByteBuffer.allocate(1 + MAC_BYTES);
    yes.put((byte) 1).put(mac("accept", nonceC, rank, from)).flip();
    TimedIo.writeFully(ch, yes, handshakeDeadline, "handshake with " + peer);
    return true;
  }

  private byte[] mac(String label, byte[] nonce, int fromRank, int toRank) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(secret, "HmacSHA256"));
      m.update(("hubert-ring/" + VERSION + "/" + label + "/" + session + "/").getBytes(StandardCharsets.UTF_8));
      m.update(nonce);
      m.update(ByteBuffer.allocate(12).putInt(fromRank).putInt(toRank).putInt(worldSize).array());
      return m.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static void configure(SocketChannel ch, RingOptions options) throws IOException {
    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
    if (options.socketBufferBytes() > 0) {
      ch.setOption(StandardSocketOptions.SO_SNDBUF, options.socketBufferBytes());
      ch.setOption(StandardSocketOptions.SO_RCVBUF, options.socketBufferBytes());
    }
  }

  /** The host of an executor address {@code host:port} (IPv6 brackets removed). */
  static String hostOf(String address) {
    int colon = address.lastIndexOf(':');
    String h = colon > 0 ? address.substring(0, colon) : address;
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h;
  }

  static String formatAddress(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  static InetSocketAddress parseAddress(String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0) {
      throw new CollectiveException("not a host:port address: '" + address + "'");
    }
    return new InetSocketAddress(hostOf(address), Integer.parseInt(address.substring(colon + 1)));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CollectiveException("interrupted while connecting the ring");
    }
  }

  private static void closeQuietly(java.nio.channels.Channel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing: nothing left to do
      }
    }
  }
}
