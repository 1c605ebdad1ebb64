package ai.hubert.training;

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
      out.println(ProgressLine.COLUMNS);
      progress.forEach(out::println);
      out.printf(Locale.ROOT, "checkpoint %s (update %d, %.0f audio seconds in the final attempt, wall time %.1f s)%n",
          lastCheckpoint, lastUpdate, audioSeconds, wallSeconds);
    }
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
    String tag = labelSet != null ? labelSet : cfg.labelSet();
    if (ds == null || tag == null) {
      throw new IllegalArgumentException("Cannot train: no dataset or label set; give --dataset and --label-set or hubert.dataset "
          + "and hubert.label_set in " + configFile);
    }
    Lineage labels = store.labelSetLineage(ds, tag);
    int labelRate = Integer.parseInt(labels.get("label-rate-hz"));
    if (labelRate != cfg.labelRate()) {
      throw new IllegalArgumentException("Cannot train on label set " + tag + ": it is at " + labelRate + " Hz but " + configFile
          + " says task.label_rate " + cfg.labelRate());
    }
    int k = Integer.parseInt(labels.get("k"));
    int classes = cfg.model().numClasses();
    int offset = classes - k;
    if (offset != 0 && offset != 4) {
      throw new IllegalArgumentException("Cannot train on label set " + tag + " (k=" + k + "): the model has " + classes
          + " classes; expected k (raw labels) or k + 4 (fairseq's dictionary with 4 special symbols)");
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
    Dataset<Row> data = store.read(store.audio(ds)).select(AudioSchema.UTT_ID, AudioSchema.PCM)
        .join(store.readLabelSet(ds, tag).select(LabelSchema.UTT_ID, LabelSchema.LABELS), LabelSchema.UTT_ID)
        .select(AudioSchema.UTT_ID, AudioSchema.PCM, LabelSchema.LABELS)
        .repartition(world, functions.col(AudioSchema.UTT_ID));
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
    List<String> lines = new ArrayList<>(progress.collect());
    try {
      return new Summary(lines, checkpoints.uri(), checkpoints.latest(), (System.nanoTime() - start) / 1e9, metrics.lastUpdate(),
          metrics.audioSeconds());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
