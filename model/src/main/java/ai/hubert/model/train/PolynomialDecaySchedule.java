package ai.hubert.model.train;

/**
 * fairseq's {@code polynomial_decay} learning-rate schedule ({@code PolynomialDecayLRSchedule.step_update}):
 * {@code lr(n) = peak * (n / warmup)} for {@code n <= warmup}, then
 * {@code (peak - end) * (1 - (n - warmup) / (total - warmup))^power + end} and {@code end} from {@code n >= total}.
 *
 * <p>fairseq sets the rate with {@code step_update(num_updates)} when training starts ({@code num_updates = 0}, so
 * the first update runs at rate 0 during warm-up) and after every update; the update made after {@code n}
 * completed updates therefore uses {@code lr(n)}. HuBERT: power 1, end 0, total = max_update, warmup 32,000.
 */
public final class PolynomialDecaySchedule {

    private final double peak;
    private final long warmupUpdates;
    private final long totalUpdates;
    private final double endLr;
    private final double power;

    /**
     * Creates the schedule.
     *
     * @param peak peak learning rate ({@code optimization.lr[0]})
     * @param warmupUpdates linear warm-up length, {@code >= 0}
     * @param totalUpdates {@code total_num_update} (fairseq: {@code max_update}), greater than the warm-up
     * @param endLr final learning rate
     * @param power decay exponent, positive
     * @throws IllegalArgumentException naming the expected relation and the values found
     */
    public PolynomialDecaySchedule(double peak, long warmupUpdates, long totalUpdates, double endLr, double power) {
        if (!(peak > 0) || !(endLr >= 0) || endLr > peak) {
            throw new IllegalArgumentException("Expected peak lr > 0 and 0 <= end lr <= peak, found peak " + peak
                    + " and end " + endLr);
        }
        if (warmupUpdates < 0 || totalUpdates <= warmupUpdates) {
            throw new IllegalArgumentException("Expected 0 <= warmup updates < total updates, found warmup "
                    + warmupUpdates + " and total " + totalUpdates);
        }
        if (!(power > 0)) {
            throw new IllegalArgumentException("Expected a positive power, found " + power);
        }
        this.peak = peak;
        this.warmupUpdates = warmupUpdates;
        this.totalUpdates = totalUpdates;
        this.endLr = endLr;
        this.power = power;
    }

    /** HuBERT's schedule: power 1, end lr 0. */
    public static PolynomialDecaySchedule hubert(double peak, long warmupUpdates, long maxUpdate) {
        return new PolynomialDecaySchedule(peak, warmupUpdates, maxUpdate, 0.0, 1.0);
    }

    /**
     * Learning rate after {@code numUpdates} completed updates (fairseq {@code step_update(num_updates)}).
     *
     * @throws IllegalArgumentException if {@code numUpdates} is negative
     */
    public double lr(long numUpdates) {
        if (numUpdates < 0) {
            throw new IllegalArgumentException("Expected a non-negative update count, found " + numUpdates);
        }
        if (warmupUpdates > 0 && numUpdates <= warmupUpdates) {
            double warmupFactor = numUpdates / (double) warmupUpdates;
            return warmupFactor * peak;
        }
        if (numUpdates >= totalUpdates) {
            return endLr;
        }
        double lrRange = peak - endLr;
        double pctRemaining = 1 - (numUpdates - warmupUpdates) / (double) (totalUpdates - warmupUpdates);
        return lrRange * Math.pow(pctRemaining, power) + endLr;
    }

    /** Returns the peak learning rate. */
    public double peak() {
        return peak;
    }

    /** Returns the warm-up length in updates. */
    public long warmupUpdates() {
        return warmupUpdates;
    }

    /** Returns the update count at which the rate reaches the end value. */
    public long totalUpdates() {
        return totalUpdates;
    }
}
