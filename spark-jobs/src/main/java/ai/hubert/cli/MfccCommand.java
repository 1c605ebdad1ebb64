package ai.hubert.cli;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.features.MfccJob;
import java.util.List;

/** {@code hubert mfcc}: the 39-d MFCC feature set of a dataset. */
final class MfccCommand implements Command {
  @Override
  public String name() {
    return "mfcc";
  }

  @Override
  public String summary() {
    return "compute Kaldi-compatible 39-d MFCC+delta+delta-delta (100 Hz) as feature set 'mfcc' of a dataset";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("dataset", "NAME", SampleCorpus.DATASET, "dataset to featurize"),
        OptionSpec.flag("force", "recompute even when the features are current"));
  }

  @Override
  public int run(CliContext context, ParsedArgs args) {
    new MfccJob(context.store()).run(args.get("dataset"), args.flag("force")).print(context.out());
    return 0;
  }
}
