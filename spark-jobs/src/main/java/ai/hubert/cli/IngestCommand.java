package ai.hubert.cli;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.audio.ingest.IngestJob;
import ai.hubert.audio.ingest.IngestSummary;
import java.util.List;

/** {@code hubert ingest}: audio files into a dataset's audio table. */
final class IngestCommand implements Command {
  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String summary() {
    return "ingest a Libri-light tree or fairseq .tsv manifest into a dataset's audio table (Parquet shards)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("input", "PATH", null, "directory <speaker>/<book>/<utt>.flac|.wav, or a fairseq manifest .tsv; "
            + "default: the bundled sample corpus"),
        OptionSpec.value("dataset", "NAME", null, "dataset name (lower-case identifier); default 'sample' with the bundled corpus"),
        OptionSpec.flag("force", "re-ingest even when the input is unchanged since the last ingest"));
  }

  @Override
  public String details() {
    return "Every input is either ingested or rejected with its reason (table audio_rejects); the summary prints\n"
        + "found = ingested + rejected. Re-running on an unchanged input is a no-op.";
  }

  @Override
  public int run(CliContext context, ParsedArgs args) {
    ingest(context, args.get("input"), args.get("dataset"), args.flag("force")).print(context.out());
    return 0;
  }

  static IngestSummary ingest(CliContext context, String input, String dataset, boolean force) {
    if (input == null) {
      input = SampleCorpus.materialize(context.storeLocation().resolve("corpora/" + SampleCorpus.DATASET),
          context.spark().sparkContext().hadoopConfiguration());
      dataset = dataset == null ? SampleCorpus.DATASET : dataset;
    } else if (dataset == null) {
      throw new UsageException("ingest: missing required option --dataset (needed with --input)");
    }
    return new IngestJob(context.store()).run(input, dataset, force);
  }
}
