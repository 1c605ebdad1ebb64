package ai.hubert.training.collective;

import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of a {@link TcpRingAllReduce} and its {@link Rendezvous}: immutable, serializable (it
 * travels in Spark task closures), changed with the {@code with*} methods.
 */
public final class RingOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How long a socket read, write, connect or accept may make no progress: 300 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
  /** Bytes per pipelined segment on the wire: 1 MiB. */
  public static final int DEFAULT_SEGMENT_BYTES = 1 << 20;
  /** Requested kernel socket send and receive buffer size: 4 MiB. */
  public static final int DEFAULT_SOCKET_BUFFER_BYTES = 4 << 20;

  private final long timeoutMillis;
  private final int segmentBytes;
  private final Wire wire;
  private final int socketBufferBytes;
  private final boolean overlapReduce;

  private RingOptions(long timeoutMillis, int segmentBytes, Wire wire, int socketBufferBytes) {
    this(timeoutMillis, segmentBytes, wire, socketBufferBytes, false);
  }

  private RingOptions(long timeoutMillis, int segmentBytes, Wire wire, int socketBufferBytes, boolean overlapReduce) {
    this.timeoutMillis = timeoutMillis;
    this.segmentBytes = segmentBytes;
    this.wire = wire;
    this.socketBufferBytes = socketBufferBytes;
    this.overlapReduce = overlapReduce;
  }

  /**
   * Whether all-reduces of 1 MB and more add received segments on a separate reducer thread while the event loop keeps
   * reading and writing (true), or on the event-loop thread right after each segment arrives, while it is still in the
   * core's cache (false, the default). The add runs at about 4x the loopback link's speed, so the hand-off to another
   * thread only pays where each rank has an idle core for it; on the 2-core reference machine inline adding reached
   * 87-109 % of the raw TCP ring at 100 MB and 2 ranks against 87-90 % with the reducer thread (docs/training.md).
   */
  public RingOptions withOverlapReduce(boolean value) {
    return new RingOptions(timeoutMillis, segmentBytes, wire, socketBufferBytes, value);
  }

  public boolean overlapReduce() {
    return overlapReduce;
  }

  /** 300 s timeout, 1 MiB segments, float32 on the wire, 4 MiB socket buffers, inline reduce. */
  public static RingOptions defaults() {
    return new RingOptions(DEFAULT_TIMEOUT.toMillis(), DEFAULT_SEGMENT_BYTES, Wire.FP32, DEFAULT_SOCKET_BUFFER_BYTES);
  }

  /**
   * The deadline for progress: a collective fails when no byte moves for this long, and a
   * rendezvous fails when the ring is not connected within it.
   */
  public RingOptions withTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive but was " + timeout);
    }
    return new RingOptions(timeout.toMillis(), segmentBytes, wire, socketBufferBytes, overlapReduce);
  }

  /** Bytes per pipelined segment, at least 1024; each rank holds two segment buffers. */
  public RingOptions withSegmentBytes(int bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException("segment bytes must be at least 1024 but was " + bytes);
    }
    return new RingOptions(timeoutMillis, bytes & ~3, wire, socketBufferBytes, overlapReduce);
  }

  /** The all-reduce wire format; see {@link Wire} for the precision cost of BF16. */
  public RingOptions withWire(Wire value) {
    if (value == null) {
      throw new IllegalArgumentException("wire must not be null");
    }
    return new RingOptions(timeoutMillis, segmentBytes, value, socketBufferBytes, overlapReduce);
  }

  /** Requested SO_SNDBUF/SO_RCVBUF; 0 keeps the operating system's default. */
  public RingOptions withSocketBufferBytes(int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("socket buffer bytes must be >= 0 but was " + bytes);
    }
    return new RingOptions(timeoutMillis, segmentBytes, wire, bytes, overlapReduce);
  }

  public Duration timeout() {
    return Duration.ofMillis(timeoutMillis);
  }

  public int segmentBytes() {
    return segmentBytes;
  }

  public Wire wire() {
    return wire;
  }

  public int socketBufferBytes() {
    return socketBufferBytes;
  }

  @Override
  public String toString() {
    return "RingOptions{timeout=" + timeoutMillis + " ms, segment=" + segmentBytes + " B, wire=" + wire
        + ", socketBuffer=" + socketBufferBytes + " B, overlapReduce=" + overlapReduce + "}";
  }
}
