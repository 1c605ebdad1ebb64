package ai.hubert.cli;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.labels.fairseq.KmExport;
import java.util.List;

/** {@code hubert export-labels}: a label set as fairseq .km, dict.km.txt and .tsv. */
final class ExportLabelsCommand implements Command {
  @Override
  public String name() {
    return "export-labels";
  }

  @Override
  public String summary() {
    return "export a label set as fairseq P.km (input order), dict.km.txt beside it, and the manifest P.tsv";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("dataset", "NAME", SampleCorpus.DATASET, "dataset"),
        OptionSpec.value("label-set", "TAG", null, "published label set"),
        OptionSpec.value("output-prefix", "P", null, "output prefix (path or Hadoop URI), e.g. labels/train"));
  }

  @Override
  public int run(CliContext context, ParsedArgs args) {
    new KmExport(context.store()).run(args.get("dataset"), args.require(name(), "label-set"), args.require(name(), "output-prefix"))
        .print(context.out());
    return 0;
  }
}
