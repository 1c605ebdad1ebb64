package ai.hubert.features;

import ai.hubert.features.mfcc.MfccTransformer;
import ai.hubert.store.AudioSchema;
import ai.hubert.store.FeatureSchema;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.Lineage;
import ai.hubert.store.TableId;
import java.io.PrintStream;
import java.util.Locale;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Computes the {@code mfcc} feature set of a dataset: reads the audio table, runs the Kaldi-exact
 * {@link MfccTransformer} on every utterance in parallel and writes {@code features_mfcc} (39-d
 * MFCC+Δ+ΔΔ at 100 Hz) in input order, with lineage naming the audio snapshot and every MFCC
 * parameter. Re-running against an unchanged audio snapshot is a no-op.
 */
public final class MfccJob {
  /** Name of the feature set this job writes. */
  public static final String FEATURE_SET = "mfcc";

  private final FeatureStore store;
  private final MfccTransformer transformer;

  public MfccJob(FeatureStore store) {
    this(store, new MfccTransformer());
  }

  /** A job with a configured transformer (e.g. other MFCC parameters). */
  public MfccJob(FeatureStore store, MfccTransformer transformer) {
    this.store = store;
    this.transformer = transformer;
  }

  /** The outcome of one run. */
  public record Summary(String dataset, long utterances, long frames, int dim, double audioSeconds, double wallSeconds,
      int cores, boolean alreadyComputed) {
    /** Audio seconds processed per wall second per core: the job's end-to-end rate per core. */
    public double audioSecondsPerCoreSecond() {
      return wallSeconds > 0 ? audioSeconds / wallSeconds / cores : 0;
    }

    public void print(PrintStream out) {
      if (alreadyComputed) {
        out.printf(Locale.ROOT, "mfcc %s: features already computed from the current audio snapshot (no-op)%n", dataset);
      }
      out.printf(Locale.ROOT, "mfcc %s: %d utterances, %.3f h, %d frames x %d dims%n", dataset, utterances,
          audioSeconds / 3600, frames, dim);
      if (!alreadyComputed) {
        out.printf(Locale.ROOT, "  wall time %.1f s on %d core(s): %.0f audio-s per wall-s, %.0f audio-s per core-s "
            + "(read Parquet -> MFCC -> write)%n", wallSeconds, cores, audioSeconds / wallSeconds, audioSecondsPerCoreSecond());
      }
    }
  }

  /** Computes the feature set; with {@code force}, recomputes even when it is current. */
  public Summary run(String dataset, boolean force) {
    long start = System.nanoTime();
    SparkSession spark = store.spark();
    TableId audioTable = store.audio(dataset);
    TableId featureTable = store.features(dataset, FEATURE_SET);
    Dataset<Row> audio = store.read(audioTable);
    long audioSnapshot = store.currentSnapshotId(audioTable);
    String params = describeParams();
    int dim = transformer.getNumCeps() * (transformer.getUseDeltas() ? 3 : 1);
    int cores = spark.sparkContext().defaultParallelism();

    Lineage previous = store.currentLineage(featureTable);
    if (!force && Long.toString(audioSnapshot).equals(previous.get("source-snapshot-id")) && params.equals(previous.get("params"))) {
      return new Summary(dataset, Long.parseLong(previous.get("utterances")), Long.parseLong(previous.get("frames")), dim,
          Double.parseDouble(previous.get("audio-seconds")), 0, cores, true);
    }

    // Counts come from the audio lengths alone (Parquet reads only num_samples), before the write.
    long window = Math.round(transformer.getSampleFrequency() * transformer.getFrameLengthMs() / 1000);
    long shift = Math.round(transformer.getSampleFrequency() * transformer.getFrameShiftMs() / 1000);
    Row totals = audio.agg(functions.count(functions.lit(1)),
        functions.coalesce(functions.sum(functions.expr(String.format(Locale.ROOT,
            "IF(num_samples < %d, 0, 1 + floor((num_samples - %d) / %d))", window, window, shift))), functions.lit(0L)),
        functions.coalesce(functions.sum(AudioSchema.DURATION_S), functions.lit(0.0))).first();
    long utterances = totals.getLong(0);
    long frames = ((Number) totals.get(1)).longValue();
    double audioSeconds = ((Number) totals.get(2)).doubleValue();

    Dataset<Row> features = transformer.copy(new org.apache.spark.ml.param.ParamMap())
        .setOutputCol(FeatureSchema.FEATURES).setNumFramesCol(FeatureSchema.NUM_FRAMES)
        .transform(audio.select(AudioSchema.UTT_ID, AudioSchema.INPUT_ORDER, AudioSchema.REL_PATH, AudioSchema.NUM_SAMPLES,
            AudioSchema.SAMPLE_RATE, AudioSchema.PCM))
        .select(functions.col(FeatureSchema.UTT_ID), functions.col(FeatureSchema.INPUT_ORDER), functions.col(FeatureSchema.REL_PATH),
            functions.col(FeatureSchema.NUM_SAMPLES), functions.col(FeatureSchema.NUM_FRAMES), functions.lit(dim).as(FeatureSchema.DIM),
            functions.col(FeatureSchema.FEATURES));

    spark.sparkContext().setJobDescription("mfcc " + dataset + ": audio -> 39-d MFCC features");
    Lineage lineage = Lineage.builder("features")
        .put("dataset", dataset)
        .put("feature-set", FEATURE_SET)
        .put("source-table", audioTable.qualified())
        .put("source-snapshot-id", audioSnapshot)
        .put("transformer", MfccTransformer.class.getName())
        .put("params", params)
        .put("dim", dim)
        .put("frame-rate-hz", transformer.getSampleFrequency() / shift)
        .put("utterances", utterances)
        .put("frames", frames)
        .put("audio-seconds", audioSeconds)
        .put("spark-app-id", spark.sparkContext().applicationId())
        .build();
    store.replace(featureTable, features).sortedBy(FeatureSchema.INPUT_ORDER).lineage(lineage).commit();
    return new Summary(dataset, utterances, frames, dim, audioSeconds, (System.nanoTime() - start) / 1e9, cores, false);
  }

  /** The transformer's MFCC parameters (not its column names) as a stable, sorted string. */
  private String describeParams() {
    java.util.TreeMap<String, String> values = new java.util.TreeMap<>();
    for (ParamPair<?> pair : transformer.extractParamMap().toList()) {
      String name = pair.param().name();
      if (!name.endsWith("Col")) {
        values.put(name, String.valueOf(pair.value()));
      }
    }
    return values.toString();
  }
}
