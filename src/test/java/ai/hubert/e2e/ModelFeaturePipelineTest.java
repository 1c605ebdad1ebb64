package ai.hubert.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hubert.audio.Pcm16;
import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.audio.ingest.IngestJob;
import ai.hubert.features.model.HubertFeatureJob;
import ai.hubert.labels.KMeansJob;
import ai.hubert.labels.LabelJob;
import ai.hubert.labels.kmeans.KMeansFitter;
import ai.hubert.model.FeatureExtractor;
import ai.hubert.model.HubertModel;
import ai.hubert.model.checkpoint.HubertCheckpoint;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.spark.HubertSpark;
import ai.hubert.store.AudioSchema;
import ai.hubert.store.FeatureSchema;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.LabelSchema;
import ai.hubert.store.StoreLocation;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iteration-2 style labels: layer features of a HuBERT checkpoint extracted on executors, k-means on
 * them, and 50 Hz labels recomputed from audio through the same checkpoint; checked against extracting
 * directly with the model API.
 */
class ModelFeaturePipelineTest {
  @TempDir Path tmp;

  @Test
  void extractClusterAndLabelFromCheckpointFeatures() throws Exception {
    Path checkpoint = tmp.resolve("ckpt");
    try (NDManager manager = NDManager.newBaseManager(); HubertModel model = HubertModel.create(manager, HubertConfig.tiny(), 7)) {
      HubertCheckpoint.save(model, "{\"test\": true}", checkpoint);
    }
    Path tree = tmp.resolve("tree");
    for (String rel : SampleCorpus.audioFiles().subList(30, 38)) {
      Files.createDirectories(tree.resolve(rel).getParent());
      try (InputStream in = SampleCorpus.open(rel)) {
        Files.write(tree.resolve(rel), in.readAllBytes());
      }
    }
    FeatureStore store = FeatureStore.attach(HubertSpark.builder().master("local[2]")
        .store(StoreLocation.of(tmp.resolve("store").toString())).forTests().getOrCreate());
    new IngestJob(store).run(tree.toString(), "it2", false);

    HubertFeatureJob.Summary extracted = new HubertFeatureJob(store).run("it2", checkpoint.toString(), 2, "tiny_l2");
    assertEquals(8, extracted.utterances());
    assertEquals(HubertConfig.tiny().embedDim(), extracted.dim());

    Row first = store.read(store.features("it2", "tiny_l2")).orderBy(FeatureSchema.INPUT_ORDER).first();
    byte[] pcm = store.read(store.audio("it2")).orderBy(AudioSchema.INPUT_ORDER).first().getAs(AudioSchema.PCM);
    try (NDManager manager = NDManager.newBaseManager(); HubertModel model = HubertCheckpoint.load(manager, checkpoint)) {
      NDArray direct = FeatureExtractor.fairseq(model, 2).extract(manager, Pcm16.toFloat(pcm));
      float[] expected = direct.toFloatArray();
      List<Float> stored = first.getList(first.fieldIndex(FeatureSchema.FEATURES));
      assertEquals(expected.length, stored.size());
      double max = 0;
      for (int i = 0; i < expected.length; i++) {
        max = Math.max(max, Math.abs(expected[i] - stored.get(i)));
      }
      assertTrue(max < 1e-5, "executor features equal direct extraction: max |diff| " + max);
      assertEquals((int) direct.getShape().get(0), first.<Integer>getAs(FeatureSchema.NUM_FRAMES));
    }

    new KMeansJob(store).run("it2", "tiny_l2", "tiny-l2-k8", new KMeansFitter().setK(8).setSampleFraction(1.0), false);
    LabelJob.Summary labels = new LabelJob(store).run("it2", "tiny-l2-k8", "it1-l2-k8");
    assertEquals(8, labels.utterances());
    assertEquals(extracted.frames(), labels.frames(), "one 50 Hz label per extracted frame");
    assertEquals("50", store.labelSetLineage("it2", "it1-l2-k8").get("label-rate-hz"));
    for (Row r : store.readLabelSet("it2", "it1-l2-k8").collectAsList()) {
      assertEquals(50, r.<Integer>getAs(LabelSchema.LABEL_RATE_HZ));
    }
  }
}
