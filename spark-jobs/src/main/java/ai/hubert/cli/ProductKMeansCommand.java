package ai.hubert.cli;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.labels.kmeans.KMeansFitter;
import ai.hubert.labels.product.ProductKMeansJob;
import ai.hubert.labels.product.SubSpaces;
import java.util.List;

/** {@code hubert product-kmeans}: one k-means per feature sub-space, labelled in one pass, published as an ensemble. */
final class ProductKMeansCommand implements Command {
  @Override
  public String name() {
    return "product-kmeans";
  }

  @Override
  public String summary() {
    return "product k-means: fit one k-means per feature sub-space, label in one pass, publish the label sets as one ensemble";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("dataset", "NAME", SampleCorpus.DATASET, "dataset"),
        OptionSpec.value("features", "NAME", "mfcc", "feature set to split and cluster"),
        OptionSpec.value("subspaces", "SPEC", null, "contiguous sub-spaces from:to,... e.g. 0:13,13:26,26:39 (MFCC static/delta/delta-delta)"),
        OptionSpec.value("groups", "G", null, "instead of --subspaces: G equal sub-spaces of the feature dimension"),
        OptionSpec.value("k", "K", "100", "clusters per sub-space (2..2000)"),
        OptionSpec.value("sample-fraction", "F", "0.1", "fraction of utterances to fit on (the same ones for every sub-space)"),
        OptionSpec.value("seed", "S", "0", "seed of the utterance sample and the initialisations"),
        OptionSpec.value("max-iter", "N", "100", "maximum Lloyd iterations"),
        OptionSpec.value("name", "NAME", null, "ensemble name, e.g. mfcc-pq3x100; members are NAME-g0, NAME-g1, ..."));
  }

  @Override
  public String details() {
    return "Stores the k-means models NAME.g<i> and publishes label sets NAME-g<i> (write-audit-publish each) whose\n"
        + "lineage names the ensemble; 'train' accepts NAME wherever it accepts a label-set tag.";
  }

  @Override
  public int run(CliContext context, ParsedArgs args) {
    String spec = args.get("subspaces");
    String groups = args.get("groups");
    if ((spec == null) == (groups == null)) {
      throw new UsageException("product-kmeans expects exactly one of --subspaces and --groups");
    }
    KMeansFitter fitter = new KMeansFitter()
        .setK(ImportLabelsCommand.parseInt("k", args.get("k")))
        .setSampleFraction(KMeansCommand.parseDouble("sample-fraction", args.get("sample-fraction")))
        .setSeed(Long.parseLong(args.get("seed")))
        .setMaxIter(ImportLabelsCommand.parseInt("max-iter", args.get("max-iter")));
    String dataset = args.get("dataset");
    String features = args.get("features");
    SubSpaces subSpaces;
    int groupCount = groups == null ? 0 : ImportLabelsCommand.parseInt("groups", groups);
    int dim = groups == null ? 0
        : context.store().read(context.store().features(dataset, features)).select("dim").first().getInt(0);
    try {
      subSpaces = spec != null ? SubSpaces.parse(spec) : SubSpaces.equal(dim, groupCount);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    new ProductKMeansJob(context.store()).run(dataset, features, args.require(name(), "name"), subSpaces, fitter)
        .print(context.out());
    return 0;
  }
}
