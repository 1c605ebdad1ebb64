package ai.hubert.audio.ingest;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of one ingest run. {@code found = ingested + rejected} always holds; the job fails
 * instead of returning a summary that does not reconcile.
 */
public record IngestSummary(String dataset, String input, IngestInput.Kind kind, long found, long ingested,
    long rejected, Map<String, Long> rejectedByReason, long totalSamples, int sampleRate, long dataFiles,
    double wallSeconds, boolean alreadyIngested) {

  /** Hours of ingested audio. */
  public double hours() {
    return totalSamples / (double) sampleRate / 3600.0;
  }

  /** Prints the human-readable summary. */
  public void print(PrintStream out) {
    if (alreadyIngested) {
      out.printf(Locale.ROOT, "ingest %s: input unchanged since the last ingest; nothing to do (no-op)%n", dataset);
    }
    out.printf(Locale.ROOT, "ingest %s from %s (%s)%n", dataset, input, kind.name().toLowerCase(Locale.ROOT));
    out.printf(Locale.ROOT, "  found = ingested + rejected: %d = %d + %d%n", found, ingested, rejected);
    rejectedByReason.forEach((reason, n) -> out.printf(Locale.ROOT, "    rejected %-24s %d%n", reason, n));
    out.printf(Locale.ROOT, "  audio: %.3f h (%d samples at %d Hz) in %d shard file(s)%n", hours(), totalSamples, sampleRate, dataFiles);
    if (!alreadyIngested) {
      out.printf(Locale.ROOT, "  wall time %.1f s, %.0f audio-s per wall-s%n", wallSeconds,
          wallSeconds > 0 ? hours() * 3600 / wallSeconds : 0.0);
    }
  }
}
