package ai.hubert.training;

import ai.hubert.labels.LabelEnsembles;
import ai.hubert.store.AudioSchema;
import ai.hubert.store.CodeVersion;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.LabelSchema;
import ai.hubert.store.Lineage;
import ai.hubert.training.checkpoint.CheckpointStore;
import ai.hubert.training.collective.Rendezvous;
import ai.hubert.training.config.PretrainConfig;
import ai.hubert.training.config.PretrainConfigLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import scala.reflect.ClassTag;

/**
 * Data-parallel HuBERT pretraining as one Spark barrier stage (the XGBoost4J-Spark pattern: a thin driver
 * around one task per rank). The driver joins the audio table with a label set by tag, hash-partitions the
 * utterances into {@code distributed_world_size} shards, and runs {@link TrainTask} on each; the tasks meet
 * through {@code BarrierTaskContext.allGather} and all-reduce gradients over a TCP ring. When a task or
 * executor dies Spark retries the whole barrier stage, and every rank resumes from the run's newest
 * complete checkpoint (on any Hadoop file system, see {@link CheckpointStore}).
 */
public final class TrainingJob {
  private final FeatureStore store;

  public TrainingJob(FeatureStore store) {
    this.store = store;
  }

  /** How the recovery tests fail a rank: by an exception in the task, or by killing its executor JVM. */
  public enum Fault {
    TASK_EXCEPTION,
    EXECUTOR_EXIT
  }

  /**
   * Progress lines of rank 0 in the successful attempt (TSV, header {@link ProgressLine#COLUMNS}), the run folder, its
   * newest checkpoint (URIs), the wall time and the accumulators' final values.
   */
  public record Summary(List<String> progress, String runDir, String lastCheckpoint, double wallSeconds, long lastUpdate,
      double audioSeconds) {
    public void print(PrintStream out) {
      out.println(ProgressLine.columns(progress.isEmpty() ? 1 : Math.max(1, (progress.get(0).split("\t").length - 12) / 2)));
      progress.forEach(out::println);
      out.printf(Locale.ROOT, "checkpoint %s (update %d, %.0f audio seconds in the final attempt, wall time %.1f s)%n",
          lastCheckpoint, lastUpdate, audioSeconds, wallSeconds);
    }
  }

  /**
   * The config for several label sets: each set's k and rate come from its lineage; a config that already lists
   * {@code hubert.num_clusters} per set must agree, one that names a single K gets the per-set values as overrides
   * (which the ranks parse too).
   */
  private PretrainConfig withLabelSets(Path configFile, String text, List<String> overrides, PretrainConfig cfg, String ds,
      List<String> tags) {
    List<Integer> ks = new ArrayList<>();
    List<Integer> rates = new ArrayList<>();
    for (String t : tags) {
      Lineage l = store.labelSetLineage(ds, t);
      ks.add(Integer.parseInt(l.get("k")));
      rates.add(Integer.parseInt(l.get("label-rate-hz")));
    }
    List<Integer> classes = new ArrayList<>();
    ks.forEach(k -> classes.add(k + 4));
    if (cfg.model().numLabelSets() > 1) {
      if (!cfg.model().labelSetClasses().equals(classes) || !cfg.model().labelSetRates().equals(rates)) {
        throw new IllegalArgumentException("Cannot train on label sets " + tags + " (k " + ks + " at " + rates + " Hz): "
            + configFile + " describes label sets of " + cfg.model().labelSetClasses() + " classes at "
            + cfg.model().labelSetRates() + " Hz; expected k + 4 classes per set and the sets' own rates");
      }
      return cfg;
    }
    if (rates.get(0) != cfg.labelRate()) {
      throw new IllegalArgumentException("Cannot train on label sets " + tags + ": the first, " + tags.get(0) + ", is at "
          + rates.get(0) + " Hz but " + configFile + " says model.label_rate " + cfg.labelRate());
    }
    overrides.add("hubert.num_clusters=" + ks.toString().replace(" ", ""));
    overrides.add("hubert.label_rates=" + rates.toString().replace(" ", ""));
    return PretrainConfigLoader.parse(configFile.toString(), text, overrides);
  }

  /** {@link #run(Path, List, String, String, String, int, Fault)} with a local run folder and task-exception faults. */
  public Summary run(Path configFile, List<String> overrides, String dataset, String labelSet, Path runDir, int failAtUpdate) {
    return run(configFile, overrides, dataset, labelSet, runDir.toAbsolutePath().toUri().toString(), failAtUpdate,
        Fault.TASK_EXCEPTION);
  }

  /**
   * Trains with the config file and its {@code key=value} overrides on {@code dataset}/{@code labelSet} (either
   * may be null to use the config's {@code hubert.dataset}/{@code hubert.label_set}); checkpoints and
   * {@value ProgressLine#FILE} go to {@code runDir} (a Hadoop URI every executor can reach, or a local path). A run
   * folder that already holds a checkpoint is resumed. {@code failAtUpdate >= 0} injects one failure of rank 1 (rank 0
   * with one rank) at that update on the first attempt (to exercise recovery).
   */
  public Summary run(Path configFile, List<String> overrides, String dataset, String labelSet, String runDir, int failAtUpdate,
      Fault fault) {
    long start = System.nanoTime();
    String text;
    try {
      text = Files.readString(configFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read training config " + configFile + ": " + e.getMessage(), e);
    }
    PretrainConfig cfg = PretrainConfigLoader.parse(configFile.toString(), text, overrides);
    String ds = dataset != null ? dataset : cfg.dataset();
    List<String> names = labelSet != null ? List.of(labelSet.split(",")) : cfg.labelSets();
    if (ds == null || names.isEmpty()) {
      throw new IllegalArgumentException("Cannot train: no dataset or label set; give --dataset and --label-set or hubert.dataset "
          + "and hubert.label_set in " + configFile);
    }
    List<String> tags = LabelEnsembles.resolve(store, ds, names);
    String tag = String.join(",", tags);
    overrides = new ArrayList<>(overrides);
    int offset;
    if (tags.size() == 1) {
      Lineage labels = store.labelSetLineage(ds, tag);
      int labelRate = Integer.parseInt(labels.get("label-rate-hz"));
      if (labelRate != cfg.labelRate()) {
        throw new IllegalArgumentException("Cannot train on label set " + tag + ": it is at " + labelRate + " Hz but " + configFile
            + " says task.label_rate " + cfg.labelRate());
      }
      int k = Integer.parseInt(labels.get("k"));
      int classes = cfg.model().numClasses();
      offset = classes - k;
      if (cfg.model().numLabelSets() != 1 || (offset != 0 && offset != 4)) {
        throw new IllegalArgumentException("Cannot train on label set " + tag + " (k=" + k + "): the model has " + classes
            + " classes in " + cfg.model().numLabelSets() + " label set(s); expected one set of k (raw labels) or k + 4 "
            + "(fairseq's dictionary with 4 special symbols)");
      }
    } else {
      offset = 4; // fairseq: one Dictionary per label set, 4 specials before the K symbols
      cfg = withLabelSets(configFile, text, overrides, cfg, ds, tags);
    }
    int world = cfg.worldSize();
    SparkSession spark = store.spark();
    int slots = spark.sparkContext().defaultParallelism();
    if (world > slots) {
      throw new IllegalArgumentException("Cannot train with distributed_world_size " + world + ": the cluster has " + slots
          + " task slots; a barrier stage needs one slot per rank");
    }
    if (fault == Fault.EXECUTOR_EXIT && failAtUpdate >= 0 && spark.sparkContext().isLocal()) {
      throw new IllegalArgumentException("Cannot inject an executor exit under master " + spark.sparkContext().master()
          + ": the executor is the driver's JVM; use a cluster master or Fault.TASK_EXCEPTION");
    }
    Map<String, String> hadoopConf = new HashMap<>();
    spark.sparkContext().hadoopConfiguration().forEach(e -> hadoopConf.put(e.getKey(), e.getValue()));
    CheckpointStore checkpoints = CheckpointStore.open(runDir, spark.sparkContext().hadoopConfiguration());
    Dataset<Row> data = store.read(store.audio(ds)).select(AudioSchema.UTT_ID, AudioSchema.PCM);
    List<org.apache.spark.sql.Column> columns = new ArrayList<>(List.of(functions.col(AudioSchema.UTT_ID), functions.col(AudioSchema.PCM)));
    for (int i = 0; i < tags.size(); i++) { // one label column per label set, in the model's set order
      String column = LabelSchema.LABELS + "_" + i;
      data = data.join(store.readLabelSet(ds, tags.get(i)).select(functions.col(LabelSchema.UTT_ID),
          functions.col(LabelSchema.LABELS).as(column)), LabelSchema.UTT_ID);
      columns.add(functions.col(column));
    }
    data = data.select(columns.toArray(new org.apache.spark.sql.Column[0])).repartition(world, functions.col(AudioSchema.UTT_ID));
    TrainingMetrics metrics = TrainingMetrics.register(spark.sparkContext());
    TrainTask task = new TrainTask(configFile.toString(), text, overrides, ds, tag, CodeVersion.get(), Rendezvous.newSecret(),
        checkpoints.uri(), hadoopConf, offset, failAtUpdate, fault == Fault.EXECUTOR_EXIT, metrics);
    spark.sparkContext().setJobDescription("train " + configFile.getFileName() + " on " + ds + "/" + tag + " with " + world + " ranks");
    ClassTag<String> strings = scala.reflect.ClassTag$.MODULE$.apply(String.class);
    JavaRDD<String> progress = JavaRDD.fromRDD(data.rdd().barrier().mapPartitions(
        (scala.Function1<scala.collection.Iterator<Row>, scala.collection.Iterator<String>> & java.io.Serializable) it ->
            scala.jdk.javaapi.CollectionConverters.asScala(task.run(scala.jdk.javaapi.CollectionConverters.asJava(it)).iterator()),
        false, strings), strings)
        // A failed barrier ResultStage aborts the job; a barrier ShuffleMapStage is retried (XGBoost4J-Spark's trick).
        .repartition(1);
    // On a cluster rank 0 prints to its executor's log; the driver's console follows the accumulators instead.
    DriverProgressListener console = spark.sparkContext().isLocal() ? null : new DriverProgressListener(System.out, cfg.maxUpdate());
    if (console != null) {
      spark.sparkContext().addSparkListener(console);
    }
    List<String> lines;
    try {
      lines = new ArrayList<>(progress.collect());
    } finally {
      if (console != null) {
        spark.sparkContext().removeSparkListener(console);
      }
    }
    try {
      return new Summary(lines, checkpoints.uri(), checkpoints.latest(), (System.nanoTime() - start) / 1e9, metrics.lastUpdate(),
          metrics.audioSeconds());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
