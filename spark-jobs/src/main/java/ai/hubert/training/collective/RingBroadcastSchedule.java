package ai.hubert.training.collective;

import java.nio.ByteBuffer;

/**
 * Pipelined ring broadcast in float32: the root streams segments to the next rank; every other
 * rank copies each segment into place and forwards it, unless the next rank is the root.
 */
final class RingBroadcastSchedule implements RingSchedule {
  private final FlatFloats data;
  private final int segments;
  private final int sends;
  private final int recvs;

  RingBroadcastSchedule(FlatFloats data, int rank, int n, int root, int segmentElements) {
    this.data = data;
    long p = Math.max(1, (data.length() + segmentElements - 1) / segmentElements);
    if (p > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("vector of " + data.length() + " floats needs too many segments");
    }
    this.segments = (int) p;
    boolean isRoot = rank == root;
    this.recvs = isRoot ? 0 : segments;
    this.sends = (rank + 1) % n == root ? 0 : segments;
  }

  private long start(int k) {
    return data.length() * k / segments;
  }

  private int length(int k) {
    return (int) (start(k + 1) - start(k));
  }

  @Override
  public int sendCount() {
    return sends;
  }

  @Override
  public int recvCount() {
    return recvs;
  }

  @Override
  public boolean sendReady(int i, int received) {
    return recvs == 0 || received > i;
  }

  @Override
  public int sendBytes(int i) {
    return 4 * length(i);
  }

  @Override
  public void fill(int i, ByteBuffer dst) {
    data.encode(start(i), length(i), dst, Wire.FP32, false);
  }

  @Override
  public int recvBytes(int i) {
    return 4 * length(i);
  }

  @Override
  public void consume(int i, ByteBuffer src) {
    data.assign(start(i), length(i), src, Wire.FP32);
  }
}
