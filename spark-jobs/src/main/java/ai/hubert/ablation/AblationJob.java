package ai.hubert.ablation;

import ai.hubert.features.MfccJob;
import ai.hubert.features.model.HubertFeatureJob;
import ai.hubert.labels.EvaluateLabelsJob;
import ai.hubert.labels.KMeansJob;
import ai.hubert.labels.LabelEnsembles;
import ai.hubert.labels.LabelJob;
import ai.hubert.labels.kmeans.KMeansFitter;
import ai.hubert.labels.product.ProductKMeansJob;
import ai.hubert.labels.quality.QualityReport;
import ai.hubert.model.checkpoint.HubertCheckpoint;
import ai.hubert.store.FeatureStore;
import ai.hubert.training.TrainingJob;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs an {@link AblationConfig}: prepares the missing teacher label sets on MFCC (k-means, or product k-means) and
 * measures their PNMI, then for each run trains from the same seed for the same budget with its label sets and
 * alpha, extracts layer {@code eval_layer} features of the trained model, clusters them (k-means {@code eval_k}),
 * labels the dataset and measures PNMI against the phone alignments, and writes the comparison as
 * {@code ablation.md} and {@code ablation.json} into the run folder.
 */
public final class AblationJob {
  /** Markdown table file in the run folder. */
  public static final String MARKDOWN = "ablation.md";
  /** JSON file in the run folder. */
  public static final String JSON = "ablation.json";

  private final FeatureStore store;
  private final PrintStream out;

  public AblationJob(FeatureStore store, PrintStream out) {
    this.store = store;
    this.out = out;
  }

  /** The outcome: per-teacher PNMI, per-run results, where the tables are. */
  public record Summary(Map<String, Double> teacherPnmi, List<AblationResult> results, Path markdown, Path json,
      double wallSeconds) {}

  /**
   * Runs the plan.
   *
   * @param cfg the plan
   * @param trainConfig the pretraining config file ({@code cfg.trainConfig()} resolved)
   * @param runDir a local folder for checkpoints, models and the tables
   * @param alignments phone alignments location
   */
  public Summary run(AblationConfig cfg, Path trainConfig, Path runDir, String alignments) {
    long start = System.nanoTime();
    String ds = cfg.dataset();
    store.requireExists(store.features(ds, MfccJob.FEATURE_SET));
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("MMddHHmmss", Locale.ROOT));
    Map<String, Double> teacherPnmi = new LinkedHashMap<>();
    for (AblationConfig.Teacher t : cfg.labelSets().values()) {
      prepare(cfg, t);
      List<String> members = t.product() ? LabelEnsembles.members(store, ds, t.tag()) : List.of(t.tag());
      for (String m : members) {
        teacherPnmi.put(m, new EvaluateLabelsJob(store).run(ds, m, alignments).pnmi());
        out.printf(Locale.ROOT, "teacher %s: PNMI %.4f%n", m, teacherPnmi.get(m));
      }
    }
    List<AblationResult> results = new ArrayList<>();
    for (AblationConfig.Run r : cfg.runs()) {
      out.printf(Locale.ROOT, "== run %s: label sets %s, alpha %.2f, %d updates%n", r.name(), r.labelSets(), r.alpha(),
          cfg.maxUpdate());
      results.add(runOne(cfg, r, trainConfig, runDir, alignments, stamp));
    }
    double wall = (System.nanoTime() - start) / 1e9;
    try {
      Files.createDirectories(runDir);
      Path md = runDir.resolve(MARKDOWN);
      Path js = runDir.resolve(JSON);
      Files.writeString(md, markdown(cfg, teacherPnmi, results, wall), StandardCharsets.UTF_8);
      Files.writeString(js, json(cfg, teacherPnmi, results, wall), StandardCharsets.UTF_8);
      return new Summary(teacherPnmi, results, md, js, wall);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the ablation tables into " + runDir + ": " + e.getMessage(), e);
    }
  }

  private void prepare(AblationConfig cfg, AblationConfig.Teacher t) {
    String ds = cfg.dataset();
    KMeansFitter fitter = new KMeansFitter().setK(t.k()).setSampleFraction(1.0).setSeed(cfg.kmeansSeed())
        .setMaxIter(cfg.kmeansMaxIter());
    if (t.product()) {
      if (LabelEnsembles.members(store, ds, t.tag()).isEmpty()) {
        new ProductKMeansJob(store).run(ds, MfccJob.FEATURE_SET, t.tag(), t.subSpaces(), fitter).print(out);
      } else {
        out.printf(Locale.ROOT, "ensemble %s is published: %s; reused%n", t.tag(), LabelEnsembles.members(store, ds, t.tag()));
      }
    } else if (store.labelSetTags(ds).contains(t.tag())) {
      out.printf(Locale.ROOT, "label set %s is published; reused%n", t.tag());
    } else {
      new KMeansJob(store).run(ds, MfccJob.FEATURE_SET, t.tag(), fitter, true).print(out);
      new LabelJob(store).run(ds, t.tag(), t.tag()).print(out);
    }
  }

  private AblationResult runOne(AblationConfig cfg, AblationConfig.Run r, Path trainConfig, Path runDir, String alignments,
      String stamp) {
    String ds = cfg.dataset();
    List<String> tags = LabelEnsembles.resolve(store, ds, r.labelSets());
    List<String> overrides = new ArrayList<>(List.of(
        "optimization.max_update=" + cfg.maxUpdate(),
        "lr_scheduler.warmup_updates=" + cfg.warmupUpdates(),
        "common.log_interval=" + cfg.logInterval(),
        "checkpoint.save_interval_updates=0",
        String.format(Locale.ROOT, "criterion.pred_masked_weight=%s", r.alpha()),
        String.format(Locale.ROOT, "criterion.pred_nomask_weight=%s", 1 - r.alpha())));
    if (tags.size() == 1) { // the model's classes follow the label set's k (several sets get theirs from the training job)
      overrides.add("hubert.num_clusters=" + store.labelSetLineage(ds, tags.get(0)).get("k"));
    }
    long t0 = System.nanoTime();
    Path folder = runDir.resolve(r.name());
    TrainingJob.Summary trained = new TrainingJob(store).run(trainConfig, overrides, ds, String.join(",", r.labelSets()),
        folder.toAbsolutePath().toUri().toString(), -1, TrainingJob.Fault.TASK_EXCEPTION);
    trained.print(out);
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    if (trained.progress().isEmpty()) {
      throw new IllegalStateException("Run " + r.name() + " logged no progress (does " + folder + " hold a finished run?)");
    }
    String[] last = trained.progress().get(trained.progress().size() - 1).split("\t");
    int sets = Math.max(1, (last.length - 12) / 2);
    double[] setAcc = new double[sets];
    for (int i = 0; i < sets; i++) {
      setAcc[i] = Double.parseDouble(last.length > 12 ? last[13 + 2 * i] : last[3]);
    }

    long t1 = System.nanoTime();
    Path model = runDir.resolve("models").resolve(r.name() + "-" + stamp); // a unique name: executors cache models by name
    copyModel(Path.of(URI.create(trained.lastCheckpoint())), model);
    String id = "abl_" + stamp + "_" + r.name().replaceAll("[^a-z0-9]", "_");
    String featureSet = (id.length() > 40 ? id.substring(0, 40) : id) + "_l" + cfg.evalLayer();
    new HubertFeatureJob(store).run(ds, model.toString(), cfg.evalLayer(), featureSet).print(out);
    String tag = ("abl-" + stamp + "-" + r.name() + "-l" + cfg.evalLayer() + "-k" + cfg.evalK()).toLowerCase(Locale.ROOT);
    new KMeansJob(store).run(ds, featureSet, tag, new KMeansFitter().setK(cfg.evalK()).setSampleFraction(1.0)
        .setSeed(cfg.kmeansSeed()).setMaxIter(cfg.kmeansMaxIter()), false).print(out);
    new LabelJob(store).run(ds, tag, tag).print(out);
    QualityReport q = new EvaluateLabelsJob(store).run(ds, tag, alignments);
    out.printf(Locale.ROOT, "run %s: layer %d k=%d PNMI %.4f%n", r.name(), cfg.evalLayer(), cfg.evalK(), q.pnmi());
    return new AblationResult(r.name(), tags, r.alpha(), trained.lastUpdate(),
        Double.parseDouble(last[2]), Double.parseDouble(last[3]), Double.parseDouble(last[4]), setAcc, q.pnmi(),
        q.phonePurity(), q.clusterPurity(), tag, model.toString(), trainSeconds, (System.nanoTime() - t1) / 1e9);
  }

  private static void copyModel(Path checkpoint, Path target) {
    try {
      Files.createDirectories(target);
      for (String f : new String[] {HubertCheckpoint.WEIGHTS, HubertCheckpoint.CONFIG, HubertCheckpoint.LINEAGE}) {
        if (Files.exists(checkpoint.resolve(f))) {
          Files.copy(checkpoint.resolve(f), target.resolve(f));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy the model of " + checkpoint + " to " + target + ": " + e.getMessage(), e);
    }
  }

  static String markdown(AblationConfig cfg, Map<String, Double> teacherPnmi, List<AblationResult> results, double wall) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "Ablation `%s` on dataset `%s`: every run trains the model of `%s` from the same seed "
        + "for %d updates; loss and accuracy average the last %d updates (training batches); PNMI is of k-means (k=%d) labels "
        + "of layer-%d features of the trained model against the phone alignments. Total wall time %.0f s.%n%n",
        cfg.source(), cfg.dataset(), cfg.trainConfig(), cfg.maxUpdate(), cfg.logInterval(), cfg.evalK(), cfg.evalLayer(), wall));
    b.append(String.format(Locale.ROOT, "| run | label sets | α | loss_m (bits) | acc_m | acc_m per set | acc_u | PNMI L%d k%d "
        + "| phone purity | cluster purity | train s | eval s |%n", cfg.evalLayer(), cfg.evalK()));
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (AblationResult r : results) {
      StringBuilder per = new StringBuilder();
      for (double a : r.setAccMasked()) {
        per.append(per.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.3f", a));
      }
      b.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.3f | %.3f | %s | %.3f | %.4f | %.4f | %.4f | %.0f | %.0f |%n",
          r.run(), String.join(", ", r.labelSets()), r.alpha(), r.lossMaskedBits(), r.accMasked(), per, r.accUnmasked(),
          r.pnmi(), r.phonePurity(), r.clusterPurity(), r.trainSeconds(), r.evalSeconds()));
    }
    b.append("\nTeacher label sets (MFCC k-means) against the same alignments:\n\n| label set | PNMI |\n|---|---|\n");
    teacherPnmi.forEach((tag, p) -> b.append(String.format(Locale.ROOT, "| %s | %.4f |%n", tag, p)));
    return b.toString();
  }

  static String json(AblationConfig cfg, Map<String, Double> teacherPnmi, List<AblationResult> results, double wall) {
    JsonObject o = new JsonObject();
    o.addProperty("config", cfg.source());
    o.addProperty("dataset", cfg.dataset());
    o.addProperty("train_config", cfg.trainConfig());
    o.addProperty("max_update", cfg.maxUpdate());
    o.addProperty("eval_layer", cfg.evalLayer());
    o.addProperty("eval_k", cfg.evalK());
    o.addProperty("wall_s", wall);
    JsonObject teachers = new JsonObject();
    teacherPnmi.forEach(teachers::addProperty);
    o.add("teacher_pnmi", teachers);
    JsonArray runs = new JsonArray();
    for (AblationResult r : results) {
      JsonObject j = new JsonObject();
      j.addProperty("run", r.run());
      JsonArray sets = new JsonArray();
      r.labelSets().forEach(sets::add);
      j.add("label_sets", sets);
      j.addProperty("alpha", r.alpha());
      j.addProperty("updates", r.updates());
      j.addProperty("loss_m_bits", r.lossMaskedBits());
      j.addProperty("acc_m", r.accMasked());
      JsonArray per = new JsonArray();
      for (double a : r.setAccMasked()) {
        per.add(a);
      }
      j.add("acc_m_per_set", per);
      j.addProperty("acc_u", r.accUnmasked());
      j.addProperty("pnmi", r.pnmi());
      j.addProperty("phone_purity", r.phonePurity());
      j.addProperty("cluster_purity", r.clusterPurity());
      j.addProperty("eval_label_set", r.evalLabelSet());
      j.addProperty("checkpoint", r.checkpoint());
      j.addProperty("train_s", r.trainSeconds());
      j.addProperty("eval_s", r.evalSeconds());
      runs.add(j);
    }
    o.add("runs", runs);
    return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(o) + "\n";
  }
}
