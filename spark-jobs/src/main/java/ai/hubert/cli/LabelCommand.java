package ai.hubert.cli;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.labels.LabelJob;
import java.util.List;

/** {@code hubert label}: label every utterance with a stored k-means model and publish the label set. */
final class LabelCommand implements Command {
  @Override
  public String name() {
    return "label";
  }

  @Override
  public String summary() {
    return "label every frame of a dataset with a k-means model (audio -> features -> nearest centroid) and publish a tagged label set";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("dataset", "NAME", SampleCorpus.DATASET, "dataset"),
        OptionSpec.value("kmeans", "NAME", null, "stored k-means model"),
        OptionSpec.value("label-set", "TAG", null, "tag to publish the label set as (immutable), e.g. mfcc-k100"));
  }

  @Override
  public String details() {
    return "Write-audit-publish: the labels are staged, checked (every utterance once, frame counts from the audio,\n"
        + "labels below k) and only then tagged; a failure publishes nothing. Read a label set with\n"
        + "  hubert store sql \"SELECT * FROM hubert.<dataset>.labels VERSION AS OF '<tag>' WHERE label_set = '<tag>'\"";
  }

  @Override
  public int run(CliContext context, ParsedArgs args) {
    new LabelJob(context.store()).run(args.get("dataset"), args.require(name(), "kmeans"), args.require(name(), "label-set"))
        .print(context.out());
    return 0;
  }
}
