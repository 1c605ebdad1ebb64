package ai.hubert.labels.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Agreement with the re-implementation of fairseq's {@code measure_teacher_quality.py} in
 * {@code scripts/fixtures/make_quality_fixture.py} (20 utterances, 40 phones with stress digits, 100 clusters).
 */
class LabelQualityReferenceTest {
  private static final String DIR = "/fixtures/quality/";
  private static final double TOL = 1e-9;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("hz100", "labels_100hz.tsv", 100.0, 0),
        Arguments.of("hz50", "labels_50hz.tsv", 50.0, 0),
        Arguments.of("hz100_pad1", "labels_100hz.tsv", 100.0, 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesReferenceScript(String name, String labelFile, double rate, int padLen) throws IOException {
    PhoneAlignments ref = alignments(AlignmentOptions.defaults());
    Map<String, int[]> labels = new LinkedHashMap<>();
    for (String line : lines(labelFile)) {
      String[] parts = line.split("\t");
      labels.put(parts[0], Stream.of(parts[1].split(" ")).mapToInt(Integer::parseInt).toArray());
    }
    QualityReport r = LabelQuality.evaluate(ref, labels, rate, padLen);
    Map<String, String> expected = new LinkedHashMap<>();
    for (String line : lines("expected_metrics.tsv").subList(1, lines("expected_metrics.tsv").size())) {
      String[] parts = line.split("\t");
      if (parts[0].equals(name)) {
        expected.put(parts[1], parts[2]);
      }
    }
    assertEquals(15, expected.size(), "metrics of case " + name);
    assertEquals(Double.parseDouble(expected.get("ref_pur")), r.phonePurity(), TOL, "ref pur");
    assertEquals(Double.parseDouble(expected.get("hyp_pur")), r.clusterPurity(), TOL, "hyp pur");
    assertEquals(Double.parseDouble(expected.get("H_ref")), r.hRef(), TOL, "H(ref)");
    assertEquals(Double.parseDouble(expected.get("H_hyp")), r.hHyp(), TOL, "H(hyp)");
    assertEquals(Double.parseDouble(expected.get("MI")), r.mi(), TOL, "MI");
    assertEquals(Double.parseDouble(expected.get("MI_over_H_ref")), r.pnmi(), TOL, "MI/H(ref)");
    assertEquals(Double.parseDouble(expected.get("ref_segL")), r.refSegLen(), TOL, "ref segL");
    assertEquals(Double.parseDouble(expected.get("hyp_segL")), r.hypSegLen(), TOL, "hyp segL");
    assertEquals(Integer.parseInt(expected.get("p_xy_rows")), r.phones(), "p_xy rows");
    assertEquals(Integer.parseInt(expected.get("p_xy_cols")), r.clusters(), "p_xy cols");
    assertEquals(Long.parseLong(expected.get("frm_tot")), r.frames(), "frm tot");
    assertEquals(Long.parseLong(expected.get("frm_diff")), r.frameDiff(), "frm diff");
    assertEquals(Integer.parseInt(expected.get("utt_tot")), r.utterances(), "utt tot");
    assertEquals(Integer.parseInt(expected.get("utt_miss")), r.utterancesSkipped(), "utt miss");
    assertEquals(Integer.parseInt(expected.get("frm_diff_utts")), r.mismatchedUtterances(), "mismatched utts");
    assertEquals(1, r.labelUtterancesWithoutAlignment());
    assertEquals(r.utterances() - r.utterancesSkipped(), r.utterancesUsed());
  }

  @ParameterizedTest(name = "removeStress={0}")
  @MethodSource("stress")
  void frameConversionMatchesReferencePhoneFrames(boolean removeStress) throws IOException {
    PhoneAlignments ref = alignments(AlignmentOptions.defaults().withRemoveStress(removeStress));
    List<String> frameLines = lines("ref_frames.tsv");
    assertEquals(20, frameLines.size());
    assertEquals(20, ref.size());
    for (String line : frameLines) {
      String[] parts = line.split("\t");
      String[] expected = parts[1].split(",");
      if (removeStress) {
        expected = Stream.of(expected).map(p -> p.replaceAll("[0-9]", "")).toArray(String[]::new);
      }
      assertArrayEquals(expected, ref.phoneFrames(parts[0], FrameGrid.MFCC_100HZ), "utterance " + parts[0]);
    }
    assertEquals(removeStress ? 40 : 40 + 15 * 2, ref.phoneSet().size(), "phones " + ref.phoneSet());
  }

  static Stream<Boolean> stress() {
    return Stream.of(true, false);
  }

  private static PhoneAlignments alignments(AlignmentOptions options) throws IOException {
    try (InputStream in = resource("alignments.tsv")) {
      return TsvAlignmentReader.read(in, DIR + "alignments.tsv", options);
    }
  }

  private static List<String> lines(String file) throws IOException {
    List<String> lines = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(resource(file), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.add(line);
      }
    }
    return lines;
  }

  private static InputStream resource(String file) {
    InputStream in = LabelQualityReferenceTest.class.getResourceAsStream(DIR + file);
    assertNotNull(in, DIR + file + " on the test classpath (made by scripts/fixtures/make_quality_fixture.py)");
    return in;
  }
}
