package ai.hubert.cli;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.audio.ingest.IngestSummary;
import ai.hubert.features.MfccJob;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;

/** {@code hubert demo}: the pipeline on the bundled sample corpus. */
final class DemoCommand implements Command {
  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "run the pipeline on the bundled sample corpus: ingest -> MFCC, with a summary";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(OptionSpec.flag("force", "recompute every step even when its output is current"));
  }

  @Override
  public int run(CliContext context, ParsedArgs args) {
    long start = System.nanoTime();
    boolean force = args.flag("force");
    context.out().println("== 1/2 ingest the bundled sample corpus");
    IngestSummary ingest = IngestCommand.ingest(context, null, SampleCorpus.DATASET, force);
    ingest.print(context.out());
    context.out().println("== 2/2 MFCC features (Kaldi-compatible, 39-d, 100 Hz)");
    MfccJob.Summary mfcc = new MfccJob(context.store()).run(SampleCorpus.DATASET, force);
    mfcc.print(context.out());
    Row stats = context.spark().sql("SELECT min(num_frames), max(num_frames), avg(num_frames) FROM "
        + context.store().features(SampleCorpus.DATASET, MfccJob.FEATURE_SET).qualified()).first();
    context.out().println();
    context.out().println("summary");
    context.out().printf(Locale.ROOT, "  utterances %d (rejects %d), %.2f min of audio, %d MFCC frames (%d..%d per utterance)%n",
        ingest.ingested(), ingest.rejected(), ingest.hours() * 60, mfcc.frames(), stats.getInt(0), stats.getInt(1));
    context.out().printf(Locale.ROOT, "  store %s: tables hubert.%s.{audio,audio_rejects,%s%s}%n", context.storeLocation(),
        SampleCorpus.DATASET, "features_", MfccJob.FEATURE_SET);
    context.out().printf(Locale.ROOT, "  total wall time %.1f s%n", (System.nanoTime() - start) / 1e9);
    context.out().println("next: hubert export-features --dataset sample --features mfcc --format fairseq --output-prefix out/train_0_1");
    return 0;
  }
}
