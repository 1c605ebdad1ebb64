package ai.hubert.relabel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.hubert.audio.Pcm16;
import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.audio.ingest.IngestJob;
import ai.hubert.features.model.HubertFeatureJob;
import ai.hubert.labels.KMeansModelRecord;
import ai.hubert.labels.assign.NearestCentroid;
import ai.hubert.labels.kmeans.UtteranceSample;
import ai.hubert.model.FeatureExtractor;
import ai.hubert.model.HubertModel;
import ai.hubert.model.checkpoint.HubertCheckpoint;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.store.AudioSchema;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.LabelSchema;
import ai.hubert.store.Lineage;
import ai.hubert.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relabel pipeline on 12 aligned utterances of the sample corpus with a tiny checkpoint in local[2]: a run
 * interrupted after k-means resumes without refitting, publishes exactly one copy of every utterance with the
 * checkpoint's lineage, labels equal the direct model path, a rerun is a no-op, an interrupted publish's staging
 * branch is cleaned up, and a taken tag is refused.
 */
class RelabelJobTest {
  @TempDir Path tmp;

  private String config(Path checkpoint, String extra) {
    return """
        relabel:
          dataset: rl
          checkpoint: %s
          layer: 2
          label_set: rnd-l{layer}-k{k}
        kmeans:
          k: 16
          sample_fraction: 0.5
          seed: 1
          max_iter: 20
        evaluate:
          alignments: sample-corpus
        """.formatted(checkpoint) + extra;
  }

  @Test
  void resumesAfterAFailureIsIdempotentAndPublishesWithLineage() throws Exception {
    Path checkpoint = tmp.resolve("ckpt-a");
    try (NDManager m = NDManager.newBaseManager(); HubertModel model = HubertModel.create(m, HubertConfig.tiny(), 7)) {
      HubertCheckpoint.save(model, "{}", checkpoint);
    }
    Path tree = tmp.resolve("tree");
    for (String rel : SampleCorpus.audioFiles().subList(45, 57)) { // speaker kal: has festival alignments
      Files.createDirectories(tree.resolve(rel).getParent());
      try (InputStream in = SampleCorpus.open(rel)) {
        Files.write(tree.resolve(rel), in.readAllBytes());
      }
    }
    FeatureStore store = TestSpark.store(tmp.resolve("store"));
    new IngestJob(store).run(tree.toString(), "rl", false);
    RelabelConfig cfg = RelabelConfig.parse("test.yaml", config(checkpoint, ""), List.of());

    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
    IllegalStateException killed = assertThrows(IllegalStateException.class,
        () -> new RelabelJob(store, out).failAfter(RelabelJob.FIT).run(cfg, false));
    assertTrue(killed.getMessage().contains("injected"), killed.getMessage());
    assertFalse(store.labelSetTags("rl").contains("rnd-l2-k16"), "nothing published by the interrupted run");
    long modelSnapshot = store.currentSnapshotId(store.kmeansModels("rl"));

    RelabelJob.Result r = new RelabelJob(store, out).run(cfg, false);
    String text = log.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("resuming run") && text.contains("k-means: done before"), text);
    assertEquals(modelSnapshot, store.currentSnapshotId(store.kmeansModels("rl")), "k-means was not refitted");
    assertEquals("rnd-l2-k16", r.labelSet());
    assertEquals(12, r.utterances());
    assertEquals(12, store.readLabelSet("rl", "rnd-l2-k16").count(), "every utterance exactly once");
    assertEquals(12, store.readLabelSet("rl", "rnd-l2-k16").select(LabelSchema.UTT_ID).distinct().count());
    assertTrue(r.quality().pnmi() > 0 && r.quality().pnmi() < 1, "PNMI " + r.quality().pnmi());

    Lineage lineage = store.labelSetLineage("rl", "rnd-l2-k16");
    assertEquals(HubertFeatureJob.sha256(store.spark(), checkpoint.toString()), lineage.get("checkpoint-sha256"));
    assertEquals("2", lineage.get("layer"));
    assertEquals("16", lineage.get("k"));
    assertEquals("0.5", lineage.get("sample-fraction"));
    assertEquals("50", lineage.get("label-rate-hz"));
    assertTrue(lineage.get("code-version") != null && lineage.get("relabel-fingerprint") != null, lineage.entries().toString());

    // k-means saw only the seeded sample of utterances
    KMeansModelRecord km = KMeansModelRecord.load(store, "rl", "rnd-l2-k16");
    long sampled = store.read(store.audio("rl")).where(UtteranceSample.keep(functions.col(AudioSchema.UTT_ID), 0.5, 1)).count();
    assertEquals(sampled, km.utterances());
    assertTrue(sampled > 0 && sampled < 12, "sampled " + sampled);

    // labels equal the model API + nearest stored centroid
    List<Row> audio = store.read(store.audio("rl")).orderBy(AudioSchema.INPUT_ORDER).limit(2).collectAsList();
    NearestCentroid nearest = new NearestCentroid(km.centroids(), km.k(), km.dim());
    try (NDManager m = NDManager.newBaseManager(); HubertModel model = HubertCheckpoint.load(m, checkpoint)) {
      for (Row a : audio) {
        float[] f = FeatureExtractor.fairseq(model, 2).extract(m, Pcm16.toFloat(a.getAs(AudioSchema.PCM))).toFloatArray();
        Row stored = store.readLabelSet("rl", "rnd-l2-k16").where(functions.col(LabelSchema.UTT_ID).equalTo(a.<String>getAs(AudioSchema.UTT_ID)))
            .first();
        assertArrayEquals(nearest.assign(f, f.length / km.dim()), LabelSchema.unpack(stored.getAs(LabelSchema.LABELS)),
            a.<String>getAs(AudioSchema.UTT_ID));
      }
    }

    log.reset();
    RelabelJob.Result again = new RelabelJob(store, out).run(cfg, false);
    assertTrue(again.alreadyDone());
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("already complete") && log.toString(StandardCharsets.UTF_8).contains("nothing to do"));
    assertEquals(12, store.readLabelSet("rl", "rnd-l2-k16").count());

    // a run killed while publishing leaves a staging branch: the rerun removes it and publishes once
    RelabelConfig k12 = RelabelConfig.parse("test.yaml", config(checkpoint, ""), List.of("kmeans.k=12"));
    assertThrows(IllegalStateException.class, () -> new RelabelJob(store, out).failAfter(RelabelJob.FIT).run(k12, false));
    Table labels = store.iceberg(store.labels("rl"));
    labels.manageSnapshots().createBranch("stage_rnd_l2_k12_0badf00d", labels.currentSnapshot().snapshotId()).commit();
    log.reset();
    RelabelJob.Result resumed = new RelabelJob(store, out).run(k12, false);
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("removed 1 staging branch"), log.toString(StandardCharsets.UTF_8));
    labels.refresh();
    assertFalse(labels.refs().containsKey("stage_rnd_l2_k12_0badf00d"));
    assertEquals(12, store.readLabelSet("rl", resumed.labelSet()).count());

    // another checkpoint may not take a published tag
    Path other = tmp.resolve("ckpt-b");
    try (NDManager m = NDManager.newBaseManager(); HubertModel model = HubertModel.create(m, HubertConfig.tiny(), 8)) {
      HubertCheckpoint.save(model, "{}", other);
    }
    IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
        () -> new RelabelJob(store, out).run(RelabelConfig.parse("test.yaml", config(other, ""), List.of()), false));
    assertTrue(taken.getMessage().contains("rnd-l2-k16") && taken.getMessage().contains("immutable"), taken.getMessage());
  }
}
