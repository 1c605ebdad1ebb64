package ai.hubert.training;

import ai.hubert.model.train.StepReport;
import java.util.Arrays;

/** Sums of the all-reduced per-update values between two progress lines. */
final class ProgressWindow {
  // loss_m * frames, masked frames, correct_m, count_m, correct_u, count_u, then per label set i:
  // loss_m_i * frames, correct_m_i, count_m_i
  private final double[] sums;

  ProgressWindow(int labelSets) {
    sums = new double[size(labelSets)];
  }

  /** Length of the per-update value array for {@code labelSets} label sets. */
  static int size(int labelSets) {
    return 6 + 3 * labelSets;
  }
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
    int sets = (sums.length - 6) / 3;
    double[] setLoss = new double[sets];
    double[] setAcc = new double[sets];
    for (int i = 0; i < sets; i++) {
      setLoss[i] = sums[6 + 3 * i] / Math.max(1, sums[1]);
      setAcc[i] = sums[7 + 3 * i] / Math.max(1, sums[8 + 3 * i]);
    }
    return new ProgressLine(update, epoch, sums[0] / Math.max(1, sums[1]), sums[2] / Math.max(1, sums[3]),
        sums[4] / Math.max(1, sums[5]), report.lr(), report.gradNorm(), (long) sums[1], elapsed > 0 ? audioSeconds / elapsed : 0,
        stepNanos > 0 ? (double) reduceNanos / stepNanos : 0, wallSeconds, resumedFrom, attempt, setLoss, setAcc);
  }

  void reset() {
    Arrays.fill(sums, 0);
    audioSeconds = 0;
    reduceNanos = 0;
    stepNanos = 0;
    start = System.nanoTime();
  }
}
