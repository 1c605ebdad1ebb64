package ai.hubert.relabel;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.features.model.HubertFeatureJob;
import ai.hubert.features.model.ModelFeatures;
import ai.hubert.labels.EvaluateLabelsJob;
import ai.hubert.labels.FrameFeaturizer;
import ai.hubert.labels.KMeansModelRecord;
import ai.hubert.labels.LabelJob;
import ai.hubert.labels.kmeans.KMeansCentroids;
import ai.hubert.labels.kmeans.KMeansFitter;
import ai.hubert.labels.quality.QualityReport;
import ai.hubert.store.CodeVersion;
import ai.hubert.store.FeatureSchema;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.LabelSetPublish;
import ai.hubert.store.Lineage;
import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The relabel pipeline: features of layer L of checkpoint C on a sampled fraction of the utterances
 * ({@link HubertFeatureJob#extractSample}) → k-means fit → fused extraction + nearest centroid for every
 * utterance at 50 Hz ({@link LabelJob}) → audit → publish the tag with lineage (checkpoint and its SHA-256, layer,
 * k, sample, code version) → PNMI when alignments are configured. With {@code layer: best} a {@link LayerSweep}
 * on the sample chooses the layer first.
 *
 * <p>Resumable: each completed step is recorded in {@code <store>/relabel/<dataset>/<run>/state.json}
 * ({@link RunState}); a rerun of the same config continues after the last completed step, a finished run is a
 * no-op that says so. Publishing is atomic (write-audit-publish); a run killed while publishing leaves at most
 * a private staging branch, which the rerun removes before publishing again, so rows are never duplicated. A
 * published tag is recognised by the run fingerprint in its lineage.
 */
public final class RelabelJob {
  static final String SWEEP = "sweep";
  static final String FIT = "fit";
  static final String LABEL = "label";
  static final String EVALUATE = "evaluate";

  private final FeatureStore store;
  private final PrintStream out;
  private String failAfter;

  public RelabelJob(FeatureStore store, PrintStream out) {
    this.store = store;
    this.out = out;
  }

  /** Fault injection for tests: fail right after {@code step} completes (as if the process died there). */
  RelabelJob failAfter(String step) {
    this.failAfter = step;
    return this;
  }

  /** What a run produced (or found already produced). */
  public record Result(String labelSet, String checkpoint, String checkpointSha256, int layer, int k, long snapshotId, long utterances,
      long frames, QualityReport quality, LayerSweep.Result sweep, boolean alreadyDone, String runFolder, double wallSeconds) {}

  /** Runs (or resumes) {@code config}; {@code restart} discards an unfinished run's state first. */
  public Result run(RelabelConfig config, boolean restart) {
    long start = System.nanoTime();
    String dataset = config.dataset();
    store.requireExists(store.audio(dataset));
    CheckpointRef checkpoint = CheckpointRef.resolve(store.spark(), config.checkpoint());
    long audioSnapshot = store.currentSnapshotId(store.audio(dataset));
    String fingerprint = fingerprint(config, checkpoint, audioSnapshot);
    String runKey = config.layer() == RelabelConfig.BEST_LAYER ? config.labelSetTemplate().replace("{layer}", "best")
        .replace("{checkpoint}", checkpoint.name()).replace("{k}", String.valueOf(config.k())) : config.labelSet(checkpoint.name(), config.layer());
    runKey = runKey.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-") + "-" + checkpoint.sha256().substring(0, 12);
    String folder = store.location().resolve("relabel/" + dataset + "/" + runKey);
    RunState state = RunState.open(folder, store.spark().sparkContext().hadoopConfiguration());
    if (restart && !state.isNew()) {
      out.println("relabel: --restart: discarding the run state in " + folder);
      state.delete();
    }
    if (!state.isNew() && !fingerprint.equals(state.fingerprint())) {
      throw new IllegalStateException("Cannot resume relabel run " + folder + ": it was started with other settings or data (fingerprint "
          + state.fingerprint() + ", now " + fingerprint + "); pass --restart to start it again");
    }
    if (state.finished()) {
      JsonObject label = state.result(LABEL);
      QualityReport quality = null;
      String tag = label.get("label-set").getAsString();
      out.printf(Locale.ROOT, "relabel: label set %s is already complete (run %s, snapshot %d); nothing to do%n", tag, folder,
          label.get("snapshot").getAsLong());
      return new Result(tag, checkpoint.resolved(), checkpoint.sha256(), label.get("layer").getAsInt(), config.k(),
          label.get("snapshot").getAsLong(), label.get("utterances").getAsLong(), label.get("frames").getAsLong(), quality, null, true, folder,
          (System.nanoTime() - start) / 1e9);
    }
    if (state.isNew()) {
      JsonObject run = new JsonObject();
      run.addProperty("config", config.source());
      run.addProperty("dataset", dataset);
      run.addProperty("checkpoint", checkpoint.resolved());
      run.addProperty("checkpoint-sha256", checkpoint.sha256());
      run.addProperty("audio-snapshot-id", audioSnapshot);
      run.addProperty("code-version", CodeVersion.get());
      state.start(fingerprint, run);
      out.printf(Locale.ROOT, "relabel: new run %s%n", folder);
    } else {
      out.printf(Locale.ROOT, "relabel: resuming run %s%n", folder);
    }

    KMeansFitter fitter = new KMeansFitter().setK(config.k()).setSampleFraction(config.sampleFraction()).setSeed(config.seed())
        .setMaxIter(config.maxIter()).setTol(config.tol()).setInitSteps(config.initSteps());

    LayerSweep.Result sweep = null;
    int layer = config.layer();
    if (layer == RelabelConfig.BEST_LAYER) {
      if (state.done(SWEEP)) {
        layer = state.result(SWEEP).get("best-layer").getAsInt();
        out.printf(Locale.ROOT, "== layer sweep: done before, best layer %d%n", layer);
      } else {
        if (config.alignments() == null) {
          throw new IllegalArgumentException(config.source() + ": relabel.layer: best needs evaluate.alignments to rank the layers by PNMI");
        }
        out.printf(Locale.ROOT, "== layer sweep of %s (k=%d, %.0f %% of the utterances)%n", checkpoint.resolved(), config.k(),
            100 * config.sampleFraction());
        sweep = new LayerSweep(store).run(dataset, checkpoint.resolved(), fitter,
            EvaluateLabelsJob.readAlignments(alignments(config), store.spark().sparkContext().hadoopConfiguration()));
        sweep.print(out);
        layer = sweep.best().layer();
        JsonObject result = new JsonObject();
        result.addProperty("best-layer", layer);
        for (LayerSweep.LayerScore s : sweep.layers()) {
          result.addProperty("pnmi-layer-" + s.layer(), s.quality().pnmi());
        }
        state.complete(SWEEP, result);
        maybeFail(SWEEP);
      }
    }
    String tag = LabelSetPublish.checkTag(config.labelSet(checkpoint.name(), layer));
    ModelFeatures features = HubertFeatureJob.distribute(store.spark(), checkpoint.resolved(), layer);
    int layers = features.numLayers();
    if (layer > layers) {
      throw new IllegalArgumentException(config.source() + ": relabel.layer: expected a layer in [1, " + layers + "] of "
          + checkpoint.resolved() + ", found " + layer);
    }
    int dim = features.dim();
    String featureSet = "hubert_" + checkpoint.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_l" + layer;
    Map<String, Object> lineage = new LinkedHashMap<>();
    lineage.put("relabel-fingerprint", fingerprint);
    lineage.put("relabel-run", folder);
    lineage.put("relabel-config", config.source());
    lineage.put("extractor", HubertFeatureJob.EXTRACTOR);
    lineage.put("checkpoint", checkpoint.resolved());
    lineage.put("checkpoint-sha256", checkpoint.sha256());
    lineage.put("layer", layer);
    lineage.put("sample-fraction", config.sampleFraction());
    lineage.put("sample-seed", config.seed());

    boolean published = store.labelSetTags(dataset).contains(tag);
    if (published) {
      String owner = store.labelSetLineage(dataset, tag).get("relabel-fingerprint");
      if (!fingerprint.equals(owner)) {
        throw new IllegalArgumentException("Cannot relabel into label set " + tag + " of " + dataset + ": the tag exists and was made by "
            + (owner == null ? "another job" : "another relabel run (fingerprint " + owner + ")") + "; published label sets are immutable, "
            + "choose another relabel.label_set in " + config.source());
      }
    }

    if (state.done(FIT) && KMeansModelRecord.names(store, dataset).contains(tag)) {
      out.printf(Locale.ROOT, "== k-means: done before (model %s)%n", tag);
    } else if (published) {
      out.printf(Locale.ROOT, "== k-means: label set %s is already published by this run; not refitted%n", tag);
    } else {
      out.printf(Locale.ROOT, "== k-means k=%d on layer %d of %s (%.0f %% of the utterances, seed %d)%n", config.k(), layer,
          checkpoint.name(), 100 * config.sampleFraction(), config.seed());
      long fitStart = System.nanoTime();
      store.spark().sparkContext().setJobDescription("relabel " + tag + ": features of the k-means sample");
      Dataset<Row> sample = HubertFeatureJob.extractSample(store, dataset, features, dim, config.sampleFraction(), config.seed())
          .select(FeatureSchema.UTT_ID, FeatureSchema.FEATURES, FeatureSchema.NUM_FRAMES, FeatureSchema.DIM)
          .repartition(store.spark().sparkContext().defaultParallelism())
          .persist(StorageLevel.MEMORY_AND_DISK_SER());
      KMeansCentroids fitted;
      try {
        fitted = fitter.fit(sample);
      } finally {
        sample.unpersist();
      }
      new KMeansModelRecord(tag, featureSet, fitted.k(), fitted.dim(), fitted.centroids(), fitted.inertiaPerFrame(), fitted.frames(),
          fitted.utterances(), fitted.settings().toJson()).save(store, dataset, true, Lineage.builder("kmeans")
          .put("dataset", dataset)
          .put("model", tag)
          .put("params", fitted.settings().toJson())
          .put("k", fitted.k())
          .put("dim", fitted.dim())
          .put("inertia-per-frame", fitted.inertiaPerFrame())
          .put("frames", fitted.frames())
          .put("utterances", fitted.utterances())
          .put("iterations", fitted.iterations())
          .putAll("", lineage)
          .put("spark-app-id", store.spark().sparkContext().applicationId())
          .build());
      out.printf(Locale.ROOT, "k-means model %s: %d utterances / %d frames of the sample, %d iterations, inertia per frame %.4f, %.1f s%n",
          tag, fitted.utterances(), fitted.frames(), fitted.iterations(), fitted.inertiaPerFrame(), (System.nanoTime() - fitStart) / 1e9);
      JsonObject result = new JsonObject();
      result.addProperty("model", tag);
      result.addProperty("layer", layer);
      result.addProperty("frames", fitted.frames());
      result.addProperty("utterances", fitted.utterances());
      result.addProperty("inertia-per-frame", fitted.inertiaPerFrame());
      state.complete(FIT, result);
      maybeFail(FIT);
    }

    long snapshot;
    long utterances;
    long frames;
    if (published) {
      snapshot = store.iceberg(store.labels(dataset)).refs().get(tag).snapshotId();
      Row totals = store.readLabelSet(dataset, tag).agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
          org.apache.spark.sql.functions.sum(ai.hubert.store.LabelSchema.NUM_FRAMES)).first();
      utterances = totals.getLong(0);
      frames = totals.getLong(1);
      out.printf(Locale.ROOT, "== labels: %s was published by this run before it stopped (snapshot %d); reused%n", tag, snapshot);
    } else {
      int removed = StagingBranches.removeStale(store, dataset, tag);
      if (removed > 0) {
        out.printf(Locale.ROOT, "removed %d staging branch(es) of %s left by an interrupted publish%n", removed, tag);
      }
      out.printf(Locale.ROOT, "== labels: layer %d features -> nearest of %d centroids for every utterance (50 Hz), audit, publish %s%n",
          layer, config.k(), tag);
      LabelJob.Summary labels = new LabelJob(store).run(dataset, tag, tag, FrameFeaturizer.hubert(featureSet, features, dim), lineage);
      labels.print(out);
      snapshot = labels.snapshotId();
      utterances = labels.utterances();
      frames = labels.frames();
    }
    JsonObject labelResult = new JsonObject();
    labelResult.addProperty("label-set", tag);
    labelResult.addProperty("layer", layer);
    labelResult.addProperty("snapshot", snapshot);
    labelResult.addProperty("utterances", utterances);
    labelResult.addProperty("frames", frames);
    if (!state.done(LABEL)) {
      state.complete(LABEL, labelResult);
      maybeFail(LABEL);
    }

    QualityReport quality = null;
    if (config.alignments() != null) {
      out.println("== label quality against " + config.alignments());
      quality = new EvaluateLabelsJob(store).run(dataset, tag, alignments(config));
      out.println(quality.toJson());
      JsonObject result = new JsonObject();
      result.addProperty("pnmi", quality.pnmi());
      result.addProperty("phone-purity", quality.phonePurity());
      result.addProperty("cluster-purity", quality.clusterPurity());
      state.complete(EVALUATE, result);
    }
    state.finish();
    return new Result(tag, checkpoint.resolved(), checkpoint.sha256(), layer, config.k(), snapshot, utterances, frames, quality, sweep,
        false, folder, (System.nanoTime() - start) / 1e9);
  }

  /** The alignments location, with {@code sample-corpus} materialized in the store. */
  private String alignments(RelabelConfig config) {
    if (RelabelConfig.SAMPLE_CORPUS_ALIGNMENTS.equals(config.alignments())) {
      return SampleCorpus.materialize(store.location().resolve("corpora/" + SampleCorpus.DATASET),
          store.spark().sparkContext().hadoopConfiguration()) + "/" + SampleCorpus.ALIGNMENTS;
    }
    return config.alignments();
  }

  private void maybeFail(String step) {
    if (step.equals(failAfter)) {
      throw new IllegalStateException("injected failure after step " + step + " (test of resume)");
    }
  }

  /** SHA-256 over everything that determines the run's output. */
  static String fingerprint(RelabelConfig c, CheckpointRef checkpoint, long audioSnapshot) {
    String text = String.join("|", c.dataset(), checkpoint.sha256(), c.layer() == RelabelConfig.BEST_LAYER ? "best" : String.valueOf(c.layer()),
        c.labelSetTemplate(), String.valueOf(c.k()), String.valueOf(c.sampleFraction()), String.valueOf(c.seed()), String.valueOf(c.maxIter()),
        String.valueOf(c.tol()), String.valueOf(c.initSteps()), String.valueOf(audioSnapshot));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < 16; i++) {
        hex.append(String.format("%02x", digest[i] & 0xff));
      }
      return hex.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
