package ai.hubert.cli;

import ai.hubert.ablation.AblationConfig;
import ai.hubert.ablation.AblationJob;
import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.features.MfccJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** {@code hubert ablation}: the paper's teacher / loss-weight ablation at a fixed small budget, as a comparison table. */
final class AblationCommand implements Command {
  @Override
  public String name() {
    return "ablation";
  }

  @Override
  public String summary() {
    return "train one model per ablation run (label sets, ensembles, product k-means, alpha) and compare accuracy, loss and PNMI";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("config", "FILE", null, "ablation plan, e.g. conf/ablation/sample.yaml"),
        OptionSpec.value("run-dir", "DIR", null, "local folder for checkpoints and the tables; default "
            + "<store>/runs/ablation-<config name>-<UTC time> (the store must be local then)"));
  }

  @Override
  public String details() {
    return "Prepares what is missing (the sample corpus's ingest and MFCC, the teacher label sets), then trains every run\n"
        + "and writes <run-dir>/ablation.md and <run-dir>/ablation.json. Measures what the short run measures; it does not\n"
        + "reproduce the paper's WER tables.";
  }

  @Override
  public int run(CliContext context, ParsedArgs args) {
    Path file = Path.of(args.require(name(), "config"));
    AblationConfig cfg;
    try {
      cfg = AblationConfig.parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read ablation config " + file + ": " + e.getMessage(), e);
    }
    String stem = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    if (args.get("run-dir") == null && !context.storeLocation().uri().startsWith("file:")) {
      throw new UsageException("ablation writes its run folder locally: give --run-dir DIR for store " + context.storeLocation());
    }
    Path runDir = args.get("run-dir") != null ? Path.of(args.get("run-dir"))
        : Path.of(java.net.URI.create(context.storeLocation().uri().replaceFirst("/*$", "/") + "runs/ablation-" + stem + "-"
            + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT))));
    if (!context.store().exists(context.store().audio(cfg.dataset()))) {
      if (!SampleCorpus.DATASET.equals(cfg.dataset())) {
        throw new IllegalArgumentException("Cannot run ablation " + file + ": dataset " + cfg.dataset() + " is not ingested "
            + "(run 'hubert ingest --dataset " + cfg.dataset() + " --input ...' first)");
      }
      IngestCommand.ingest(context, null, cfg.dataset(), false).print(context.out());
    }
    new MfccJob(context.store()).run(cfg.dataset(), false).print(context.out());
    String alignments = cfg.alignments() != null ? cfg.alignments()
        : SampleCorpus.materialize(context.storeLocation().resolve("corpora/" + cfg.dataset()),
            context.spark().sparkContext().hadoopConfiguration()) + "/" + SampleCorpus.ALIGNMENTS;
    AblationJob.Summary s = new AblationJob(context.store(), context.out()).run(cfg, Path.of(cfg.trainConfig()), runDir,
        alignments);
    context.out().println();
    try {
      context.out().print(Files.readString(s.markdown(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    context.out().printf(Locale.ROOT, "tables: %s and %s (wall time %.0f s)%n", s.markdown(), s.json(), s.wallSeconds());
    return 0;
  }
}
