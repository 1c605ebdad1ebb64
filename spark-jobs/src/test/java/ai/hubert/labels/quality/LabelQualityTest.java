package ai.hubert.labels.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelQualityTest {
  private static final double TOL = 1e-12;

  /**
   * Utterance u1: phone a over [0, 0.09) s, b over [0.09, 0.115) s. N = 0.115 * 16000 = 1840 samples, so
   * T = 1 + floor((1840 - 400) / 160) = 10 frames with centres 0.0125 + 0.01 t: t = 0..7 (centres up to
   * 0.0825 s) are a, t = 8, 9 (0.0925, 0.1025 s) are b.
   */
  private static PhoneAlignments handAlignment() throws IOException {
    return tsv("utt_id\tstart_s\tend_s\tphone\n"
        + "u1\t0.000\t0.090\ta\n"
        + "u1\t0.090\t0.115\tb\n");
  }

  static PhoneAlignments tsv(String text) throws IOException {
    return TsvAlignmentReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "mem.tsv",
        AlignmentOptions.defaults());
  }

  @Test
  void handComputedTwoPhonesTwoClusters() throws IOException {
    // labels 7 7 7 7 7 3 3 3 3 3 at 100 Hz; phones a a a a a a a a b b
    // counts: (a,7) = 5, (a,3) = 3, (b,3) = 2, (b,7) = 0 over 10 frames
    // p_xy = [[a: 7 -> .5, 3 -> .3], [b: 7 -> 0, 3 -> .2]]; p_x = (a .8, b .2); p_y = (7 .5, 3 .5)
    // phone purity   = sum over clusters of max over phones = max(.5, 0) + max(.3, .2) = .8
    // cluster purity = sum over phones of max over clusters = max(.5, .3) + max(0, .2) = .7
    // H(ref) = -(.8 ln(.8 + 1e-8) + .2 ln(.2 + 1e-8))                       = 0.5004024035381882
    // H(hyp) = -2 * .5 ln(.5 + 1e-8)                                         = 0.6931471605599454
    // MI = .5 ln(.5/(.8*.5) + 1e-8) + .3 ln(.3/(.8*.5) + 1e-8) + .2 ln(.2/(.2*.5) + 1e-8)
    //    = .5 ln(1.25 + 1e-8) + .3 ln(.75 + 1e-8) + .2 ln(2 + 1e-8)         = 0.1638965990335596
    // PNMI = MI / H(ref) = 0.1638965990335596 / 0.5004024035381882          = 0.3275295999273749
    // ref segL = 10 frames / 2 runs = 5; hyp segL = 10 frames / 2 runs = 5
    QualityReport r = LabelQuality.evaluate(handAlignment(), Map.of("u1", new int[] {7, 7, 7, 7, 7, 3, 3, 3, 3, 3}),
        100);
    assertEquals(0.8, r.phonePurity(), TOL);
    assertEquals(0.7, r.clusterPurity(), TOL);
    assertEquals(0.5004024035381882, r.hRef(), TOL);
    assertEquals(0.6931471605599454, r.hHyp(), TOL);
    assertEquals(0.1638965990335596, r.mi(), TOL);
    assertEquals(0.3275295999273749, r.pnmi(), TOL);
    assertEquals(5.0, r.refSegLen(), TOL);
    assertEquals(5.0, r.hypSegLen(), TOL);
    assertEquals(10, r.frames());
    assertEquals(0, r.frameDiff());
    assertEquals(0, r.mismatchedUtterances());
    assertEquals(1, r.utterances());
    assertEquals(1, r.utterancesUsed());
    assertEquals(0, r.utterancesSkipped());
    assertEquals(2, r.phones());
    assertEquals(2, r.clusters());
    assertEquals(1, r.upsample());
  }

  @Test
  void fiftyHertzLabelsEqualTheirRepetitionAtHundredHertz() throws IOException {
    PhoneAlignments ref = handAlignment();
    int[] labels50 = {4, 4, 9, 9, 1};
    int[] labels100 = {4, 4, 4, 4, 9, 9, 9, 9, 1, 1};
    QualityReport at50 = LabelQuality.evaluate(ref, Map.of("u1", labels50), 50);
    QualityReport at100 = LabelQuality.evaluate(ref, Map.of("u1", labels100), 100);
    assertEquals(2, at50.upsample());
    assertEquals(withRate(at100, 50, 2), at50);
  }

  @Test
  void lengthMismatchesAreTruncatedAndCounted() throws IOException {
    PhoneAlignments ref = tsv("utt_id\tstart_s\tend_s\tphone\n"
        + "u1\t0.000\t0.090\ta\n"
        + "u1\t0.090\t0.115\tb\n"
        + "u2\t0.000\t0.115\tc\n"
        + "u3\t0.000\t0.115\tc\n");
    Map<String, int[]> labels = new LinkedHashMap<>();
    labels.put("u1", new int[] {7, 7, 7, 7, 7, 3, 3, 3, 3, 3, 5, 5}); // 12 frames vs 10: 2 dropped
    labels.put("u2", new int[] {1, 1, 1, 1, 1, 1, 1}); // 7 frames vs 10: 3 phone frames dropped
    labels.put("ghost", new int[] {2, 2, 8}); // no alignment: not counted
    QualityReport r = LabelQuality.evaluate(ref, labels, 100);
    assertEquals(17, r.frames());
    assertEquals(5, r.frameDiff());
    assertEquals(2, r.mismatchedUtterances());
    assertEquals(3, r.utterances());
    assertEquals(2, r.utterancesUsed());
    assertEquals(1, r.utterancesSkipped());
    assertEquals(1, r.labelUtterancesWithoutAlignment());
    // ref segL over all three aligned utterances: (10 + 10 + 10) frames / (2 + 1 + 1) runs
    assertEquals(30 / 4.0, r.refSegLen(), TOL);
    // hyp segL over all labelled utterances (fairseq includes unaligned ones): (12 + 7 + 3) / (3 + 1 + 2)
    assertEquals(22 / 6.0, r.hypSegLen(), TOL);
  }

  @Test
  void paddingRepeatsTheEdgeLabelsBeforeUpsampling() throws IOException {
    PhoneAlignments ref = handAlignment();
    // pad 1 then x2: {4, 9, 1} -> {4, 4, 9, 1, 1} -> 4 4 4 4 9 9 1 1 1 1
    QualityReport padded = LabelQuality.evaluate(ref, Map.of("u1", new int[] {4, 9, 1}), 50, 1);
    QualityReport explicit = LabelQuality.evaluate(ref, Map.of("u1", new int[] {4, 4, 4, 4, 9, 9, 1, 1, 1, 1}), 100);
    assertEquals(1, padded.padLen());
    assertEquals(withRate(explicit, 50, 2), new QualityReport(padded.pnmi(), padded.phonePurity(),
        padded.clusterPurity(), padded.hRef(), padded.hHyp(), padded.mi(), padded.frames(), padded.frameDiff(),
        padded.mismatchedUtterances(), padded.utterances(), padded.utterancesUsed(), padded.utterancesSkipped(),
        padded.labelUtterancesWithoutAlignment(), padded.phones(), padded.clusters(), padded.refSegLen(),
        padded.hypSegLen(), padded.labelRateHz(), padded.upsample(), 0));
  }

  @Test
  void rejectsBadInput() throws IOException {
    PhoneAlignments ref = handAlignment();
    QualityAccumulator acc = new QualityAccumulator(ref, 100);
    acc.add("u1", new int[] {1, 2});
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> acc.add("u1", new int[] {1}));
    assertTrue(twice.getMessage().contains("u1 was added twice"), twice.getMessage());
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> acc.add("u2", new int[0]));
    assertTrue(empty.getMessage().contains("utterance u2: expected at least one label"), empty.getMessage());
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> acc.add("u3", new int[] {0, -1}));
    assertTrue(negative.getMessage().contains("found -1 at frame 1"), negative.getMessage());
    IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
        () -> new QualityAccumulator(ref, 30));
    assertTrue(rate.getMessage().contains("found 30.0"), rate.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new QualityAccumulator(ref, 100, -1));
    IllegalStateException none = assertThrows(IllegalStateException.class,
        () -> LabelQuality.evaluate(ref, Map.of("other", new int[] {1}), 100));
    assertTrue(none.getMessage().contains("1 labelled utterances of which 0 aligned"), none.getMessage());
  }

  @Test
  void jsonAndMapHaveStableKeys() throws IOException {
    QualityReport r = LabelQuality.evaluate(handAlignment(), Map.of("u1", new int[] {7, 7, 7, 7, 7, 3, 3, 3, 3, 3}),
        100);
    String json = r.toJson();
    assertTrue(json.startsWith("{\"pnmi\": " + r.pnmi() + ", \"phone_purity\": " + r.phonePurity()
        + ", \"cluster_purity\": " + r.clusterPurity() + ", \"h_ref\": "), json);
    assertTrue(json.contains("\"frames\": 10, \"frame_diff\": 0, \"mismatched_utterances\": 0, \"utterances\": 1,"),
        json);
    assertTrue(json.endsWith("\"label_rate_hz\": 100.0, \"upsample\": 1, \"pad_len\": 0}"), json);
    assertEquals(List.of("pnmi", "phone-purity", "cluster-purity", "h-ref", "h-hyp", "mi", "frames", "frame-diff",
        "mismatched-utterances", "utterances", "utterances-used", "utterances-skipped",
        "label-utterances-without-alignment", "phones", "clusters", "ref-seg-len", "hyp-seg-len", "label-rate-hz",
        "upsample", "pad-len"), List.copyOf(r.toMap().keySet()));
    assertEquals(10L, r.toMap().get("frames"));
    QualityReport nan = new QualityReport(Double.NaN, 1, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 100, 1, 0);
    assertTrue(nan.toJson().startsWith("{\"pnmi\": null, \"phone_purity\": 1.0,"), nan.toJson());
  }

  static QualityReport withRate(QualityReport r, double rate, int upsample) {
    return new QualityReport(r.pnmi(), r.phonePurity(), r.clusterPurity(), r.hRef(), r.hHyp(), r.mi(), r.frames(),
        r.frameDiff(), r.mismatchedUtterances(), r.utterances(), r.utterancesUsed(), r.utterancesSkipped(),
        r.labelUtterancesWithoutAlignment(), r.phones(), r.clusters(), r.refSegLen(), r.hypSegLen(), rate, upsample,
        r.padLen());
  }
}
