package ai.hubert.cli;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.features.export.FairseqExport;
import java.util.List;

/** {@code hubert export-features}: a feature set as fairseq .npy/.len/.tsv files. */
final class ExportFeaturesCommand implements Command {
  @Override
  public String name() {
    return "export-features";
  }

  @Override
  public String summary() {
    return "export a feature set as fairseq simple_kmeans files P.npy, P.len, P.tsv";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("dataset", "NAME", SampleCorpus.DATASET, "dataset"),
        OptionSpec.value("features", "NAME", "mfcc", "feature set"),
        OptionSpec.value("format", "FORMAT", "fairseq", "output format (fairseq)"),
        OptionSpec.value("output-prefix", "P", null, "output prefix (path or Hadoop URI), e.g. feats/train_0_1"));
  }

  @Override
  public String details() {
    return "P.npy holds float32 frames of all utterances concatenated in input order, P.len one frame count per\n"
        + "line, P.tsv the manifest (root line, then relpath<TAB>num_samples). Name P <dir>/<split>_0_1 and fairseq's\n"
        + "learn_kmeans.py <dir> <split> 1 ... reads it unchanged.";
  }

  @Override
  public int run(CliContext context, ParsedArgs args) {
    String format = args.get("format");
    if (!"fairseq".equals(format)) {
      throw new UsageException("export-features: unsupported --format '" + format + "'; supported: fairseq");
    }
    new FairseqExport(context.store()).run(args.get("dataset"), args.get("features"), args.require(name(), "output-prefix"))
        .print(context.out());
    return 0;
  }
}
