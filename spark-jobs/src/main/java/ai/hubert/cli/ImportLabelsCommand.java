package ai.hubert.cli;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.labels.fairseq.KmImport;
import java.util.List;

/** {@code hubert import-labels}: a fairseq .km file as a label set. */
final class ImportLabelsCommand implements Command {
  @Override
  public String name() {
    return "import-labels";
  }

  @Override
  public String summary() {
    return "import a fairseq .km file (one line per utterance in input order) as a tagged label set";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("dataset", "NAME", SampleCorpus.DATASET, "dataset the file labels"),
        OptionSpec.value("km", "FILE", null, ".km file (path or Hadoop URI)"),
        OptionSpec.value("label-rate", "HZ", null, "label rate: 100 (MFCC frames) or 50 (model frames)"),
        OptionSpec.value("label-set", "TAG", null, "tag to publish as"),
        OptionSpec.value("k", "K", null, "number of classes; default: lines of dict.km.txt beside the file, else largest label + 1"));
  }

  @Override
  public String details() {
    return "The file must have one line per utterance of the dataset and each line as many labels as the utterance\n"
        + "has frames at the label rate, within one frame; otherwise nothing is published and the error names the\n"
        + "utterance and both numbers.";
  }

  @Override
  public int run(CliContext context, ParsedArgs args) {
    String rate = args.require(name(), "label-rate");
    String k = args.get("k");
    new KmImport(context.store()).run(args.get("dataset"), args.require(name(), "km"), parseInt("label-rate", rate),
        args.require(name(), "label-set"), k == null ? null : parseInt("k", k)).print(context.out());
    return 0;
  }

  static int parseInt(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new UsageException("option --" + option + " expects an integer, found '" + value + "'");
    }
  }
}
