package ai.hubert.training;

import ai.hubert.model.train.StepReport;
import java.util.Arrays;

/** Sums of the all-reduced per-update values between two progress lines. */
final class ProgressWindow {
  // loss_m * frames, masked frames, correct_m, count_m, correct_u, count_u
  private final double[] sums = new double[6];
  private double audioSeconds;
  private long reduceNanos;
  private long stepNanos;
  private long start = System.nanoTime();

  /** Adds one update: the all-reduced sums, audio seconds over all ranks, time in all-reduces and the step's time. */
  void add(double[] global, double audioSecondsAllRanks, long allReduceNanos, long updateNanos) {
    for (int i = 0; i < sums.length; i++) {
      sums[i] += global[i];
    }
    audioSeconds += audioSecondsAllRanks;
    reduceNanos += allReduceNanos;
    stepNanos += updateNanos;
  }

  ProgressLine line(long update, int epoch, StepReport report, double wallSeconds, long resumedFrom, int attempt) {
    double elapsed = (System.nanoTime() - start) / 1e9;
    return new ProgressLine(update, epoch, sums[0] / Math.max(1, sums[1]), sums[2] / Math.max(1, sums[3]),
        sums[4] / Math.max(1, sums[5]), report.lr(), report.gradNorm(), (long) sums[1], elapsed > 0 ? audioSeconds / elapsed : 0,
        stepNanos > 0 ? (double) reduceNanos / stepNanos : 0, wallSeconds, resumedFrom, attempt);
  }

  void reset() {
    Arrays.fill(sums, 0);
    audioSeconds = 0;
    reduceNanos = 0;
    stepNanos = 0;
    start = System.nanoTime();
  }
}
