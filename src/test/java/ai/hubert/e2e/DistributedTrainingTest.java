package ai.hubert.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.audio.ingest.IngestJob;
import ai.hubert.features.MfccJob;
import ai.hubert.labels.KMeansJob;
import ai.hubert.labels.LabelJob;
import ai.hubert.labels.kmeans.KMeansFitter;
import ai.hubert.spark.HubertSpark;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.StoreLocation;
import ai.hubert.training.ProgressHistory;
import ai.hubert.training.TrainingJob;
import com.google.gson.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ranks train the tiny model in one Spark barrier stage with gradients all-reduced over TCP: recovery from a
 * killed task (local[2]), exact job-level resume through checkpoints on HDFS, and recovery from a killed executor
 * JVM on a multi-process cluster ({@code local-cluster[2,1,1024]}, tag "cluster"). One labelled dataset (24
 * utterances of the sample corpus, MFCC k-means k=20) serves all three.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedTrainingTest {
  @TempDir static Path tmp;
  static FeatureStore store;
  static Path config;

  /** tiny_cpu cut down: 8 s of audio per rank and update, one progress line per update. */
  static final List<String> BASE = List.of("lr_scheduler.warmup_updates=2", "common.log_interval=1", "hubert.num_clusters=20",
      "dataset.max_tokens=128000");

  @BeforeAll
  static void labelledDataset() throws Exception {
    Path tree = tmp.resolve("tree");
    for (String rel : SampleCorpus.audioFiles().subList(0, 24)) {
      Files.createDirectories(tree.resolve(rel).getParent());
      try (InputStream in = SampleCorpus.open(rel)) {
        Files.write(tree.resolve(rel), in.readAllBytes());
      }
    }
    store = FeatureStore.attach(HubertSpark.builder().master("local[2]")
        .store(StoreLocation.of(tmp.resolve("store").toString())).forTests().getOrCreate());
    new IngestJob(store).run(tree.toString(), "train", false);
    new MfccJob(store).run("train", false);
    new KMeansJob(store).run("train", "mfcc", "km20", new KMeansFitter().setK(20).setSampleFraction(1.0), false);
    new LabelJob(store).run("train", "km20", "mfcc-k20");
    config = Path.of(System.getProperty("hubert.repo.root", "..")).resolve("conf/pretrain/tiny_cpu.yaml");
  }

  private static List<String> overrides(String... more) {
    List<String> all = new ArrayList<>(BASE);
    all.addAll(List.of(more));
    return all;
  }

  @Test
  @Order(1)
  void twoRanksTrainAndRecoverFromAKilledTask() throws Exception {
    Path run = tmp.resolve("run");
    Map<String, String> uiAccumulators = new ConcurrentHashMap<>(); // what the Spark UI's stage page lists
    SparkListener listener = new SparkListener() {
      @Override
      public void onStageCompleted(SparkListenerStageCompleted stage) {
        for (AccumulableInfo a : scala.jdk.javaapi.CollectionConverters.asJava(stage.stageInfo().accumulables()).values()) {
          if (a.name().isDefined() && a.name().get().startsWith("hubert.train.")) {
            uiAccumulators.put(a.name().get(), String.valueOf(a.value().get()));
          }
        }
      }
    };
    store.spark().sparkContext().addSparkListener(listener);
    TrainingJob.Summary s = new TrainingJob(store).run(config, overrides("optimization.max_update=6",
        "checkpoint.save_interval_updates=3"), "train", "mfcc-k20", run, 4);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (uiAccumulators.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(50); // listener events arrive asynchronously
    }
    store.spark().sparkContext().removeSparkListener(listener);
    assertEquals("6", uiAccumulators.get("hubert.train.update"), "UI accumulators: " + uiAccumulators);
    assertTrue(Double.parseDouble(uiAccumulators.get("hubert.train.audio_seconds")) > 0, uiAccumulators.toString());

    assertNotNull(s.lastCheckpoint());
    assertTrue(s.lastCheckpoint().endsWith("/checkpoint_6"), s.lastCheckpoint());
    assertEquals(6, s.lastUpdate(), "accumulator hubert.train.update");
    assertTrue(s.audioSeconds() > 0, "accumulator hubert.train.audio_seconds");
    List<String> lines = s.progress();
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("6\t")), "reached update 6: " + lines);
    assertTrue(lines.stream().allMatch(l -> l.endsWith("\t3")), "the retried attempt resumed from update 3: " + lines);
    List<String> jsonl = Files.readAllLines(run.resolve("progress.jsonl"));
    assertTrue(jsonl.get(jsonl.size() - 1).startsWith("{\"update\": 6, \"epoch\": "), jsonl.get(jsonl.size() - 1));
    List<JsonObject> history = ProgressHistory.resolve(String.join("\n", jsonl));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), history.stream().map(o -> o.get("update").getAsLong()).toList(),
        "every update once after the resume rule: " + jsonl);
    for (JsonObject o : history) {
      double loss = o.get("loss_m_bits").getAsDouble();
      assertTrue(Double.isFinite(loss) && loss > 0, o.toString());
      assertTrue(o.get("audio_s_per_s").getAsDouble() > 0, o.toString());
      double share = o.get("allreduce_share").getAsDouble();
      assertTrue(share > 0 && share < 1, o.toString());
    }
  }

  /**
   * 3 updates, stop (the schedule is set for 6 through lr_scheduler.total_num_update), then the same run folder on HDFS
   * resumed to 6: the same per-update losses, accuracies, learning rates and gradient norms as 6 uninterrupted updates.
   * Dropout, LayerDrop, masks and crops are all seeded per (seed, update, rank), so losses, masked accuracies, learning
   * rates and frame counts agree to the TSV's 5 digits; gradient norms and unmasked accuracies within 10 % (see below).
   */
  @Test
  @Order(2)
  void aRunStoppedAndResumedFromHdfsMatchesAnUninterruptedRun() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
    for (String key : new String[] {"dfs.namenode.rpc-address", "dfs.datanode.address", "dfs.datanode.http.address",
        "dfs.datanode.ipc.address", "dfs.namenode.http-address"}) {
      conf.set(key, "127.0.0.1:0");
    }
    MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    try {
      hdfs.waitActive();
      String hdfsRun = "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + "/runs/resumed";
      TrainingJob job = new TrainingJob(store);
      List<String> whole = job.run(config, overrides("optimization.max_update=6", "checkpoint.save_interval_updates=3"), "train",
          "mfcc-k20", tmp.resolve("uninterrupted").toUri().toString(), -1, TrainingJob.Fault.TASK_EXCEPTION).progress();
      TrainingJob.Summary first = job.run(config, overrides("optimization.max_update=3", "lr_scheduler.total_num_update=6",
          "checkpoint.save_interval_updates=3"), "train", "mfcc-k20", hdfsRun, -1, TrainingJob.Fault.TASK_EXCEPTION);
      assertTrue(first.lastCheckpoint().startsWith("hdfs://") && first.lastCheckpoint().endsWith("/checkpoint_3"), first.lastCheckpoint());
      TrainingJob.Summary second = job.run(config, overrides("optimization.max_update=6", "checkpoint.save_interval_updates=3"),
          "train", "mfcc-k20", hdfsRun, -1, TrainingJob.Fault.TASK_EXCEPTION);
      assertTrue(second.progress().stream().allMatch(l -> l.endsWith("\t3")), "resumed from update 3: " + second.progress());
      List<String> resumed = new ArrayList<>(first.progress());
      resumed.addAll(second.progress());
      assertSameUpdates(whole, resumed, "resumed");
    } finally {
      hdfs.shutdown();
    }
  }

  /**
   * Two executor JVMs; rank 1's executor halts (as under kill -9) before update 4. The barrier stage fails, Spark
   * starts a new executor and reruns the stage, both ranks resume from the update-2 checkpoint, and the final history
   * has updates 1..6 exactly once (update 3, logged before the kill, is superseded by the retry's).
   */
  /**
   * common.fp16 on CPU ranks: the float16 working copy trains (finite losses), checkpoints carry the loss scaler, and a
   * resumed run continues the scaler's step count (1-s crops, two per batch: CPUs emulate float16 slowly).
   */
  @Test
  @Order(3)
  void float16MixedPrecisionTrainsAndResumesItsLossScaler() throws Exception {
    Path run = tmp.resolve("fp16");
    List<String> fp16 = overrides("common.fp16=true", "task.max_sample_size=16000", "task.min_sample_size=16000",
        "dataset.max_tokens=32000", "dataset.required_batch_size_multiple=1", "lr_scheduler.total_num_update=3",
        "checkpoint.save_interval_updates=2");
    List<String> first = new ArrayList<>(fp16);
    first.add("optimization.max_update=2");
    TrainingJob.Summary s = new TrainingJob(store).run(config, first, "train", "mfcc-k20", run, -1);
    assertEquals(2, s.lastUpdate());
    String scaler = Files.readString(run.resolve("checkpoint_2").resolve("loss_scaler.json"));
    assertTrue(scaler.startsWith("[128.0, 2.0,"), "fairseq's initial scale 128 after two clean steps: " + scaler);
    List<String> resumed = new ArrayList<>(fp16);
    resumed.add("optimization.max_update=3");
    TrainingJob.Summary t = new TrainingJob(store).run(config, resumed, "train", "mfcc-k20", run, -1);
    assertEquals(3, t.lastUpdate());
    String after = Files.readString(run.resolve("checkpoint_3").resolve("loss_scaler.json"));
    assertTrue(after.startsWith("[128.0, 3.0,"), "the resumed run continued the scaler: " + after);
    List<JsonObject> history = ProgressHistory.resolve(String.join("\n", Files.readAllLines(run.resolve("progress.jsonl"))));
    assertEquals(List.of(1L, 2L, 3L), history.stream().map(o -> o.get("update").getAsLong()).toList());
    for (JsonObject o : history) {
      double loss = o.get("loss_m_bits").getAsDouble();
      assertTrue(Double.isFinite(loss) && loss > 2 && loss < 8, "float16 loss in bits near log2(20 + 4): " + o);
    }
  }

  @Test
  @Order(5)
  @Tag("cluster")
  void recoversFromAKilledExecutorJvmOnAMultiProcessCluster() throws Exception {
    SparkSession.getDefaultSession().foreach(s -> {
      s.stop(); // one SparkContext per JVM: this test needs its own master
      return null;
    });
    System.setProperty("spark.testing", "true");
    System.setProperty("spark.test.home", tmp.toString());
    SparkSession spark = HubertSpark.builder().master("local-cluster[2,1,1024]").store(StoreLocation.of(tmp.resolve("store").toString()))
        .forTests().conf("spark.default.parallelism", "2").getOrCreate();
    try {
      long deadline = System.nanoTime() + 90_000_000_000L;
      while (spark.sparkContext().getExecutorMemoryStatus().size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertEquals(3, spark.sparkContext().getExecutorMemoryStatus().size(), "driver + 2 executor JVMs registered");
      Path run = tmp.resolve("cluster-run");
      long start = System.nanoTime();
      TrainingJob.Summary s = new TrainingJob(FeatureStore.attach(spark)).run(config, overrides("optimization.max_update=6",
          "checkpoint.save_interval_updates=2"), "train", "mfcc-k20", run.toUri().toString(), 3, TrainingJob.Fault.EXECUTOR_EXIT);
      System.out.printf("local-cluster training with an executor kill: %.1f s%n", (System.nanoTime() - start) / 1e9);
      assertTrue(s.lastCheckpoint().endsWith("/checkpoint_6"), s.lastCheckpoint());
      assertEquals(6, s.lastUpdate());
      List<String> jsonl = Files.readAllLines(run.resolve("progress.jsonl"));
      List<Long> raw = jsonl.stream().map(l -> com.google.gson.JsonParser.parseString(l).getAsJsonObject().get("update").getAsLong())
          .toList();
      assertEquals(List.of(1L, 2L, 3L, 3L, 4L, 5L, 6L), raw, "attempt 0 logged 1..3 and died; the retry redid 3..6: " + jsonl);
      List<JsonObject> history = ProgressHistory.resolve(String.join("\n", jsonl));
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), history.stream().map(o -> o.get("update").getAsLong()).toList());
      assertTrue(history.get(3).get("attempt").getAsInt() > 0 && history.get(3).get("resumed_from").getAsLong() == 2,
          history.get(3).toString());
    } finally {
      spark.stop();
    }
  }

  /**
   * The same updates with the same numbers: losses, masked accuracy, learning rate and masked frames up to the TSV's 5
   * digits; unmasked accuracy and gradient norm within 10 %. Two fresh runs in one JVM were seen (once, in a full CI run)
   * to differ by 7.5 % in update 1's gradient norm with identical losses and accuracies: libtorch's parallel backward is
   * not bit-stable run to run, and Adam carries such a difference into later updates' unmasked accuracy (0.096 vs 0.099).
   */
  private static void assertSameUpdates(List<String> expected, List<String> actual, String what) {
    assertEquals(expected.size(), actual.size(), expected + " vs " + what + " " + actual);
    for (int i = 0; i < expected.size(); i++) {
      String[] a = expected.get(i).split("\t");
      String[] b = actual.get(i).split("\t");
      assertEquals(a[0], b[0], "update");
      assertEquals(a[1], b[1], "epoch of update " + a[0]);
      for (int c : new int[] {2, 3, 5, 7}) { // loss_m_bits acc_m lr masked_frames
        assertEquals(Double.parseDouble(a[c]), Double.parseDouble(b[c]), 2e-5 * Math.max(1, Math.abs(Double.parseDouble(a[c]))),
            "column " + c + " of update " + a[0] + ": " + expected.get(i) + " vs " + what + " " + actual.get(i));
      }
      for (int c : new int[] {4, 6}) { // acc_u gnorm
        double x = Double.parseDouble(a[c]);
        assertEquals(x, Double.parseDouble(b[c]), 0.1 * Math.abs(x) + 1e-3,
            "column " + c + " of update " + a[0] + ": " + expected.get(i) + " vs " + what + " " + actual.get(i));
      }
    }
  }

  /**
   * fairseq re-deals the shuffled batch list to the ranks every epoch. With spark.data_per_rank_gb=0 every epoch is a
   * barrier stage of its own whose shuffle brings each rank just that epoch's utterances; by default this small dataset
   * is replicated to both ranks and one stage runs every epoch. Both must train the very same batches: same losses,
   * and the per-epoch stages' log shows each rank's utterances changing from epoch to epoch.
   */
  @Test
  @Order(4)
  void perEpochShardStagesTrainWhatReplicatedShardsTrain() throws Exception {
    // 6 crops of <= 4 s per batch: 4 batches, 2 per rank, 2 updates per epoch, so 6 updates take 3 epochs
    String[] common = {"optimization.max_update=6", "checkpoint.save_interval_updates=0", "dataset.max_tokens=384000"};
    Path perEpoch = tmp.resolve("per-epoch");
    Path replicated = tmp.resolve("replicated");
    List<String> more = new ArrayList<>(List.of(common));
    more.add("spark.data_per_rank_gb=0");
    TrainingJob job = new TrainingJob(store);
    TrainingJob.Summary sa = job.run(config, overrides(more.toArray(String[]::new)), "train", "mfcc-k20", perEpoch, -1);
    TrainingJob.Summary sb = job.run(config, overrides(common), "train", "mfcc-k20", replicated, -1);
    System.out.printf("6 updates over 3 epochs: %.1f s with a stage per epoch, %.1f s in one replicated stage%n",
        sa.wallSeconds(), sb.wallSeconds());
    List<String> a = sa.progress();
    List<String> b = sb.progress();
    assertSameUpdates(b, a, "per-epoch stages");
    assertEquals("3", a.get(a.size() - 1).split("\t")[1], "6 updates end in epoch 3: " + a);
    for (int i = 1; i < a.size(); i++) { // wall_s counts from the job's start across its stages
      assertTrue(Double.parseDouble(a.get(i).split("\t")[10]) >= Double.parseDouble(a.get(i - 1).split("\t")[10]), a.toString());
    }

    List<JsonObject> stages = Files.readAllLines(perEpoch.resolve(TrainingJob.SHARDS_FILE)).stream()
        .map(l -> com.google.gson.JsonParser.parseString(l).getAsJsonObject()).toList();
    assertEquals(3, stages.size(), "one stage per epoch: " + stages);
    java.util.Set<String> rank0 = new java.util.HashSet<>();
    for (int e = 0; e < 3; e++) {
      JsonObject st = stages.get(e);
      assertEquals(e + 1, st.get("first_epoch").getAsInt(), st.toString());
      assertEquals(e + 1, st.get("last_epoch").getAsInt(), st.toString());
      assertEquals(false, st.get("replicated").getAsBoolean(), st.toString());
      assertEquals(24, st.get("audio_utterances").getAsInt(), "counts reconcile: " + st);
      assertEquals(24, st.get("labelled_utterances").getAsInt(), st.toString());
      assertEquals(0, st.get("dropped_too_short").getAsInt(), st.toString());
      var ranks = st.getAsJsonArray("ranks");
      assertEquals(2, ranks.size());
      int utterances = 0;
      for (var r : ranks) {
        assertTrue(r.getAsJsonObject().get("utterances").getAsInt() > 0, st.toString());
        utterances += r.getAsJsonObject().get("utterances").getAsInt();
      }
      assertTrue(utterances <= 24, "each utterance goes to at most one rank per epoch: " + st);
      rank0.add(ranks.get(0).getAsJsonObject().get("digest").getAsString());
    }
    assertTrue(rank0.size() > 1, "rank 0 got the same utterances in every epoch: " + stages);

    // a per-epoch stage streams its utterances in batch order: a rank killed in the middle of epoch 2 resumes from the
    // checkpoint after update 3 by passing over the batches of update 3 in the stream, and trains the same batches
    Path recovered = tmp.resolve("per-epoch-recovered");
    List<String> withFailure = new ArrayList<>(more);
    withFailure.set(1, "checkpoint.save_interval_updates=1");
    List<String> c = job.run(config, overrides(withFailure.toArray(String[]::new)), "train", "mfcc-k20", recovered, 3).progress();
    List<String> expected = b.stream().filter(l -> !l.startsWith("3\t")).toList(); // update 3's line is the failed attempt's
    assertSameUpdates(expected, c, "per-epoch stages with a rank killed at update 4");
    List<JsonObject> history = ProgressHistory.resolve(Files.readString(recovered.resolve("progress.jsonl")));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), history.stream().map(o -> o.get("update").getAsLong()).toList());
    List<String> one = Files.readAllLines(replicated.resolve(TrainingJob.SHARDS_FILE));
    assertEquals(1, one.size(), "one replicated stage for all epochs: " + one);
    assertTrue(one.get(0).contains("\"replicated\":true") && one.get(0).contains("\"last_epoch\":3"), one.get(0));
  }
}
