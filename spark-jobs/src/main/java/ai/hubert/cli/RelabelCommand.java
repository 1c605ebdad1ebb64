package ai.hubert.cli;

import ai.hubert.relabel.CheckpointWatch;
import ai.hubert.relabel.RelabelConfig;
import ai.hubert.relabel.RelabelJob;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code hubert relabel}: new k-means labels from a checkpoint's layer features, resumable, or for each new checkpoint of a folder. */
final class RelabelCommand implements Command {
  @Override
  public String name() {
    return "relabel";
  }

  @Override
  public String summary() {
    return "labels from checkpoint layer features: sample -> k-means -> assign all -> audit -> publish -> PNMI (resumable)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("config", "FILE", null, "relabel config, e.g. conf/relabel/hubert_base_iter2.yaml"),
        OptionSpec.value("set", "KEY=VALUE", null, "override a config field, e.g. --set relabel.checkpoint=runs/it1 (repeatable)"),
        OptionSpec.flag("restart", "discard the state of an unfinished run with this config and checkpoint, and start it again"),
        OptionSpec.value("watch", "DIR", null, "relabel every new checkpoint appearing in DIR (label_set must contain {checkpoint})"),
        OptionSpec.flag("once", "with --watch: scan DIR once and exit (for cron / ScheduledSparkApplication)"),
        OptionSpec.value("poll-seconds", "N", "300", "with --watch: seconds between scans"),
        OptionSpec.value("settle-seconds", "N", "60", "with --watch: a .pt file must be unchanged this long before it is read"));
  }

  @Override
  public String details() {
    return "Config fields: relabel.{dataset, checkpoint, layer (number or best), label_set}, kmeans.{k, sample_fraction, seed,\n"
        + "max_iter, tol, init_steps}, evaluate.alignments (TSV, TextGrid folder, sample-corpus or none). The run state is kept in\n"
        + "<store>/relabel/<dataset>/<run>/state.json: a rerun continues after the last completed step; a finished run is a no-op.";
  }

  @Override
  public int run(CliContext context, ParsedArgs args) throws Exception {
    RelabelConfig config = RelabelConfig.load(Path.of(args.require(name(), "config")), args.all("set"));
    RelabelJob job = new RelabelJob(context.store(), context.out());
    String watch = args.get("watch");
    if (watch == null) {
      if (args.flag("once")) {
        throw new UsageException("relabel: --once needs --watch DIR");
      }
      RelabelJob.Result r = job.run(config, args.flag("restart"));
      context.out().printf(Locale.ROOT, "relabel %s: layer %d of %s (sha256 %s), k=%d, %d utterances, %d frames, snapshot %d%s, %.1f s%n",
          r.labelSet(), r.layer(), r.checkpoint(), r.checkpointSha256().substring(0, 12), r.k(), r.utterances(), r.frames(), r.snapshotId(),
          r.quality() == null ? "" : String.format(Locale.ROOT, ", PNMI %.4f", r.quality().pnmi()), r.wallSeconds());
      return 0;
    }
    if (args.flag("restart")) {
      throw new UsageException("relabel: --restart applies to one run, not to --watch");
    }
    long poll = ImportLabelsCommand.parseInt("poll-seconds", args.get("poll-seconds"));
    long settle = ImportLabelsCommand.parseInt("settle-seconds", args.get("settle-seconds"));
    String state = context.storeLocation().resolve("relabel/" + config.dataset() + "/watch-"
        + Integer.toHexString(watch.hashCode()) + "-" + Path.of(config.source()).getFileName().toString().replaceFirst("\\.ya?ml$", "") + ".json");
    CheckpointWatch watcher = new CheckpointWatch(job, context.spark().sparkContext().hadoopConfiguration(), context.out(), settle);
    if (args.flag("once")) {
      CheckpointWatch.Scan scan = watcher.scanOnce(config, watch, state);
      return scan.failed().isEmpty() ? 0 : 1;
    }
    context.out().printf(Locale.ROOT, "watching %s every %d s (Ctrl-C to stop); state %s%n", watch, poll, state);
    watcher.watch(config, watch, state, poll, 0);
    return 0;
  }
}
