package ai.hubert.cli;

import ai.djl.ndarray.NDManager;
import ai.hubert.model.HubertModel;
import ai.hubert.model.checkpoint.Checkpoints;
import ai.hubert.model.checkpoint.HubertCheckpoint;
import ai.hubert.model.checkpoint.HuggingFaceCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code hubert export-checkpoint}: any checkpoint this project reads, written as Hugging Face or our own folder. */
final class ExportCheckpointCommand implements Command {
  @Override
  public String name() {
    return "export-checkpoint";
  }

  @Override
  public String summary() {
    return "convert a checkpoint (fairseq .pt, Hugging Face or this project's folder) to a Hugging Face HubertModel folder or ours";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("checkpoint", "PATH", null, "checkpoint to convert: fairseq .pt file, Hugging Face folder or this project's folder"),
        OptionSpec.value("format", "hf|hubert", "hf", "output format: hf (config.json + model.safetensors with HF keys, "
            + "loadable by transformers' HubertModel.from_pretrained; no pre-training head) or hubert (ours, keeps the head)"),
        OptionSpec.value("output", "DIR", null, "output folder (created)"));
  }

  @Override
  public int run(CliContext context, ParsedArgs args) {
    Path checkpoint = Path.of(args.require(name(), "checkpoint"));
    Path output = Path.of(args.require(name(), "output"));
    String format = args.get("format").toLowerCase(Locale.ROOT);
    if (!format.equals("hf") && !format.equals("hubert")) {
      throw new UsageException("export-checkpoint: expected --format hf or hubert, found '" + args.get("format") + "'");
    }
    try (NDManager root = NDManager.newBaseManager(); HubertModel model = Checkpoints.load(root, checkpoint)) {
      if (format.equals("hf")) {
        HuggingFaceCheckpoint.save(model, output);
      } else {
        HubertCheckpoint.save(model, "{\"converted_from\": \"" + checkpoint.toAbsolutePath().toString().replace("\\", "\\\\")
            .replace("\"", "\\\"") + "\"}", output);
      }
      context.out().printf(Locale.ROOT, "wrote %s checkpoint %s (%d layers, %d parameters)%n", format, output,
          model.config().numLayers(), HubertModel.parameterCount(model.config()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return 0;
  }
}
