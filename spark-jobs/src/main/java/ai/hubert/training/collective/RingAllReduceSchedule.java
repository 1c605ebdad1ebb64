package ai.hubert.training.collective;

import java.nio.ByteBuffer;

/**
 * Ring all-reduce = reduce-scatter then all-gather, 2(n-1) steps. The vector is split into n
 * chunks; each chunk into P segments. At step g rank r sends chunk (r-g) mod n and receives chunk
 * (r-g-1) mod n, adding it (g &lt; n-1) or copying it (all-gather). The chunk a rank sends at step
 * g+1 is the one it received at step g, so segment k of step g+1 may go out as soon as segment k
 * of step g has arrived and been reduced: sending, receiving and reducing overlap.
 */
final class RingAllReduceSchedule implements RingSchedule {
  private final FlatFloats data;
  private final int rank;
  private final int n;
  private final Wire wire;
  private final int segments;
  private final int steps;

  RingAllReduceSchedule(FlatFloats data, int rank, int n, Wire wire, int segmentElements) {
    this.data = data;
    this.rank = rank;
    this.n = n;
    this.wire = wire;
    long maxChunk = (data.length() + n - 1) / n;
    long p = Math.max(1, (maxChunk + segmentElements - 1) / segmentElements);
    this.steps = 2 * (n - 1);
    if (p * steps > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("vector of " + data.length() + " floats needs too many segments; raise the segment size");
    }
    this.segments = (int) p;
  }

  private long chunkStart(int c) {
    return data.length() * c / n;
  }

  private long segmentStart(int chunk, int k) {
    long c0 = chunkStart(chunk);
    long len = chunkStart(chunk + 1) - c0;
    return c0 + len * k / segments;
  }

  private int segmentLength(int chunk, int k) {
    return (int) (segmentStart(chunk, k + 1) - segmentStart(chunk, k));
  }

  private int sendChunk(int step) {
    return Math.floorMod(rank - step, n);
  }

  private int recvChunk(int step) {
    return Math.floorMod(rank - step - 1, n);
  }

  @Override
  public int sendCount() {
    return steps * segments;
  }

  @Override
  public int recvCount() {
    return steps * segments;
  }

  @Override
  public boolean sendReady(int i, int received) {
    int g = i / segments;
    int k = i % segments;
    return g == 0 || received >= (g - 1) * segments + k + 1;
  }

  @Override
  public int sendBytes(int i) {
    return segmentLength(sendChunk(i / segments), i % segments) * wire.bytesPerElement();
  }

  @Override
  public void fill(int i, ByteBuffer dst) {
    int g = i / segments;
    int k = i % segments;
    int c = sendChunk(g);
    // first all-gather step: this rank's fully reduced chunk; with BF16 keep the rounded value so
    // that every rank ends with the same numbers
    data.encode(segmentStart(c, k), segmentLength(c, k), dst, wire, g == n - 1);
  }

  /** fp32 segments go out straight from the caller's buffer, except the BF16 write-back case handled by fill. */
  @Override
  public ByteBuffer sendView(int i) {
    if (wire != Wire.FP32) {
      return null;
    }
    int c = sendChunk(i / segments);
    int k = i % segments;
    return data.view(segmentStart(c, k), segmentLength(c, k));
  }

  /** All-gather segments in fp32 are final values: they are read straight into the caller's buffer. */
  @Override
  public ByteBuffer recvView(int i) {
    int g = i / segments;
    if (wire != Wire.FP32 || g < n - 1) {
      return null;
    }
    int c = recvChunk(g);
    int k = i % segments;
    return data.view(segmentStart(c, k), segmentLength(c, k));
  }

  @Override
  public int recvBytes(int i) {
    return segmentLength(recvChunk(i / segments), i % segments) * wire.bytesPerElement();
  }

  @Override
  public void consume(int i, ByteBuffer src) {
    int g = i / segments;
    int k = i % segments;
    int c = recvChunk(g);
    if (g < n - 1) {
      data.accumulate(segmentStart(c, k), segmentLength(c, k), src, wire);
    } else {
      data.assign(segmentStart(c, k), segmentLength(c, k), src, wire);
    }
  }
}
