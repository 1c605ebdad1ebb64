package ai.hubert.training.collective;

import java.nio.ByteBuffer;

/**
 * What one rank sends to the next rank and receives from the previous rank during one ring
 * operation, as two ordered streams of items. The event loop in {@link TcpRingAllReduce} sends
 * item i once {@link #sendReady} allows it and consumes received items in order.
 */
interface RingSchedule {
  int sendCount();

  int recvCount();

  /** Whether send item {@code i} may be sent once {@code received} items have been consumed. */
  boolean sendReady(int i, int received);

  int sendBytes(int i);

  /** Writes exactly {@code sendBytes(i)} bytes of item i to dst. */
  void fill(int i, ByteBuffer dst);

  int recvBytes(int i);

  /** Consumes exactly {@code recvBytes(i)} bytes of item i from src. */
  void consume(int i, ByteBuffer src);

  /**
   * Send item i's bytes as they lie in the caller's memory (a view to write straight from, no copy), or null when the
   * item must be {@link #fill filled} into a buffer.
   */
  default ByteBuffer sendView(int i) {
    return null;
  }

  /**
   * Where received item i can be read straight into its final place (then it needs no {@link #consume}), or null when it
   * must be received into a buffer and consumed.
   */
  default ByteBuffer recvView(int i) {
    return null;
  }
}
