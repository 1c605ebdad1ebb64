package ai.hubert.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.audio.AudioDecoder;
import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.features.mfcc.KaldiMfcc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's pipeline through the CLI contract on Spark local[2]: ingest the bundled corpus, compute
 * MFCC, export fairseq files, and check the files against the plain Java computation utterance by utterance.
 */
class SampleCorpusPipelineTest {
  @TempDir Path tmp;

  private String cli(String... args) {
    return new Cli(tmp.resolve("store")).run(args);
  }

  @Test
  void ingestMfccExportMatchesTheDirectJavaComputation() throws Exception {
    String ingest = cli("ingest");
    assertTrue(ingest.contains("found = ingested + rejected: 90 = 90 + 0"), ingest);
    String list = cli("store", "list");
    assertTrue(list.contains("sample.audio") && list.contains("sample.audio_rejects"), list);
    String sql = cli("store", "sql", "SELECT count(*) AS n, sum(num_samples) > 0 AS has_audio FROM hubert.sample.audio");
    assertTrue(sql.contains("90") && sql.contains("true") && sql.contains("(1 row)"), sql);
    String mfcc = cli("mfcc", "--dataset", "sample");
    assertTrue(mfcc.contains("90 utterances"), mfcc);
    Path prefix = tmp.resolve("out/train_0_1");
    cli("export-features", "--dataset", "sample", "--features", "mfcc", "--format", "fairseq", "--output-prefix", prefix.toString());

    List<String> tsv = Files.readAllLines(Path.of(prefix + ".tsv"));
    List<String> len = Files.readAllLines(Path.of(prefix + ".len"));
    Npy npy = Npy.parse(Files.readAllBytes(Path.of(prefix + ".npy")));
    Path root = Path.of(tsv.get(0));
    assertEquals(tmp.resolve("store/corpora/sample").toAbsolutePath(), root);
    assertEquals(91, tsv.size());
    assertEquals(90, len.size());
    assertEquals(39, npy.cols);

    List<String> expectedOrder = SampleCorpus.audioFiles().stream().sorted().toList();
    KaldiMfcc kaldi = new KaldiMfcc();
    AudioDecoder decoder = new AudioDecoder(16000);
    long offset = 0;
    double maxDiff = 0;
    for (int i = 0; i < 90; i++) {
      String[] entry = tsv.get(i + 1).split("\t");
      assertEquals(expectedOrder.get(i), entry[0], "export keeps the input order");
      byte[] pcm = decoder.decode(entry[0], Files.readAllBytes(root.resolve(entry[0]))).pcm16();
      assertEquals(pcm.length / 2, Integer.parseInt(entry[1]), "num_samples of " + entry[0]);
      float[] direct = kaldi.computePcm16(pcm);
      int frames = Integer.parseInt(len.get(i));
      assertEquals(kaldi.numFrames(pcm.length / 2), frames, "frame count of " + entry[0]);
      assertEquals(direct.length, frames * 39);
      for (int k = 0; k < direct.length; k++) {
        maxDiff = Math.max(maxDiff, Math.abs(direct[k] - npy.data[(int) (offset * 39 + k)]));
      }
      offset += frames;
    }
    assertEquals(npy.rows, offset, ".npy rows = sum of .len");
    assertEquals(0.0, maxDiff, "Spark features equal the plain Java API's");

    String again = cli("ingest");
    assertTrue(again.contains("no-op"), again);
  }
}
