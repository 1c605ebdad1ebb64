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
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ranks train the tiny model in one Spark barrier stage with gradients all-reduced over TCP; one rank
 * is killed at update 4, Spark retries the stage, and both ranks resume from the update-3 checkpoint.
 */
class DistributedTrainingTest {
  @TempDir Path tmp;

  @Test
  void twoRanksTrainAndRecoverFromAKilledTask() throws Exception {
    Path tree = tmp.resolve("tree");
    for (String rel : SampleCorpus.audioFiles().subList(0, 24)) {
      Files.createDirectories(tree.resolve(rel).getParent());
      try (InputStream in = SampleCorpus.open(rel)) {
        Files.write(tree.resolve(rel), in.readAllBytes());
      }
    }
    FeatureStore store = FeatureStore.attach(HubertSpark.builder().master("local[2]")
        .store(StoreLocation.of(tmp.resolve("store").toString())).forTests().getOrCreate());
    new IngestJob(store).run(tree.toString(), "train", false);
    new MfccJob(store).run("train", false);
    new KMeansJob(store).run("train", "mfcc", "km20", new KMeansFitter().setK(20).setSampleFraction(1.0), false);
    new LabelJob(store).run("train", "km20", "mfcc-k20");

    Path config = Path.of(System.getProperty("hubert.repo.root", "..")).resolve("conf/pretrain/tiny_cpu.yaml");
    List<String> overrides = List.of("optimization.max_update=6", "lr_scheduler.warmup_updates=2", "checkpoint.save_interval_updates=3",
        "common.log_interval=1", "hubert.num_clusters=20", "dataset.max_tokens=128000");
    Path run = tmp.resolve("run");
    TrainingJob.Summary s = new TrainingJob(store).run(config, overrides, "train", "mfcc-k20", run, 4);

    assertNotNull(s.lastCheckpoint());
    assertTrue(s.lastCheckpoint().endsWith("/checkpoint_6"), s.lastCheckpoint());
    assertEquals(6, s.lastUpdate(), "accumulator hubert.train.update");
    List<String> lines = s.progress();
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("6\t")), "reached update 6: " + lines);
    assertTrue(lines.stream().anyMatch(l -> l.endsWith("\t3")), "a retried attempt resumed from update 3: " + lines);
    List<String> jsonl = Files.readAllLines(run.resolve("progress.jsonl"));
    assertTrue(jsonl.get(jsonl.size() - 1).startsWith("{\"update\": 6, \"epoch\": "), jsonl.get(jsonl.size() - 1));
    List<Long> history = ProgressHistory.resolve(String.join("\n", jsonl)).stream().map(o -> o.get("update").getAsLong()).toList();
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), history, "every update once after the resume rule: " + jsonl);
    for (String l : lines) {
      double loss = Double.parseDouble(l.split("\t")[2]);
      assertTrue(Double.isFinite(loss) && loss > 0, l);
    }
  }
}
