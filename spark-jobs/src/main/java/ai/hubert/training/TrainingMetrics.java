package ai.hubert.training;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.DoubleAccumulator;

/**
 * Training progress as named Spark accumulators, so the Spark UI (stage page, "Accumulators") and listeners see it
 * while the barrier stage runs: {@value #UPDATE} (newest completed update) and {@value #AUDIO_SECONDS} (audio seconds
 * trained, all ranks). Only the successful stage attempt's values reach the driver's totals: a failed barrier attempt
 * is killed as a whole, and its updates are redone by the retry from the last checkpoint.
 */
public final class TrainingMetrics implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String UPDATE = "hubert.train.update";
  public static final String AUDIO_SECONDS = "hubert.train.audio_seconds";

  private final MaxAccumulator update;
  private final DoubleAccumulator audioSeconds;

  private TrainingMetrics(MaxAccumulator update, DoubleAccumulator audioSeconds) {
    this.update = update;
    this.audioSeconds = audioSeconds;
  }

  /** Registers the accumulators with the driver's context. */
  public static TrainingMetrics register(SparkContext sc) {
    MaxAccumulator update = new MaxAccumulator();
    sc.register(update, UPDATE);
    return new TrainingMetrics(update, sc.doubleAccumulator(AUDIO_SECONDS));
  }

  /** Called by rank 0 after each completed update with the audio seconds it covered on all ranks. */
  void update(long done, double audioSecondsAllRanks) {
    update.add(done);
    audioSeconds.add(audioSecondsAllRanks);
  }

  /** The newest update the successful attempt completed (driver side, after the job). */
  public long lastUpdate() {
    return update.value();
  }

  /** Audio seconds the successful attempt trained on, over all ranks (driver side). */
  public double audioSeconds() {
    return audioSeconds.value();
  }
}
