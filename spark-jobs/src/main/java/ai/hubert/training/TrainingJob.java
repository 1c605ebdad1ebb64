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
import ai.hubert.training.data.BatchPlan;
import ai.hubert.training.data.BatchPlanner;
import ai.hubert.training.data.ShardedUtterance;
import ai.hubert.training.data.StageShards;
import ai.hubert.training.data.TrainingIndex;
import ai.hubert.model.train.TrainingCheckpoint;
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
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import scala.reflect.ClassTag;

/**
 * Data-parallel HuBERT pretraining as Spark barrier stages (the XGBoost4J-Spark pattern: a thin driver around one
 * task per rank). The driver joins the audio table with a label set by tag, builds fairseq's global batch plan from
 * the utterances' lengths ({@link TrainingIndex}, broadcast), and per stage ships every rank the utterances of its
 * batches ({@link StageShards}: the whole dataset once when it fits {@code spark.data_per_rank_gb}, else one stage
 * per epoch); {@link TrainTask} runs on each rank, the tasks meet through {@code BarrierTaskContext.allGather} and
 * all-reduce gradients over a TCP ring. When a task or executor dies Spark retries the barrier stage, and every rank
 * resumes from the run's newest complete checkpoint (on any Hadoop file system, see {@link CheckpointStore}).
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
    long jobStartMillis = System.currentTimeMillis();
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
    Dataset<Row> data = store.read(store.audio(ds)).select(AudioSchema.UTT_ID, AudioSchema.NUM_SAMPLES, AudioSchema.PCM);
    List<String> labelColumns = new ArrayList<>();
    for (int i = 0; i < tags.size(); i++) { // one label column per label set, in the model's set order
      String column = LabelSchema.LABELS + "_" + i;
      Dataset<Row> set = store.readLabelSet(ds, tags.get(i)).select(functions.col(LabelSchema.UTT_ID),
          functions.col(LabelSchema.LABELS).as(column), functions.col(LabelSchema.NUM_FRAMES).as(LabelSchema.NUM_FRAMES + "_" + i));
      data = data.join(set, LabelSchema.UTT_ID);
      labelColumns.add(column);
    }
    TrainingIndex index = index(data, ds, tag);
    BatchPlan plan = index.plan(BatchPlanner.of(cfg));
    if (plan.batchesPerRank(world) == 0) {
      throw new IllegalArgumentException("Cannot train on " + ds + "/" + tag + " with " + world + " ranks: its " + plan.keptCount()
          + " usable utterances make " + plan.batches().size() + " batches of dataset.max_tokens " + cfg.maxTokens()
          + " samples, fewer than one per rank; lower dataset.max_tokens or use fewer ranks");
    }
    long keptBytes = 0;
    for (int u : plan.orderedIndices()) {
      keptBytes += 2 * index.length(u);
    }
    boolean replicate = keptBytes <= cfg.dataPerRankGb() * 1e9;
    long audioUtterances = store.read(store.audio(ds)).count();
    System.out.printf(Locale.ROOT, "train: %s/%s: %d of %d audio utterances have labels%s; %d shorter than task.min_sample_size (%d "
        + "samples) left out; %d batches of <= %d samples, %d per rank per epoch, %d left over each epoch; %s (%.1f MB of audio, "
        + "spark.data_per_rank_gb %s)%n", ds, tag, index.size(), audioUtterances,
        index.size() < audioUtterances ? " (the others are not in the label set and are not trained on)" : "",
        plan.droppedTooShort().size(), cfg.minSampleSize(), plan.batches().size(), cfg.maxTokens(), plan.batchesPerRank(world),
        plan.droppedPerEpoch(world), replicate ? "every rank holds all of it, one stage" : "one stage per epoch", keptBytes / 1e6,
        cfg.dataPerRankGb());
    List<String> columns = new ArrayList<>(List.of(AudioSchema.UTT_ID, AudioSchema.PCM));
    columns.addAll(labelColumns);
    JavaRDD<Row> rows = data.select(columns.stream().map(functions::col).toArray(org.apache.spark.sql.Column[]::new)).javaRDD();
    Broadcast<TrainingIndex> indexBroadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(index);
    TrainingMetrics metrics = TrainingMetrics.register(spark.sparkContext());
    byte[] secret = Rendezvous.newSecret();
    // On a cluster rank 0 prints to its executor's log; the driver's console follows the accumulators instead.
    DriverProgressListener console = spark.sparkContext().isLocal() ? null : new DriverProgressListener(System.out, cfg.maxUpdate());
    if (console != null) {
      spark.sparkContext().addSparkListener(console);
    }
    List<String> lines = new ArrayList<>();
    try {
      TrainingCheckpoint.State at = state(checkpoints);
      while (at.updates() < cfg.maxUpdate()) {
        int first = at.epoch();
        StageShards shards = replicate ? StageShards.replicated(plan, index.size(), world, first, lastEpoch(cfg, plan, world, at))
            : StageShards.perEpoch(plan, index.size(), world, first);
        checkpoints.append(SHARDS_FILE, shardsLine(shards, index, plan, audioUtterances) + "\n");
        Broadcast<StageShards> shardsBroadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(shards);
        TrainTask task = new TrainTask(configFile.toString(), text, overrides, ds, tag, CodeVersion.get(), secret,
            checkpoints.uri(), hadoopConf, offset, failAtUpdate, fault == Fault.EXECUTOR_EXIT, metrics, indexBroadcast, shardsBroadcast, jobStartMillis);
        spark.sparkContext().setJobDescription("train " + configFile.getFileName() + " on " + ds + "/" + tag + " with " + world
            + " ranks, epochs " + shards.firstEpoch() + ".." + shards.lastEpoch());
        lines.addAll(stage(rows, shardsBroadcast, indexBroadcast, world, labelColumns.size(), task).collect());
        shardsBroadcast.destroy();
        TrainingCheckpoint.State after = state(checkpoints);
        if (after.updates() < cfg.maxUpdate() && after.epoch() <= shards.lastEpoch()) {
          throw new IllegalStateException("Training stage for epochs " + shards.firstEpoch() + ".." + shards.lastEpoch()
              + " ended at update " + after.updates() + " without finishing them (checkpoint " + checkpoints.latest() + ")");
        }
        at = after;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (console != null) {
        spark.sparkContext().removeSparkListener(console);
      }
      indexBroadcast.destroy();
    }
    try {
      return new Summary(lines, checkpoints.uri(), checkpoints.latest(), (System.nanoTime() - start) / 1e9, metrics.lastUpdate(),
          metrics.audioSeconds());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The run folder's log of what each stage sent to each rank (one JSON line per stage). */
  public static final String SHARDS_FILE = "shards.jsonl";

  /** The trainer state of the run's newest checkpoint, or the start of epoch 1. */
  private static TrainingCheckpoint.State state(CheckpointStore checkpoints) throws IOException {
    String last = checkpoints.latest();
    return last == null ? new TrainingCheckpoint.State(0, 0, 0, 1, 0)
        : TrainingCheckpoint.parseState(checkpoints.readCheckpointFile(last, TrainingCheckpoint.TRAINER));
  }

  /** The epoch in which update max_update falls when training resumes at {@code at} (no skipped updates assumed). */
  private static int lastEpoch(PretrainConfig cfg, BatchPlan plan, int world, TrainingCheckpoint.State at) {
    long updates = at.updates();
    int epoch = at.epoch();
    int next = at.nextBatch();
    while (true) {
      int groups = (plan.batchesPerRank(world) + cfg.updateFreq(epoch) - 1) / cfg.updateFreq(epoch);
      updates += Math.max(0, groups - next);
      if (updates >= cfg.maxUpdate()) {
        return epoch;
      }
      epoch++;
      next = 0;
    }
  }

  /** Every utterance of the join, sorted by id, with its sample and label-frame counts (the first label set's). */
  private static TrainingIndex index(Dataset<Row> data, String ds, String tag) {
    List<Row> meta = data.select(functions.col(AudioSchema.UTT_ID), functions.col(AudioSchema.NUM_SAMPLES),
        functions.col(LabelSchema.NUM_FRAMES + "_0")).orderBy(AudioSchema.UTT_ID).collectAsList();
    if (meta.isEmpty()) {
      throw new IllegalArgumentException("Cannot train: no utterance of dataset " + ds + " has labels in label set(s) " + tag);
    }
    String[] ids = new String[meta.size()];
    long[] lengths = new long[meta.size()];
    int[] labelLengths = new int[meta.size()];
    for (int i = 0; i < ids.length; i++) {
      Row r = meta.get(i);
      ids[i] = r.getString(0);
      lengths[i] = ((Number) r.get(1)).longValue();
      labelLengths[i] = ((Number) r.get(2)).intValue();
    }
    return new TrainingIndex(ids, lengths, labelLengths);
  }

  /**
   * The barrier stage: every row goes to the ranks the shards name (a shuffle keyed by rank), each rank's partition
   * runs {@link TrainTask}. A failed barrier ResultStage aborts the job, while a barrier ShuffleMapStage is retried
   * (XGBoost4J-Spark's trick), hence the final repartition(1).
   */
  private static JavaRDD<String> stage(JavaRDD<Row> rows, Broadcast<StageShards> shardsBroadcast, Broadcast<TrainingIndex> indexBroadcast,
      int world, int labelSets, TrainTask task) {
    JavaPairRDD<Long, ShardedUtterance> keyed = rows.flatMapToPair(r -> {
      String id = r.getString(0);
      TrainingIndex index = indexBroadcast.value();
      StageShards shards = shardsBroadcast.value();
      int u = index.indexOf(id);
      if (u < 0) {
        throw new IllegalStateException("Utterance " + id + " is not in the run's index (the tables changed during training?)");
      }
      List<scala.Tuple2<Long, ShardedUtterance>> out = new ArrayList<>();
      byte[][] labels = new byte[labelSets][];
      for (int i = 0; i < labelSets; i++) {
        labels[i] = (byte[]) r.get(2 + i);
      }
      for (int rank : shards.ranksOf(u)) {
        out.add(new scala.Tuple2<>(shards.key(rank, u), new ShardedUtterance(rank, u, id, (byte[]) r.get(1), labels)));
      }
      return out.iterator();
    });
    // sorted by key: a per-epoch stage's rank reads its utterances in the order of its batches (RankUtterances)
    JavaRDD<ShardedUtterance> partitioned = keyed.repartitionAndSortWithinPartitions(new RankPartitioner(world)).values();
    ClassTag<String> strings = scala.reflect.ClassTag$.MODULE$.apply(String.class);
    return JavaRDD.fromRDD(partitioned.rdd().barrier().mapPartitions(
        (scala.Function1<scala.collection.Iterator<ShardedUtterance>, scala.collection.Iterator<String>> & java.io.Serializable) it ->
            scala.jdk.javaapi.CollectionConverters.asScala(task.run(scala.jdk.javaapi.CollectionConverters.asJava(it)).iterator()),
        false, strings), strings).repartition(1);
  }

  /** One line of {@value #SHARDS_FILE}. */
  private static String shardsLine(StageShards shards, TrainingIndex index, BatchPlan plan, long audioUtterances) {
    com.google.gson.JsonObject o = new com.google.gson.JsonObject();
    o.addProperty("first_epoch", shards.firstEpoch());
    o.addProperty("last_epoch", shards.lastEpoch());
    o.addProperty("replicated", shards.isReplicated());
    o.addProperty("audio_utterances", audioUtterances);
    o.addProperty("labelled_utterances", index.size());
    o.addProperty("batches", plan.batches().size());
    o.addProperty("batches_per_rank", plan.batchesPerRank(shards.worldSize()));
    o.addProperty("dropped_batches_per_epoch", plan.droppedPerEpoch(shards.worldSize()));
    o.addProperty("dropped_too_short", plan.droppedTooShort().size());
    com.google.gson.JsonArray ranks = new com.google.gson.JsonArray();
    for (StageShards.RankShare share : shards.shares(index)) {
      com.google.gson.JsonObject r = new com.google.gson.JsonObject();
      r.addProperty("rank", share.rank());
      r.addProperty("utterances", share.utterances());
      r.addProperty("pcm_bytes", share.pcmBytes());
      r.addProperty("digest", Long.toHexString(share.digest()));
      ranks.add(r);
    }
    o.add("ranks", ranks);
    return o.toString();
  }
}
