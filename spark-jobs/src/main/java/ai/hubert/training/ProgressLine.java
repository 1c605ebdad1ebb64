package ai.hubert.training;

import java.util.Locale;

/**
 * One logged update of rank 0, over the updates since the previous line: loss on masked frames in bits, masked and
 * unmasked accuracy, learning rate, gradient norm (after the all-reduce, before clipping), masked frames, audio seconds
 * trained per wall second (all ranks), the share of step time spent in all-reduces, wall time since the attempt
 * started, the update the attempt resumed from, and the Spark stage attempt; then per label set i its masked loss
 * ({@code loss_m_i}, bits per sample-size frame; {@code loss_m} is their sum) and masked accuracy ({@code acc_m_i}).
 */
public record ProgressLine(long update, int epoch, double lossMaskedBits, double accMasked, double accUnmasked, double lr,
    double gradNorm, long maskedFrames, double audioSecondsPerSecond, double allReduceShare, double wallSeconds,
    long resumedFrom, int attempt, double[] setLossMaskedBits, double[] setAccMasked) {
  /** A line of a model with one label set (its per-set values are the totals). */
  public ProgressLine(long update, int epoch, double lossMaskedBits, double accMasked, double accUnmasked, double lr,
      double gradNorm, long maskedFrames, double audioSecondsPerSecond, double allReduceShare, double wallSeconds,
      long resumedFrom, int attempt) {
    this(update, epoch, lossMaskedBits, accMasked, accUnmasked, lr, gradNorm, maskedFrames, audioSecondsPerSecond,
        allReduceShare, wallSeconds, resumedFrom, attempt, new double[] {lossMaskedBits}, new double[] {accMasked});
  }

  /** The run folder's progress file: one JSON object per logged update, every attempt appended. */
  public static final String FILE = "progress.jsonl";
  /** TSV header of {@link #tsv()}. */
  public static final String COLUMNS = "update\tepoch\tloss_m_bits\tacc_m\tacc_u\tlr\tgnorm\tmasked_frames\taudio_s_per_s"
      + "\tallreduce_share\twall_s\tresumed_from";

  /** {@link #COLUMNS} plus {@code loss_m_i} and {@code acc_m_i} per label set when there are several. */
  public static String columns(int labelSets) {
    StringBuilder b = new StringBuilder(COLUMNS);
    for (int i = 0; labelSets > 1 && i < labelSets; i++) {
      b.append("\tloss_m_").append(i).append("\tacc_m_").append(i);
    }
    return b.toString();
  }

  public String tsv() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d\t%d\t%.5f\t%.5f\t%.5f\t%.3e\t%.4f\t%d\t%.2f\t%.4f\t%.1f\t%d",
        update, epoch, lossMaskedBits, accMasked, accUnmasked, lr, gradNorm, maskedFrames, audioSecondsPerSecond, allReduceShare,
        wallSeconds, resumedFrom));
    for (int i = 0; setAccMasked.length > 1 && i < setAccMasked.length; i++) {
      b.append(String.format(Locale.ROOT, "\t%.5f\t%.5f", setLossMaskedBits[i], setAccMasked[i]));
    }
    return b.toString();
  }

  public String json() {
    return String.format(Locale.ROOT, "{\"update\": %d, \"epoch\": %d, \"loss_m_bits\": %.6f, \"acc_m\": %.6f, \"acc_u\": %.6f, "
        + "\"lr\": %.6e, \"gnorm\": %.6f, \"masked_frames\": %d, \"audio_s_per_s\": %.4f, \"allreduce_share\": %.5f, "
        + "\"wall_s\": %.3f, \"resumed_from\": %d, \"attempt\": %d}", update, epoch, lossMaskedBits, accMasked, accUnmasked, lr,
        gradNorm, maskedFrames, audioSecondsPerSecond, allReduceShare, wallSeconds, resumedFrom, attempt)
        .replaceFirst("}$", perSet(", \"loss_m_%d\": %.6f, \"acc_m_%d\": %.6f") + "}");
  }

  private String perSet(String format) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < setAccMasked.length; i++) {
      b.append(String.format(Locale.ROOT, format, i, setLossMaskedBits[i], i, setAccMasked[i]));
    }
    return b.toString();
  }

  /** The console progress line. */
  public String console(long maxUpdate) {
    return String.format(Locale.ROOT, "train | update %d/%d | epoch %d | loss_m %.3f bits | acc_m %.3f | acc_u %.3f | lr %.2e | "
        + "gnorm %.3f | %.1f audio-s/s | all-reduce %.1f%% of step | %.0f s", update, maxUpdate, epoch, lossMaskedBits, accMasked,
        accUnmasked, lr, gradNorm, audioSecondsPerSecond, 100 * allReduceShare, wallSeconds)
        + (setAccMasked.length > 1 ? perSet(" | loss_m_%d %.3f acc_m_%d %.3f") : "");
  }
}
