package ai.hubert.training.collective;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * The result of a {@link Rendezvous}: this rank's authenticated connections to the next rank (it
 * sends there) and from the previous rank (it receives from there), plus every rank's
 * {@code host:port}. A {@link TcpRingAllReduce} takes ownership of it.
 */
public final class RingConnections implements AutoCloseable {
  private final int rank;
  private final String[] addresses;
  private final SocketChannel next;
  private final SocketChannel prev;

  RingConnections(int rank, String[] addresses, SocketChannel next, SocketChannel prev) {
    this.rank = rank;
    this.addresses = addresses.clone();
    this.next = next;
    this.prev = prev;
  }

  public int rank() {
    return rank;
  }

  public int worldSize() {
    return addresses.length;
  }

  /** The {@code host:port} rank {@code r} listened on during the rendezvous. */
  public String address(int r) {
    return addresses[r];
  }

  /** "rank r (host:port)", for messages. */
  String describe(int r) {
    return "rank " + r + " (" + addresses[r] + ")";
  }

  int nextRank() {
    return (rank + 1) % addresses.length;
  }

  int prevRank() {
    return (rank - 1 + addresses.length) % addresses.length;
  }

  SocketChannel next() {
    return next;
  }

  SocketChannel prev() {
    return prev;
  }

  /** Closes both connections; idempotent. */
  @Override
  public void close() {
    closeQuietly(next);
    closeQuietly(prev);
  }

  private static void closeQuietly(SocketChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing: nothing left to do
      }
    }
  }
}
