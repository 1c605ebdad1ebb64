package ai.hubert.audio.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.audio.DecodedAudio;
import ai.hubert.audio.AudioDecoder;
import ai.hubert.audio.Pcm16;
import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.store.AudioSchema;
import ai.hubert.store.FeatureStore;
import ai.hubert.testing.TestSpark;
import ai.hubert.testing.Wav;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestJobTest {
  @TempDir static Path tmp;
  static FeatureStore store;
  static List<String> corpus;

  @BeforeAll
  static void setUp() {
    store = TestSpark.store(tmp.resolve("store"));
    corpus = SampleCorpus.audioFiles();
  }

  private static byte[] corpusFile(int i) throws Exception {
    try (InputStream in = SampleCorpus.open(corpus.get(i))) {
      return in.readAllBytes();
    }
  }

  @Test
  void everyKindOfBadInputIsRejectedWithItsReasonAndCountsReconcile() throws Exception {
    Path tree = tmp.resolve("bad-tree");
    byte[] good = corpusFile(0);
    Files.createDirectories(tree.resolve("spk1/book1"));
    Files.createDirectories(tree.resolve("spk1/book2"));
    Files.write(tree.resolve("spk1/book1/good-1.flac"), good);
    Files.write(tree.resolve("spk1/book1/good-2.flac"), corpusFile(1));
    byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
    Files.write(tree.resolve("spk1/book1/truncated.flac"), truncated);
    byte[] corrupt = good.clone();
    for (int i = good.length / 2; i < good.length / 2 + 64; i++) {
      corrupt[i] ^= 0x5a;
    }
    Files.write(tree.resolve("spk1/book1/corrupt.flac"), corrupt);
    Files.write(tree.resolve("spk1/book1/empty.flac"), new byte[0]);
    Wav.write(tree.resolve("spk1/book1/rate8k.wav"), 8000, 1, 16, 8000);
    Wav.write(tree.resolve("spk1/book1/stereo.wav"), 16000, 2, 16, 16000);
    Wav.write(tree.resolve("spk1/book1/deep24.wav"), 16000, 1, 24, 16000);
    Wav.write(tree.resolve("spk1/book1/short.wav"), 16000, 1, 16, 399);
    Wav.write(tree.resolve("spk1/book1/ok-wav.wav"), 16000, 1, 16, 400);
    Files.write(tree.resolve("spk1/book2/good-1.flac"), corpusFile(2)); // duplicate utt id
    Wav.write(tree.resolve("toplevel.wav"), 16000, 1, 16, 1600); // outside the layout
    Files.writeString(tree.resolve("spk1/book1/notes.txt"), "not audio");

    IngestSummary s = new IngestJob(store).run(tree.toString(), "badtree", false);

    assertEquals(12, s.found());
    assertEquals(s.found(), s.ingested() + s.rejected(), "found = ingested + rejected");
    assertEquals(3, s.ingested());
    Map<String, String> reasonByPath = new HashMap<>();
    for (Row r : store.read(store.audioRejects("badtree")).collectAsList()) {
      reasonByPath.put(r.getAs(AudioSchema.REL_PATH), r.getAs(AudioSchema.REASON));
      String detail = r.getAs(AudioSchema.DETAIL);
      assertTrue(detail.contains((String) r.getAs(AudioSchema.REL_PATH)), "detail names the file: " + detail);
    }
    assertEquals("TRUNCATED", reasonByPath.get("spk1/book1/truncated.flac"));
    assertEquals("CORRUPT", reasonByPath.get("spk1/book1/corrupt.flac"));
    assertEquals("UNSUPPORTED_FORMAT", reasonByPath.get("spk1/book1/empty.flac"));
    assertEquals("WRONG_SAMPLE_RATE", reasonByPath.get("spk1/book1/rate8k.wav"));
    assertEquals("NOT_MONO", reasonByPath.get("spk1/book1/stereo.wav"));
    assertEquals("NOT_16_BIT", reasonByPath.get("spk1/book1/deep24.wav"));
    assertEquals("TOO_SHORT", reasonByPath.get("spk1/book1/short.wav"));
    assertEquals("DUPLICATE_UTT_ID", reasonByPath.get("spk1/book2/good-1.flac"));
    assertEquals("BAD_LAYOUT", reasonByPath.get("toplevel.wav"));
    assertEquals(9, reasonByPath.size());

    List<Row> audio = store.read(store.audio("badtree")).orderBy(AudioSchema.INPUT_ORDER).collectAsList();
    assertEquals(List.of("good-1", "good-2", "ok-wav"), audio.stream().map(r -> (String) r.getAs(AudioSchema.UTT_ID)).toList());
    Row first = audio.get(0);
    assertEquals("spk1", first.getAs(AudioSchema.SPEAKER));
    assertEquals("book1", first.getAs(AudioSchema.BOOK));
    DecodedAudio direct = new AudioDecoder(16000).decode("good", good);
    assertTrue(java.util.Arrays.equals(direct.pcm16(), (byte[]) first.getAs(AudioSchema.PCM)), "stored PCM is the decoded PCM");
    assertEquals(Pcm16.sha256(direct.pcm16()), first.getAs(AudioSchema.PCM_SHA256));
  }

  @Test
  void manifestLengthMismatchesMalformedLinesAndMissingFilesAreRejected() throws Exception {
    Path root = tmp.resolve("manifest-root");
    Files.createDirectories(root.resolve("a/b"));
    Files.write(root.resolve("a/b/u1.flac"), corpusFile(3));
    Files.write(root.resolve("a/b/u2.flac"), corpusFile(4));
    int n1 = new AudioDecoder(16000).decode("u1", corpusFile(3)).numSamples();
    Path manifest = tmp.resolve("train.tsv");
    Files.writeString(manifest, root + "\n"
        + "a/b/u1.flac\t" + n1 + "\n"
        + "a/b/u2.flac\t12345\n"
        + "a/b/missing.flac\t16000\n"
        + "a/b/u3.flac\n");

    IngestSummary s = new IngestJob(store).run(manifest.toString(), "manifest", false);

    assertEquals(4, s.found());
    assertEquals(1, s.ingested());
    assertEquals(Map.of("BAD_LAYOUT", 1L, "MANIFEST_LENGTH_MISMATCH", 1L, "UNREADABLE", 1L), s.rejectedByReason());
    Row mismatch = store.read(store.audioRejects("manifest")).where("reason = 'MANIFEST_LENGTH_MISMATCH'").first();
    assertTrue(mismatch.<String>getAs(AudioSchema.DETAIL).contains("12345"), mismatch.toString());
  }

  @Test
  void reIngestOfAnUnchangedInputIsANoOpAndAChangedInputIsReIngested() throws Exception {
    Path tree = tmp.resolve("idem");
    Files.createDirectories(tree.resolve("s/b"));
    Files.write(tree.resolve("s/b/x1.flac"), corpusFile(5));
    IngestSummary first = new IngestJob(store).run(tree.toString(), "idem", false);
    long snapshots = store.spark().sql("SELECT count(*) FROM hubert.idem.audio.snapshots").first().getLong(0);
    assertFalse(first.alreadyIngested());

    IngestSummary again = new IngestJob(store).run(tree.toString(), "idem", false);
    assertTrue(again.alreadyIngested());
    assertEquals(first.ingested(), again.ingested());
    assertEquals(snapshots, store.spark().sql("SELECT count(*) FROM hubert.idem.audio.snapshots").first().getLong(0),
        "a no-op commits nothing");

    Files.write(tree.resolve("s/b/x2.flac"), corpusFile(6));
    IngestSummary changed = new IngestJob(store).run(tree.toString(), "idem", false);
    assertFalse(changed.alreadyIngested());
    assertEquals(2, changed.ingested());
    assertEquals(2, store.read(store.audio("idem")).count(), "a re-ingest replaces, never duplicates");
  }
}
