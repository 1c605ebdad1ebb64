package ai.hubert.cli;

import ai.hubert.training.TrainingJob;
import java.nio.file.Path;
import java.util.List;

/** {@code hubert train}: data-parallel pretraining in a Spark barrier stage. */
final class TrainCommand implements Command {
  @Override
  public String name() {
    return "train";
  }

  @Override
  public String summary() {
    return "pretrain HuBERT data-parallel (one Spark barrier task per rank, gradients all-reduced over a TCP ring)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("config", "FILE", null, "pretraining config, e.g. conf/pretrain/tiny_cpu.yaml"),
        OptionSpec.value("dataset", "NAME", null, "dataset; default: the config's hubert.dataset"),
        OptionSpec.value("label-set", "TAG", null, "label set; default: the config's hubert.label_set"),
        OptionSpec.value("run-dir", "URI", null, "checkpoint folder on any Hadoop file system every executor reaches "
            + "(hdfs://, s3a://, a shared local path); default <store>/runs/<config name>"),
        OptionSpec.value("set", "KEY=VALUE", null, "override a config field, e.g. --set optimization.max_update=50 (repeatable)"));
  }

  @Override
  public String details() {
    return "Checkpoints (model, Adam state, counters, data position, seeds, config, label set, code version) are published\n"
        + "atomically every checkpoint.save_interval_updates; if a task or executor dies, Spark retries the barrier stage and\n"
        + "every rank resumes from the newest checkpoint. A run folder that holds a checkpoint is resumed. Progress goes to\n"
        + "the console and to <run-dir>/progress.jsonl.";
  }

  @Override
  public int run(CliContext context, ParsedArgs args) {
    Path config = Path.of(args.require(name(), "config"));
    String runDir = args.get("run-dir");
    if (runDir == null) {
      String store = context.storeLocation().uri();
      String stem = config.getFileName().toString().replaceFirst("\\.ya?ml$", "");
      runDir = store.replaceFirst("/+$", "") + "/runs/" + stem;
    }
    new TrainingJob(context.store()).run(config, args.all("set"), args.get("dataset"), args.get("label-set"), runDir, -1,
        TrainingJob.Fault.TASK_EXCEPTION).print(context.out());
    return 0;
  }
}
