package ai.hubert.training;

import java.io.PrintStream;
import java.util.Locale;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import scala.Tuple4;

/**
 * Prints a progress line on the driver's console whenever executor heartbeats carry a newer {@value
 * TrainingMetrics#UPDATE} (every {@code spark.executor.heartbeatInterval}, 10 s by default): on a cluster rank 0's own
 * progress lines go to its executor's log, not to the console of whoever submitted the job.
 */
final class DriverProgressListener extends SparkListener {
  private final PrintStream out;
  private final long maxUpdate;
  private long shown;
  private double audioSeconds;

  DriverProgressListener(PrintStream out, long maxUpdate) {
    this.out = out;
    this.maxUpdate = maxUpdate;
  }

  @Override
  public synchronized void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    long newest = -1;
    for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> task
        : scala.jdk.javaapi.CollectionConverters.asJava(update.accumUpdates())) {
      for (AccumulableInfo a : scala.jdk.javaapi.CollectionConverters.asJava(task._4())) {
        if (a.name().isEmpty() || a.update().isEmpty()) {
          continue;
        }
        if (a.name().get().equals(TrainingMetrics.UPDATE)) {
          newest = Math.max(newest, ((Number) a.update().get()).longValue());
        } else if (a.name().get().equals(TrainingMetrics.AUDIO_SECONDS)) {
          audioSeconds = Math.max(audioSeconds, ((Number) a.update().get()).doubleValue());
        }
      }
    }
    if (newest > shown) {
      shown = newest;
      out.println(String.format(Locale.ROOT, "train (driver) | update %d/%d | %.0f audio-s trained in this attempt", newest,
          maxUpdate, audioSeconds));
    }
  }

  /** The newest update printed. */
  synchronized long shown() {
    return shown;
  }
}
