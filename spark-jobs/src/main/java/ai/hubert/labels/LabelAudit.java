package ai.hubert.labels;

import ai.hubert.store.AudioSchema;
import ai.hubert.store.LabelSchema;
import ai.hubert.store.LabelSetAudit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The checks a label set must pass before it is published: exactly one row per utterance of the
 * audio table, each with the frame count its audio gives at the label rate (within a tolerance), at the
 * expected rate, and every label in {@code [0, k)}.
 */
public final class LabelAudit implements LabelSetAudit {
  private final Dataset<Row> audio;
  private final int k;
  private final int labelRateHz;
  private final FrameCount frameCount;
  private final int frameTolerance;

  /** Frames an utterance of a given length must have; serializable so executors can apply it. */
  @FunctionalInterface
  public interface FrameCount extends java.io.Serializable {
    int frames(int numSamples);
  }

  /**
   * @param audio the dataset's audio table (utt_id, num_samples)
   * @param k labels must be below k
   * @param labelRateHz the label rate (100 for MFCC frames, 50 for model frames)
   * @param frameCount the frames each utterance must have
   * @param frameTolerance allowed |frames − expected| (0 for labels computed here, 1 for imports)
   */
  public LabelAudit(Dataset<Row> audio, int k, int labelRateHz, FrameCount frameCount, int frameTolerance) {
    this.audio = audio;
    this.k = k;
    this.labelRateHz = labelRateHz;
    this.frameCount = frameCount;
    this.frameTolerance = frameTolerance;
  }

  /** An audit with the whole-utterance frame count at the label rate ({@link #expectedFrames}). */
  public LabelAudit(Dataset<Row> audio, int k, int labelRateHz, int frameTolerance) {
    this(audio, k, labelRateHz, n -> expectedFrames(n, labelRateHz), frameTolerance);
  }

  /**
   * Frames of an utterance of {@code numSamples} 16 kHz samples at a label rate framed whole: Kaldi's
   * 25 ms / 10 ms at 100 Hz, HuBERT's conv stack (receptive field 400, stride 320) at 50 Hz.
   */
  public static int expectedFrames(int numSamples, int labelRateHz) {
    if (numSamples < 400) {
      return 0;
    }
    int shift = 16000 / labelRateHz;
    return 1 + (numSamples - 400) / shift;
  }

  @Override
  public List<String> problems(Dataset<Row> staged) {
    List<String> problems = new ArrayList<>();
    Dataset<Row> joined = audio.select(functions.col(AudioSchema.UTT_ID), functions.col(AudioSchema.NUM_SAMPLES))
        .join(staged.select(functions.col(LabelSchema.UTT_ID), functions.col(LabelSchema.NUM_FRAMES),
            functions.col(LabelSchema.LABEL_RATE_HZ), functions.col(LabelSchema.LABELS)), LabelSchema.UTT_ID, "full_outer");
    int rate = labelRateHz;
    FrameCount count = frameCount;
    int maxK = k;
    int tolerance = frameTolerance;
    List<String> found = joined.mapPartitions((MapPartitionsFunction<Row, String>) rows -> {
      List<String> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        String utt = r.getString(0);
        if (r.isNullAt(1)) {
          out.add(String.format(Locale.ROOT, "%s: labelled but not in the audio table", utt));
          continue;
        }
        if (r.isNullAt(2)) {
          out.add(String.format(Locale.ROOT, "%s: missing from the label set", utt));
          continue;
        }
        int expected = count.frames(r.getInt(1));
        int frames = r.getInt(2);
        int[] labels = LabelSchema.unpack((byte[]) r.get(4));
        if (r.getInt(3) != rate) {
          out.add(String.format(Locale.ROOT, "%s: expected label rate %d Hz, found %d Hz", utt, rate, r.getInt(3)));
        }
        if (labels.length != frames) {
          out.add(String.format(Locale.ROOT, "%s: num_frames says %d, the label column holds %d", utt, frames, labels.length));
        }
        if (Math.abs(frames - expected) > tolerance) {
          out.add(String.format(Locale.ROOT, "%s: expected %d frames at %d Hz for %d samples, found %d", utt, expected, rate,
              r.getInt(1), frames));
        }
        for (int i = 0; i < labels.length; i++) {
          if (labels[i] < 0 || labels[i] >= maxK) {
            out.add(String.format(Locale.ROOT, "%s: frame %d has label %d, expected 0..%d", utt, i, labels[i], maxK - 1));
            break;
          }
        }
      }
      return out.iterator();
    }, Encoders.STRING()).limit(1000).collectAsList();
    problems.addAll(found);
    long duplicates = staged.groupBy(LabelSchema.UTT_ID).count().where("count > 1").count();
    if (duplicates > 0) {
      problems.add(duplicates + " utterance(s) labelled more than once");
    }
    return problems;
  }
}
