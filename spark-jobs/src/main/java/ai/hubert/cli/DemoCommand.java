package ai.hubert.cli;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.audio.ingest.IngestSummary;
import ai.hubert.demo.DemoPlan;
import ai.hubert.demo.DemoReport;
import ai.hubert.demo.TwoIterationDemo;
import ai.hubert.features.MfccJob;
import ai.hubert.labels.EvaluateLabelsJob;
import ai.hubert.labels.KMeansJob;
import ai.hubert.labels.KMeansModelRecord;
import ai.hubert.labels.LabelJob;
import ai.hubert.labels.kmeans.KMeansFitter;
import ai.hubert.labels.quality.QualityReport;
import ai.hubert.store.FeatureStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;

/** {@code hubert demo}: the pipeline on the bundled sample corpus. */
final class DemoCommand implements Command {
  static final String MODEL = "mfcc-k100";
  static final String LABEL_SET = "mfcc-k100";

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "the HuBERT loop on the bundled corpus: MFCC labels -> train iteration 1 -> relabel -> train iteration 2 -> report.html";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("k", "K", "100", "k-means clusters"),
        OptionSpec.value("config", "FILE", null, "demo plan, e.g. conf/demo/study.yaml (default: the built-in 15-minute plan)"),
        OptionSpec.flag("labels-only", "stop after the MFCC label set and its PNMI (about 1.5 minutes)"),
        OptionSpec.flag("force", "recompute ingest, MFCC and k-means even when current (a published label set is never replaced; "
            + "finished trainings and sweeps are reused: use a new --store to redo them)"));
  }

  @Override
  public String details() {
    return "Steps already done in the store are reused, so a second run is quick. The k-means model is fitted on all\n"
        + "utterances (the corpus is 6 minutes; fairseq's 10 % sample is for large corpora). After the MFCC label set the demo\n"
        + "trains iteration 1 (tiny_cpu), measures per-layer PNMI of the model at random initialisation and trained, relabels\n"
        + "from the best layer (conf/relabel/demo_tiny.yaml), trains iteration 2 briefly and writes <store>/demo/report.html.";
  }

  @Override
  public int run(CliContext context, ParsedArgs args) {
    long start = System.nanoTime();
    boolean force = args.flag("force");
    int k = ImportLabelsCommand.parseInt("k", args.get("k"));
    String model = k == 100 ? MODEL : "mfcc-k" + k;
    String tag = k == 100 ? LABEL_SET : "mfcc-k" + k;
    String dataset = SampleCorpus.DATASET;
    boolean full = !args.flag("labels-only");
    String of = full ? "/11" : "/5";
    java.util.Map<String, Double> steps = new java.util.LinkedHashMap<>();
    context.out().println("== 1" + of + " ingest the bundled sample corpus");
    IngestSummary ingest = IngestCommand.ingest(context, null, dataset, force);
    ingest.print(context.out());
    FeatureStore store = context.store();

    steps.put("ingest", (System.nanoTime() - start) / 1e9);
    long mark = System.nanoTime();
    context.out().println("== 2" + of + " MFCC features (Kaldi-compatible, 39-d, 100 Hz)");
    MfccJob.Summary mfcc = new MfccJob(store).run(dataset, force);
    mfcc.print(context.out());

    steps.put("MFCC", (System.nanoTime() - mark) / 1e9);
    mark = System.nanoTime();
    context.out().printf(Locale.ROOT, "== 3" + of + " k-means k=%d on MFCC (Spark MLlib, k-means||)%n", k);
    if (!force && KMeansModelRecord.names(store, dataset).contains(model)) {
      KMeansModelRecord existing = KMeansModelRecord.load(store, dataset, model);
      context.out().printf(Locale.ROOT, "k-means model %s exists (inertia per frame %.4f); reused%n", model, existing.inertiaPerFrame());
    } else {
      new KMeansJob(store).run(dataset, MfccJob.FEATURE_SET, model, new KMeansFitter().setK(k).setSampleFraction(1.0).setSeed(0), true)
          .print(context.out());
    }

    steps.put("MFCC k-means", (System.nanoTime() - mark) / 1e9);
    mark = System.nanoTime();
    context.out().printf(Locale.ROOT, "== 4" + of + " label every frame and publish label set %s%n", tag);
    if (store.labelSetTags(dataset).contains(tag)) {
      context.out().printf(Locale.ROOT, "label set %s is already published (immutable); reused%n", tag);
    } else {
      new LabelJob(store).run(dataset, model, tag).print(context.out());
    }

    steps.put("MFCC labels", (System.nanoTime() - mark) / 1e9);
    mark = System.nanoTime();
    context.out().println("== 5" + of + " label quality against the festival phone alignments (fairseq measure_teacher_quality)");
    String alignments = SampleCorpus.materialize(context.storeLocation().resolve("corpora/" + dataset),
        context.spark().sparkContext().hadoopConfiguration()) + "/" + SampleCorpus.ALIGNMENTS;
    QualityReport quality = new EvaluateLabelsJob(store).run(dataset, tag, alignments);
    context.out().println(quality.toJson());

    steps.put("MFCC label quality", (System.nanoTime() - mark) / 1e9);
    TwoIterationDemo.Outcome loop = null;
    if (full) {
      String storeUri = context.storeLocation().uri();
      if (!storeUri.startsWith("file:")) {
        throw new UsageException("demo: the two-iteration demo keeps its training runs beside a local store; found store " + storeUri
            + " (use --labels-only, or a local --store)");
      }
      String config = args.get("config");
      DemoPlan plan = config == null ? DemoPlan.quick() : DemoPlan.load(Path.of(config));
      String homeProperty = System.getProperty("hubert.home");
      Path home = homeProperty != null ? Path.of(homeProperty) : Path.of("").toAbsolutePath();
      loop = new TwoIterationDemo(store, Path.of(java.net.URI.create(storeUri)), context.out())
          .run(plan, home, new TwoIterationDemo.Start(dataset, tag, k, quality, alignments, steps));
    }

    Row stats = context.spark().sql("SELECT min(num_frames), max(num_frames) FROM "
        + store.features(dataset, MfccJob.FEATURE_SET).qualified()).first();
    context.out().println();
    context.out().println("summary");
    context.out().printf(Locale.ROOT, "  utterances %d (rejects %d), %.2f min of audio, %d MFCC frames (%d..%d per utterance)%n",
        ingest.ingested(), ingest.rejected(), ingest.hours() * 60, mfcc.frames(), stats.getInt(0), stats.getInt(1));
    context.out().printf(Locale.ROOT, "  %-14s %-8s %-13s %-15s %s%n", "label set", "PNMI", "phone purity", "cluster purity", "frames");
    if (loop == null) {
      context.out().printf(Locale.ROOT, "  %-14s %-8.4f %-13.4f %-15.4f %d (%d aligned utterances)%n", tag, quality.pnmi(),
          quality.phonePurity(), quality.clusterPurity(), quality.frames(), quality.utterancesUsed());
    } else {
      for (DemoReport.LabelSetScore row : loop.report().labelSets()) {
        context.out().printf(Locale.ROOT, "  %-14s %-8.4f %-13.4f %-15.4f %s, k=%d, %.0f Hz%n", row.name(), row.pnmi(), row.phonePurity(),
            row.clusterPurity(), row.source(), row.k(), row.rateHz());
      }
      loop.report().findings().forEach(f -> context.out().println("  * " + f));
    }
    context.out().printf(Locale.ROOT, "  store %s: tables hubert.%s.{audio, audio_rejects, features_mfcc, kmeans_models, labels, "
        + "label_quality}%n", context.storeLocation(), dataset);
    context.out().printf(Locale.ROOT, "  total wall time %.1f s%n", (System.nanoTime() - start) / 1e9);
    if (loop != null) {
      context.out().println("  report: " + loop.reportFile().toAbsolutePath() + "   (self-contained HTML: open it in a browser)");
    }
    context.out().println("next: hubert export-labels --label-set " + tag + " --output-prefix out/train   (fairseq .km + dict.km.txt)");
    return 0;
  }
}
