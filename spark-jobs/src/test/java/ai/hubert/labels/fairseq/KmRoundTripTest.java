package ai.hubert.labels.fairseq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.audio.ingest.IngestJob;
import ai.hubert.labels.LabelAudit;
import ai.hubert.store.AudioSchema;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.LabelSchema;
import ai.hubert.store.LabelSetRejectedException;
import ai.hubert.testing.TestSpark;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fairseq .km import → store → export, and the strict checks of the import. */
class KmRoundTripTest {
  static final String DATASET = "km";
  @TempDir static Path tmp;
  static FeatureStore store;
  static List<Row> audio;

  @BeforeAll
  static void ingest() throws Exception {
    store = TestSpark.store(tmp.resolve("store"));
    Path tree = tmp.resolve("tree");
    for (String rel : SampleCorpus.audioFiles().subList(10, 14)) {
      Files.createDirectories(tree.resolve(rel).getParent());
      try (InputStream in = SampleCorpus.open(rel)) {
        Files.write(tree.resolve(rel), in.readAllBytes());
      }
    }
    new IngestJob(store).run(tree.toString(), DATASET, false);
    audio = store.read(store.audio(DATASET)).orderBy(AudioSchema.INPUT_ORDER).collectAsList();
  }

  /** A .km text with one line per utterance; {@code delta} frames added to the line of utterance {@code bad}. */
  static String km(int rate, int bad, int delta) {
    StringBuilder sb = new StringBuilder();
    for (int u = 0; u < audio.size(); u++) {
      int frames = LabelAudit.expectedFrames(audio.get(u).<Integer>getAs(AudioSchema.NUM_SAMPLES), rate) + (u == bad ? delta : 0);
      for (int t = 0; t < frames; t++) {
        sb.append(t == 0 ? "" : " ").append((u * 31 + t * 7) % 50);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  @Test
  void importedLabelsExportBackToTheSameFile() throws Exception {
    Path in = tmp.resolve("in/train.km");
    Files.createDirectories(in.getParent());
    String original = km(50, -1, 0);
    Files.writeString(in, original);
    KmImport.Summary s = new KmImport(store).run(DATASET, in.toString(), 50, "imported-50hz", 50);
    assertEquals(audio.size(), s.utterances());
    assertEquals("50", store.labelSetLineage(DATASET, "imported-50hz").get("label-rate-hz"));

    Path prefix = tmp.resolve("out/train");
    new KmExport(store).run(DATASET, "imported-50hz", prefix.toString());
    assertEquals(original, Files.readString(Path.of(prefix + ".km")));
    List<String> dict = Files.readAllLines(prefix.getParent().resolve("dict.km.txt"));
    assertEquals(50, dict.size());
    assertEquals("0 1", dict.get(0));
    assertEquals("49 1", dict.get(49));
    List<String> tsv = Files.readAllLines(Path.of(prefix + ".tsv"));
    assertEquals(audio.size() + 1, tsv.size());
    assertEquals(audio.get(0).<String>getAs(AudioSchema.REL_PATH) + "\t" + audio.get(0).<Integer>getAs(AudioSchema.NUM_SAMPLES), tsv.get(1));
  }

  @Test
  void aLineOffByOneFrameIsAcceptedAndOffByTwoIsRejectedNamingTheUtterance() throws Exception {
    Path ok = tmp.resolve("ok.km");
    Files.writeString(ok, km(100, 1, 1));
    new KmImport(store).run(DATASET, ok.toString(), 100, "off-by-one", 50);
    int[] second = LabelSchema.unpack((byte[]) store.readLabelSet(DATASET, "off-by-one").orderBy(LabelSchema.INPUT_ORDER)
        .collectAsList().get(1).getAs(LabelSchema.LABELS));
    assertEquals(LabelAudit.expectedFrames(audio.get(1).<Integer>getAs(AudioSchema.NUM_SAMPLES), 100) + 1, second.length);

    Path bad = tmp.resolve("bad.km");
    Files.writeString(bad, km(100, 2, -2));
    LabelSetRejectedException e = assertThrows(LabelSetRejectedException.class,
        () -> new KmImport(store).run(DATASET, bad.toString(), 100, "off-by-two", 50));
    String utt = audio.get(2).getAs(AudioSchema.UTT_ID);
    int expected = LabelAudit.expectedFrames(audio.get(2).<Integer>getAs(AudioSchema.NUM_SAMPLES), 100);
    assertTrue(e.getMessage().contains(utt) && e.getMessage().contains("expected " + expected + " labels")
        && e.getMessage().contains("found " + (expected - 2)), e.getMessage());
    assertFalse(store.labelSetTags(DATASET).contains("off-by-two"));
  }

  @Test
  void aFileWithTheWrongNumberOfLinesIsRejected() throws Exception {
    Path shortFile = tmp.resolve("short.km");
    String text = km(100, -1, 0);
    Files.writeString(shortFile, text.substring(0, text.lastIndexOf('\n', text.length() - 2) + 1));
    LabelSetRejectedException e = assertThrows(LabelSetRejectedException.class,
        () -> new KmImport(store).run(DATASET, shortFile.toString(), 100, "short", 50));
    assertTrue(e.getMessage().contains("has " + (audio.size() - 1) + " lines") && e.getMessage().contains("has " + audio.size() + " utterances"),
        e.getMessage());
    Path wrongK = tmp.resolve("k.km");
    Files.writeString(wrongK, km(100, -1, 0));
    LabelSetRejectedException k = assertThrows(LabelSetRejectedException.class,
        () -> new KmImport(store).run(DATASET, wrongK.toString(), 100, "small-k", 10));
    assertTrue(k.getMessage().contains("expected 0..9"), k.getMessage());
    List<String> tags = new ArrayList<>(store.labelSetTags(DATASET));
    assertFalse(tags.contains("short") || tags.contains("small-k"), tags.toString());
  }
}
