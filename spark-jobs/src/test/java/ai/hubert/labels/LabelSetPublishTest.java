package ai.hubert.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.audio.ingest.IngestJob;
import ai.hubert.store.AudioSchema;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.LabelSchema;
import ai.hubert.store.LabelSetRejectedException;
import ai.hubert.store.Lineage;
import ai.hubert.testing.TestSpark;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Write-audit-publish of label sets: what gets published, what is refused, and what stays invisible. */
class LabelSetPublishTest {
  static final String DATASET = "wap";
  static final int K = 7;

  @TempDir static Path tmp;
  static FeatureStore store;

  @BeforeAll
  static void ingest() throws Exception {
    store = TestSpark.store(tmp.resolve("store"));
    Path tree = tmp.resolve("tree");
    for (String rel : SampleCorpus.audioFiles().subList(0, 6)) {
      Files.createDirectories(tree.resolve(rel).getParent());
      try (InputStream in = SampleCorpus.open(rel)) {
        Files.write(tree.resolve(rel), in.readAllBytes());
      }
    }
    new IngestJob(store).run(tree.toString(), DATASET, false);
  }

  /** One row per utterance with frame t labelled (t + shift) mod K, from the audio lengths. */
  static Dataset<Row> labels(int shift, int extraFrames, int labelValueOverride) {
    List<Row> rows = new ArrayList<>();
    for (Row a : store.read(store.audio(DATASET)).select(AudioSchema.UTT_ID, AudioSchema.INPUT_ORDER, AudioSchema.NUM_SAMPLES)
        .collectAsList()) {
      int frames = LabelAudit.expectedFrames(a.getInt(2), 100) + extraFrames;
      short[] labels = new short[frames];
      for (int t = 0; t < frames; t++) {
        labels[t] = (short) (labelValueOverride >= 0 && t == 3 ? labelValueOverride : (t + shift) % K);
      }
      rows.add(RowFactory.create(a.getString(0), a.getLong(1), frames, 100, LabelSchema.pack(labels)));
    }
    return store.spark().createDataFrame(rows, LabelSchema.ROWS);
  }

  static long publish(String tag, Dataset<Row> rows) {
    return store.publishLabelSet(DATASET, tag, rows).lineage(Lineage.builder("test").put("k", K).build())
        .audit(new LabelAudit(store.read(store.audio(DATASET)), K, 100, 0)).commit();
  }

  static long rowsOnMain(String tag) {
    return store.read(store.labels(DATASET)).where(LabelSchema.LABEL_SET + " = '" + tag + "'").count();
  }

  static List<String> branches() {
    return store.spark().sql("SELECT name FROM " + store.labels(DATASET).qualified() + ".refs WHERE type = 'BRANCH' AND name <> 'main'")
        .as(Encoders.STRING()).collectAsList();
  }

  @Test
  void aPublishedLabelSetIsReadableByItsTagWithItsLineage() {
    publish("good-a", labels(0, 0, -1));
    Dataset<Row> read = store.readLabelSet(DATASET, "good-a");
    assertEquals(6, read.count());
    Row first = read.orderBy(LabelSchema.INPUT_ORDER).first();
    int[] labels = LabelSchema.unpack((byte[]) first.getAs(LabelSchema.LABELS));
    assertEquals(1, labels[1]);
    assertEquals("7", store.labelSetLineage(DATASET, "good-a").get("k"));
    assertEquals("good-a", store.labelSetLineage(DATASET, "good-a").get("label-set"));
    assertTrue(store.labelSetTags(DATASET).contains("good-a"));
    assertEquals(6, rowsOnMain("good-a"), "published sets are also on the main branch");
    assertTrue(branches().isEmpty(), "staging branches are removed: " + branches());
  }

  @Test
  void republishingAnExistingTagIsRefusedAndTheOriginalIsUnchanged() {
    publish("taken", labels(0, 0, -1));
    LabelSetRejectedException e = assertThrows(LabelSetRejectedException.class, () -> publish("taken", labels(3, 0, -1)));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    int[] labels = LabelSchema.unpack((byte[]) store.readLabelSet(DATASET, "taken").orderBy(LabelSchema.INPUT_ORDER).first()
        .getAs(LabelSchema.LABELS));
    assertEquals(0, labels[0], "the first publication stays");
    assertEquals(6, rowsOnMain("taken"));
  }

  @Test
  void labelSetsFailingTheAuditAreNeverVisible() {
    LabelSetRejectedException missing = assertThrows(LabelSetRejectedException.class,
        () -> publish("bad-missing", labels(0, 0, -1).limit(5)));
    assertTrue(missing.getMessage().contains("missing from the label set"), missing.getMessage());

    LabelSetRejectedException length = assertThrows(LabelSetRejectedException.class, () -> publish("bad-length", labels(0, 2, -1)));
    assertTrue(length.getMessage().contains("expected") && length.getMessage().contains("frames"), length.getMessage());

    LabelSetRejectedException range = assertThrows(LabelSetRejectedException.class, () -> publish("bad-range", labels(0, 0, K)));
    assertTrue(range.getMessage().contains("has label 7, expected 0..6"), range.getMessage());

    for (String tag : List.of("bad-missing", "bad-length", "bad-range")) {
      assertFalse(store.labelSetTags(DATASET).contains(tag), tag);
      assertEquals(0, rowsOnMain(tag), tag);
      assertThrows(IllegalArgumentException.class, () -> store.readLabelSet(DATASET, tag));
    }
    assertTrue(branches().isEmpty(), "staging branches are removed: " + branches());
  }

  @Test
  void aJobKilledMidWriteLeavesEarlierTagsReadableAndNoPartialLabelSet() {
    publish("before-crash", labels(1, 0, -1));
    Dataset<Row> crashing = labels(0, 0, -1).map((MapFunction<Row, Row>) r -> {
      if (r.getLong(1) == 4) {
        throw new IllegalStateException("executor lost while labelling " + r.getString(0));
      }
      return r;
    }, Encoders.row(LabelSchema.ROWS));
    RuntimeException e = assertThrows(RuntimeException.class, () -> publish("crashed", crashing));
    assertTrue(e.getMessage().contains("writing the staged rows failed"), e.getMessage());
    assertFalse(store.labelSetTags(DATASET).contains("crashed"));
    assertEquals(0, rowsOnMain("crashed"));
    assertEquals(6, store.readLabelSet(DATASET, "before-crash").count());
    assertTrue(branches().isEmpty(), "staging branches are removed: " + branches());
    publish("crashed", labels(0, 0, -1)); // a rerun publishes cleanly
    assertEquals(6, store.readLabelSet(DATASET, "crashed").count());
  }

  @Test
  void twoLabelSetsPublishedConcurrentlyBothSucceed() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Long> a = pool.submit(() -> publish("concurrent-a", labels(2, 0, -1)));
      Future<Long> b = pool.submit(() -> publish("concurrent-b", labels(5, 0, -1)));
      a.get();
      b.get();
    } finally {
      pool.shutdown();
    }
    assertEquals(6, store.readLabelSet(DATASET, "concurrent-a").count());
    assertEquals(6, store.readLabelSet(DATASET, "concurrent-b").count());
    assertEquals(6, rowsOnMain("concurrent-a"));
    assertEquals(6, rowsOnMain("concurrent-b"));
    int[] a = LabelSchema.unpack((byte[]) store.readLabelSet(DATASET, "concurrent-a").orderBy(LabelSchema.INPUT_ORDER).first()
        .getAs(LabelSchema.LABELS));
    assertEquals(2, a[0]);
  }
}
