package ai.hubert.training;

import org.apache.spark.util.AccumulatorV2;

/** A Spark accumulator holding the largest value added (e.g. the newest update number, shown live in the Spark UI). */
public final class MaxAccumulator extends AccumulatorV2<Long, Long> {
  private static final long serialVersionUID = 1L;
  private long max = Long.MIN_VALUE;

  @Override
  public boolean isZero() {
    return max == Long.MIN_VALUE;
  }

  @Override
  public MaxAccumulator copy() {
    MaxAccumulator c = new MaxAccumulator();
    c.max = max;
    return c;
  }

  @Override
  public void reset() {
    max = Long.MIN_VALUE;
  }

  @Override
  public void add(Long v) {
    max = Math.max(max, v);
  }

  @Override
  public void merge(AccumulatorV2<Long, Long> other) {
    if (!other.isZero()) {
      add(other.value());
    }
  }

  @Override
  public Long value() {
    return isZero() ? 0L : max;
  }
}
