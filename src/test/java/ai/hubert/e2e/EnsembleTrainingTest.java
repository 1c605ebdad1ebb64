package ai.hubert.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.audio.ingest.IngestJob;
import ai.hubert.features.MfccJob;
import ai.hubert.labels.KMeansJob;
import ai.hubert.labels.LabelEnsembles;
import ai.hubert.labels.LabelJob;
import ai.hubert.labels.kmeans.KMeansFitter;
import ai.hubert.labels.product.ProductKMeansJob;
import ai.hubert.labels.product.SubSpaces;
import ai.hubert.spark.HubertSpark;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.LabelSchema;
import ai.hubert.store.Lineage;
import ai.hubert.store.StoreLocation;
import ai.hubert.training.TrainingJob;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Product k-means on MFCC (static / delta / delta-delta) published as one ensemble, then training on a plain label set
 * plus that ensemble (four label sets) with alpha = 0.5: per-set heads in the checkpoint, per-set metrics in progress.
 */
@Tag("cluster")
class EnsembleTrainingTest {
  @TempDir Path tmp;

  @Test
  void productKMeansEnsembleTrainsWithAPlainLabelSet() throws Exception {
    Path tree = tmp.resolve("tree");
    for (String rel : SampleCorpus.audioFiles().subList(0, 16)) {
      Files.createDirectories(tree.resolve(rel).getParent());
      try (InputStream in = SampleCorpus.open(rel)) {
        Files.write(tree.resolve(rel), in.readAllBytes());
      }
    }
    FeatureStore store = FeatureStore.attach(HubertSpark.builder().master("local[2]")
        .store(StoreLocation.of(tmp.resolve("store").toString())).forTests().getOrCreate());
    new IngestJob(store).run(tree.toString(), "ens", false);
    new MfccJob(store).run("ens", false);
    new KMeansJob(store).run("ens", "mfcc", "km20", new KMeansFitter().setK(20).setSampleFraction(1.0).setMaxIter(20), false);
    new LabelJob(store).run("ens", "km20", "mfcc-k20");

    ProductKMeansJob.Summary pq = new ProductKMeansJob(store).run("ens", "mfcc", "pq3x8", SubSpaces.parse("0:13,13:26,26:39"),
        new KMeansFitter().setK(8).setSampleFraction(1.0).setMaxIter(20));
    assertEquals(List.of("pq3x8-g0", "pq3x8-g1", "pq3x8-g2"), pq.members());
    assertEquals(pq.members(), LabelEnsembles.members(store, "ens", "pq3x8"));
    assertEquals(List.of("mfcc-k20", "pq3x8-g0", "pq3x8-g1", "pq3x8-g2"),
        LabelEnsembles.resolve(store, "ens", List.of("mfcc-k20", "pq3x8")));
    Lineage g0 = store.labelSetLineage("ens", "pq3x8-g0");
    Lineage g2 = store.labelSetLineage("ens", "pq3x8-g2");
    assertEquals("pq3x8", g2.get(LabelEnsembles.ENSEMBLE));
    assertEquals("pq3x8-g0,pq3x8-g1,pq3x8-g2", g2.get(LabelEnsembles.MEMBERS));
    assertEquals("26:39", g2.get("subspace"));
    assertEquals(g0.get("feature-snapshot-id"), g2.get("feature-snapshot-id"));
    assertEquals(g0.get("source-snapshot-id"), g2.get("source-snapshot-id"));
    long frames = 0;
    for (Row r : store.readLabelSet("ens", "pq3x8-g1").select(LabelSchema.NUM_FRAMES, LabelSchema.LABELS).collectAsList()) {
      int[] labels = LabelSchema.unpack((byte[]) r.get(1));
      assertEquals(r.getInt(0), labels.length);
      frames += labels.length;
      for (int l : labels) {
        assertTrue(l >= 0 && l < 8, "label " + l);
      }
    }
    assertEquals(pq.frames(), frames);

    Path config = Path.of(System.getProperty("hubert.repo.root", "..")).resolve("conf/pretrain/tiny_cpu.yaml");
    List<String> overrides = List.of("optimization.max_update=2", "lr_scheduler.warmup_updates=1", "common.log_interval=1",
        "distributed_training.distributed_world_size=1", "dataset.max_tokens=128000", "criterion.pred_masked_weight=0.5",
        "criterion.pred_nomask_weight=0.5");
    TrainingJob.Summary s = new TrainingJob(store).run(config, overrides, "ens", "mfcc-k20,pq3x8", tmp.resolve("run"), -1);
    assertEquals(2, s.lastUpdate());
    String[] last = s.progress().get(s.progress().size() - 1).split("\t");
    assertEquals(12 + 2 * 4, last.length, "loss_m_i and acc_m_i for each of the 4 label sets: " + String.join(" ", last));
    double sum = 0;
    for (int i = 0; i < 4; i++) {
      double loss = Double.parseDouble(last[12 + 2 * i]);
      assertTrue(Double.isFinite(loss) && loss > 0, "loss_m_" + i + " " + loss);
      sum += loss;
    }
    assertEquals(Double.parseDouble(last[2]), sum, 1e-3 * sum, "loss_m is the sum over the label sets");
    Path checkpoint = Path.of(URI.create(s.lastCheckpoint()));
    var model = JsonParser.parseString(Files.readString(checkpoint.resolve("config.json"))).getAsJsonObject();
    assertEquals("[24,12,12,12]", model.get("label_set_classes").toString());
    assertEquals(0.5f, model.get("pred_nomask_weight").getAsFloat());
    assertTrue(Files.readString(tmp.resolve("run/progress.jsonl")).contains("\"acc_m_3\": "));
  }
}
