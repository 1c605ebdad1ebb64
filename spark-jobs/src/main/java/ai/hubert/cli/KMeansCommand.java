package ai.hubert.cli;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.labels.KMeansJob;
import ai.hubert.labels.kmeans.KMeansFitter;
import java.util.List;

/** {@code hubert kmeans}: fit and store a named k-means model. */
final class KMeansCommand implements Command {
  @Override
  public String name() {
    return "kmeans";
  }

  @Override
  public String summary() {
    return "fit k-means (Spark MLlib, k-means||) on a sampled fraction of a feature set's utterances; store it as a named model";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("dataset", "NAME", SampleCorpus.DATASET, "dataset"),
        OptionSpec.value("features", "NAME", "mfcc", "feature set to cluster"),
        OptionSpec.value("k", "K", "100", "number of clusters (2..2000)"),
        OptionSpec.value("sample-fraction", "F", "0.1", "fraction of utterances to fit on (fairseq's --percent)"),
        OptionSpec.value("seed", "S", "0", "seed of the utterance sample and the initialisation"),
        OptionSpec.value("max-iter", "N", "100", "maximum Lloyd iterations"),
        OptionSpec.value("model", "NAME", null, "name to store the model under, e.g. mfcc-k100"),
        OptionSpec.flag("force", "replace an existing model of that name"));
  }

  @Override
  public int run(CliContext context, ParsedArgs args) {
    KMeansFitter fitter = new KMeansFitter()
        .setK(ImportLabelsCommand.parseInt("k", args.get("k")))
        .setSampleFraction(parseDouble("sample-fraction", args.get("sample-fraction")))
        .setSeed(Long.parseLong(args.get("seed")))
        .setMaxIter(ImportLabelsCommand.parseInt("max-iter", args.get("max-iter")));
    new KMeansJob(context.store()).run(args.get("dataset"), args.get("features"), args.require(name(), "model"), fitter,
        args.flag("force")).print(context.out());
    return 0;
  }

  static double parseDouble(String option, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new UsageException("option --" + option + " expects a number, found '" + value + "'");
    }
  }
}
