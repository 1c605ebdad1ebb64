package ai.hubert.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.labels.quality.Cooccurrence;
import ai.hubert.labels.quality.QualityReport;
import ai.hubert.relabel.LayerSweep;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's report from training logs and label-quality results: self-contained HTML with the required sections. */
class DemoReportTest {
  @TempDir Path tmp;

  private static QualityReport quality(double pnmi) {
    return new QualityReport(pnmi, pnmi + 0.1, pnmi / 2, 3.2, 3.8, pnmi * 3.2, 1000, 0, 0, 45, 45, 0, 45, 40, 100, 10, 3, 50, 2, 0);
  }

  private static LayerSweep.Result sweep(double... pnmi) {
    List<LayerSweep.LayerScore> layers = new ArrayList<>();
    for (int i = 0; i < pnmi.length; i++) {
      layers.add(new LayerSweep.LayerScore(i + 1, quality(pnmi[i]), 100, 1000));
    }
    return new LayerSweep.Result("ckpt", 100, layers, 1.0);
  }

  @Test
  void reportHasEverySectionInlineAndReadsTheTrainingLogs() throws Exception {
    Path it1 = tmp.resolve("it1");
    Files.createDirectories(it1);
    // as TrainingJob writes it; update 20 logged twice (a resumed run): the last line wins
    Files.writeString(it1.resolve("progress.jsonl"), """
        {"update": 10, "epoch": 2, "loss_m_bits": 6.8, "acc_m": 0.026, "acc_u": 0.008, "lr": 2.8e-04, "gnorm": 0.96, "masked_frames": 900, "wall_s": 15.6, "resumed_from": 0}
        {"update": 20, "epoch": 4, "loss_m_bits": 6.6, "acc_m": 0.05, "acc_u": 0.05, "lr": 4.9e-04, "gnorm": 1.07, "masked_frames": 900, "wall_s": 33.2, "resumed_from": 0}
        {"update": 20, "epoch": 4, "loss_m_bits": 6.5, "acc_m": 0.056, "acc_u": 0.053, "lr": 4.9e-04, "gnorm": 1.07, "masked_frames": 900, "wall_s": 33.2, "resumed_from": 10}
        """, StandardCharsets.UTF_8);
    TrainingCurve curve = TrainingCurve.read("iteration 1", it1);
    assertEquals(2, curve.points().size());
    assertEquals(6.5, curve.last().lossBits());
    Map<String, LayerSweep.Result> sweeps = new LinkedHashMap<>();
    sweeps.put("random init", sweep(0.20, 0.19, 0.18, 0.18));
    sweeps.put("iteration 1", sweep(0.28, 0.31, 0.30, 0.27));
    assertEquals(2, sweeps.get("iteration 1").best().layer());
    Cooccurrence counts = new Cooccurrence(List.of("aa", "s"), List.of(3, 7, 9), new long[][] {{10, 0, 5}, {0, 20, 1}});
    DemoReport report = new DemoReport("demo & <test>", List.of(
        new DemoReport.LabelSetScore("mfcc-k100", "MFCC", 0.49, 0.52, 0.33, 100, 100),
        new DemoReport.LabelSetScore("it1-l2-k100", "iteration 1 layer 2", 0.31, 0.40, 0.25, 100, 50)),
        sweeps, List.of(curve, curve), counts, "it1-l2-k100", List.of("MFCC still wins by 0.18"), Map.of("train", 300.0));
    Path file = tmp.resolve("out/report.html");
    report.write(file);
    String html = Files.readString(file);
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertTrue(html.contains("demo &amp; &lt;test&gt;"), "escaped title");
    for (String section : List.of("Label quality per label set", "Training curves", "PNMI per layer", "Cluster × phone co-occurrence",
        "MFCC still wins by 0.18")) {
      assertTrue(html.contains(section), section);
    }
    assertEquals(5, count(html, "<svg "), "PNMI bars, loss, accuracy, per-layer PNMI, heat map");
    assertFalse(html.contains("<script") || html.contains("src=") || html.contains("href=") || html.contains("url("),
        "no scripts or external assets");
    Matcher http = Pattern.compile("https?://[^\"]*").matcher(html);
    while (http.find()) {
      assertEquals("http://www.w3.org/2000/svg", http.group(), "only the SVG namespace is a URL");
    }
    assertTrue(html.contains("<b>0.3100</b>"), "best layer of iteration 1 in bold");
    assertTrue(html.contains("aa / cluster 9: 0.833"), "P(phone | cluster) of cluster 9 (5 of its 6 frames are aa)");
    assertTrue(html.contains("s / cluster 7: 1.000"), "cluster 7 holds only s");
  }

  @Test
  void aMalformedLogLineIsNamed() throws Exception {
    Files.writeString(tmp.resolve("progress.jsonl"), "{\"update\": 10}\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingCurve.read("x", tmp));
    assertTrue(e.getMessage().contains("progress.jsonl:1"), e.getMessage());
  }

  @Test
  void planFilesAreValidated() {
    DemoPlan plan = DemoPlan.parse("p.yaml", "demo:\n  iteration1_updates: 1000\n  iteration1_set: [optimization.lr=0.0003]\n");
    assertEquals(1000, plan.iteration1Updates());
    assertEquals(List.of("optimization.lr=0.0003"), plan.iteration1Set());
    assertEquals(DemoPlan.SHORT_BUDGET, plan.iteration2Set(), "fields left out keep the built-in plan's values");
    assertEquals(DemoPlan.quick().iteration2Updates(), plan.iteration2Updates());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DemoPlan.parse("p.yaml", "demo:\n  iterations: 3\n"));
    assertTrue(e.getMessage().startsWith("p.yaml:2"), e.getMessage());
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
