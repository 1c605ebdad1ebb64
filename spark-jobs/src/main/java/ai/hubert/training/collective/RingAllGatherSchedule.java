package ai.hubert.training.collective;

import java.nio.ByteBuffer;

/**
 * Ring all-gather of one 64-bit value per rank (n-1 steps): at step g rank r forwards the value of
 * rank (r-g) mod n and receives the value of rank (r-g-1) mod n. Scalar sums add the gathered
 * values in rank order, so every rank gets bit-identical doubles.
 */
final class RingAllGatherSchedule implements RingSchedule {
  private final long[] values;
  private final int rank;
  private final int n;

  RingAllGatherSchedule(long[] values, int rank) {
    this.values = values;
    this.rank = rank;
    this.n = values.length;
  }

  @Override
  public int sendCount() {
    return n - 1;
  }

  @Override
  public int recvCount() {
    return n - 1;
  }

  @Override
  public boolean sendReady(int i, int received) {
    return received >= i;
  }

  @Override
  public int sendBytes(int i) {
    return 8;
  }

  @Override
  public void fill(int i, ByteBuffer dst) {
    dst.putLong(values[Math.floorMod(rank - i, n)]);
  }

  @Override
  public int recvBytes(int i) {
    return 8;
  }

  @Override
  public void consume(int i, ByteBuffer src) {
    values[Math.floorMod(rank - i - 1, n)] = src.getLong();
  }
}
