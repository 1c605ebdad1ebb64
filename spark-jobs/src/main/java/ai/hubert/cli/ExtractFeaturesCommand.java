package ai.hubert.cli;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.features.model.HubertFeatureJob;
import java.util.List;

/** {@code hubert extract-features}: layer features of a HuBERT checkpoint as a feature set. */
final class ExtractFeaturesCommand implements Command {
  @Override
  public String name() {
    return "extract-features";
  }

  @Override
  public String summary() {
    return "write layer-L features of a HuBERT checkpoint (fairseq .pt or this project's folder) as a 50 Hz feature set";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("dataset", "NAME", SampleCorpus.DATASET, "dataset"),
        OptionSpec.value("checkpoint", "PATH", null, "fairseq .pt file or a checkpoint folder (config.json + model.safetensors); any Hadoop URI"),
        OptionSpec.value("layer", "N", null, "1-based transformer layer (fairseq's output_layer), e.g. 6 for Base iteration 1"),
        OptionSpec.value("features", "NAME", null, "feature-set name to write, e.g. it1_l6"));
  }

  @Override
  public String details() {
    return "fairseq semantics: early exit after the layer, no final LayerNorm for pre-LN models, whole-utterance\n"
        + "waveform normalisation when the checkpoint's task says normalize, 100-s chunks extracted independently\n"
        + "(one frame fewer per chunk boundary than whole-utterance framing). Export with export-features.";
  }

  @Override
  public int run(CliContext context, ParsedArgs args) {
    new HubertFeatureJob(context.store()).run(args.get("dataset"), args.require(name(), "checkpoint"),
        ImportLabelsCommand.parseInt("layer", args.require(name(), "layer")), args.require(name(), "features")).print(context.out());
    return 0;
  }
}
