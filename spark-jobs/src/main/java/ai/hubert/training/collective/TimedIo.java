package ai.hubert.training.collective;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/** Blocking-style reads and writes with a deadline on a non-blocking channel (rendezvous handshakes). */
final class TimedIo {
  private TimedIo() {}

  static void readFully(SocketChannel channel, ByteBuffer buf, long deadlineNanos, String what) throws IOException {
    try (Selector selector = Selector.open()) {
      SelectionKey key = null;
      while (buf.hasRemaining()) {
        int n = channel.read(buf);
        if (n < 0) {
          throw new EOFException(what + ": connection closed by the peer");
        }
        if (n == 0) {
          if (key == null) {
            key = channel.register(selector, SelectionKey.OP_READ);
          }
          await(selector, deadlineNanos, what);
        }
      }
      if (key != null) {
        key.cancel();
        selector.selectNow();
      }
    }
  }

  static void writeFully(SocketChannel channel, ByteBuffer buf, long deadlineNanos, String what) throws IOException {
    try (Selector selector = Selector.open()) {
      SelectionKey key = null;
      while (buf.hasRemaining()) {
        if (channel.write(buf) == 0) {
          if (key == null) {
            key = channel.register(selector, SelectionKey.OP_WRITE);
          }
          await(selector, deadlineNanos, what);
        }
      }
      if (key != null) {
        key.cancel();
        selector.selectNow();
      }
    }
  }

  /** Waits until the selector fires or the deadline passes (then SocketTimeoutException). */
  static void await(Selector selector, long deadlineNanos, String what) throws IOException {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException(what + ": timed out");
    }
    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    selector.selectedKeys().clear();
    if (Thread.currentThread().isInterrupted()) {
      throw new java.io.InterruptedIOException(what + ": interrupted");
    }
  }
}
