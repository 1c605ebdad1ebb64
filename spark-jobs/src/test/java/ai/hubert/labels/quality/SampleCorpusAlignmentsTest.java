package ai.hubert.labels.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bundled corpus's alignments ({@code sample-corpus/alignments.tsv}, packaged from
 * {@code data/sample-corpus}) against its manifest: each aligned utterance's frame labels cover exactly the
 * MFCC frame count {@code 1 + floor((N - 400) / 160)} of its audio (N = num_samples), with no padding.
 */
class SampleCorpusAlignmentsTest {
  @Test
  void framesCoverEveryMfccFrameExactly() throws IOException {
    PhoneAlignments alignments;
    try (InputStream in = resource("alignments.tsv")) {
      alignments = TsvAlignmentReader.read(in, "sample-corpus/alignments.tsv", AlignmentOptions.defaults());
    }
    Map<String, Long> samples = manifest();
    assertEquals(45, alignments.size());
    assertEquals(40, alignments.phoneSet().size(), "phones " + alignments.phoneSet());
    assertTrue(alignments.phoneSet().contains("pau"));
    for (String utt : alignments.utteranceIds()) {
      Long n = samples.get(utt);
      assertNotNull(n, utt + " in sample-corpus/manifest.tsv");
      for (FrameGrid grid : new FrameGrid[] {FrameGrid.MFCC_100HZ, FrameGrid.CONV_50HZ}) {
        int frames = grid.numFrames(n);
        String where = utt + " (N = " + n + ", alignment end " + alignments.durationSeconds(utt) + " s) at "
            + grid.frameRateHz() + " Hz";
        assertEquals(frames, alignments.numFrames(utt, grid), where + ": frame count from the alignment end");
        assertTrue(alignments.coveredFrames(utt, grid) >= frames, where + ": every frame centre is inside a segment");
        assertEquals(frames, alignments.phoneFrames(utt, grid).length, where);
      }
    }
  }

  private static Map<String, Long> manifest() throws IOException {
    Map<String, Long> samples = new HashMap<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(resource("manifest.tsv"),
        StandardCharsets.UTF_8))) {
      reader.readLine(); // root
      String line;
      while ((line = reader.readLine()) != null) {
        String[] parts = line.split("\t");
        String name = parts[0].substring(parts[0].lastIndexOf('/') + 1);
        samples.put(name.substring(0, name.lastIndexOf('.')), Long.parseLong(parts[1]));
      }
    }
    return samples;
  }

  private static InputStream resource(String name) {
    InputStream in = SampleCorpusAlignmentsTest.class.getResourceAsStream("/sample-corpus/" + name);
    assertNotNull(in, "sample-corpus/" + name + " on the classpath (spark-jobs packages data/sample-corpus)");
    return in;
  }
}
