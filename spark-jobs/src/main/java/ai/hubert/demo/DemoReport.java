package ai.hubert.demo;

import ai.hubert.labels.quality.Cooccurrence;
import ai.hubert.relabel.LayerSweep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's self-contained {@code report.html}: the label-quality table, loss and accuracy curves of both
 * iterations, PNMI per label set, per-layer PNMI of each model, and a cluster × phone co-occurrence heat map.
 * Inline SVG and CSS only (no scripts, no external assets), so the file can be mailed or archived as is.
 *
 * @param title page title
 * @param labelSets one row per label set, in table order
 * @param sweeps per-layer sweep of each model, by model name, in display order
 * @param curves training curves, one per iteration
 * @param cooccurrence counts of the heat map's label set
 * @param cooccurrenceOf name of that label set
 * @param findings sentences stating what the numbers show (learning, where MFCC still wins, scale)
 * @param steps wall time per demo step, seconds
 */
public record DemoReport(String title, List<LabelSetScore> labelSets, Map<String, LayerSweep.Result> sweeps, List<TrainingCurve> curves,
    Cooccurrence cooccurrence, String cooccurrenceOf, List<String> findings, Map<String, Double> steps) {

  /** One row of the label-quality table. */
  public record LabelSetScore(String name, String source, double pnmi, double phonePurity, double clusterPurity, int k, double rateHz) {}

  public DemoReport {
    labelSets = List.copyOf(labelSets);
    sweeps = new LinkedHashMap<>(sweeps);
    curves = List.copyOf(curves);
    findings = List.copyOf(findings);
    steps = new LinkedHashMap<>(steps);
  }

  /** Writes the page to {@code file} (parent folders created). */
  public void write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, html(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the demo report " + file + ": " + e.getMessage(), e);
    }
  }

  /** The page. */
  public String html() {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(Svg.escape(title)).append("</title>\n<style>")
        .append("body{font-family:sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;color:#222}")
        .append("table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}")
        .append("th{background:#f3f3f3}td:first-child,th:first-child,td.l{text-align:left}.row{display:flex;flex-wrap:wrap;gap:16px}")
        .append("li{margin:4px 0}</style></head><body>\n");
    h.append("<h1>").append(Svg.escape(title)).append("</h1>\n");
    h.append("<h2>Findings</h2><ul>");
    for (String f : findings) {
      h.append("<li>").append(Svg.escape(f)).append("</li>");
    }
    h.append("</ul>\n");

    h.append("<h2>Label quality per label set</h2>\n<p>PNMI, phone purity and cluster purity as fairseq's "
        + "<code>measure_teacher_quality.py</code>, against the festival phone alignments of the corpus.</p>\n");
    h.append("<table><tr><th>label set</th><th>features</th><th>k</th><th>rate (Hz)</th><th>PNMI</th><th>phone purity</th>"
        + "<th>cluster purity</th></tr>\n");
    for (LabelSetScore s : labelSets) {
      h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td class=\"l\">%s</td><td>%d</td><td>%.0f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td></tr>%n",
          Svg.escape(s.name()), Svg.escape(s.source()), s.k(), s.rateHz(), s.pnmi(), s.phonePurity(), s.clusterPurity()));
    }
    h.append("</table>\n");
    List<Svg.Bar> bars = new ArrayList<>();
    for (int i = 0; i < labelSets.size(); i++) {
      bars.add(new Svg.Bar(labelSets.get(i).name(), labelSets.get(i).pnmi(), Svg.PALETTE[i % Svg.PALETTE.length]));
    }
    h.append(Svg.barChart("PNMI per label set", bars)).append('\n');

    h.append("<h2>Training curves</h2>\n<p>Masked-frame loss in bits (chance: log2 of the number of classes) and masked-frame "
        + "accuracy, as logged by rank 0 in each run's <code>progress.jsonl</code>.</p>\n<div class=\"row\">");
    List<Svg.Series> loss = new ArrayList<>();
    List<Svg.Series> acc = new ArrayList<>();
    for (int i = 0; i < curves.size(); i++) {
      TrainingCurve c = curves.get(i);
      List<double[]> l = new ArrayList<>();
      List<double[]> a = new ArrayList<>();
      for (TrainingCurve.Point p : c.points()) {
        l.add(new double[] {p.update(), p.lossBits()});
        a.add(new double[] {p.update(), p.accMasked()});
      }
      loss.add(new Svg.Series(c.name(), Svg.PALETTE[i % Svg.PALETTE.length], l));
      acc.add(new Svg.Series(c.name(), Svg.PALETTE[i % Svg.PALETTE.length], a));
    }
    h.append(Svg.lineChart("Masked loss", "update", "bits per masked frame", loss));
    h.append(Svg.lineChart("Masked accuracy", "update", "accuracy", acc)).append("</div>\n");

    h.append("<h2>PNMI per layer</h2>\n<p>k-means on each transformer layer's output (one forward pass per utterance, every layer), "
        + "then PNMI of the resulting 50 Hz labels. The same architecture at random initialisation is the baseline that shows what "
        + "training added.</p>\n");
    List<Svg.Series> perLayer = new ArrayList<>();
    int i = 0;
    StringBuilder table = new StringBuilder("<table><tr><th>model</th>");
    int maxLayers = 0;
    for (LayerSweep.Result r : sweeps.values()) {
      maxLayers = Math.max(maxLayers, r.layers().size());
    }
    for (int l = 1; l <= maxLayers; l++) {
      table.append("<th>layer ").append(l).append("</th>");
    }
    table.append("</tr>\n");
    for (Map.Entry<String, LayerSweep.Result> e : sweeps.entrySet()) {
      List<double[]> points = new ArrayList<>();
      table.append("<tr><td>").append(Svg.escape(e.getKey())).append("</td>");
      for (LayerSweep.LayerScore s : e.getValue().layers()) {
        points.add(new double[] {s.layer(), s.quality().pnmi()});
        boolean best = s.layer() == e.getValue().best().layer();
        table.append(String.format(Locale.ROOT, "<td>%s%.4f%s</td>", best ? "<b>" : "", s.quality().pnmi(), best ? "</b>" : ""));
      }
      table.append("</tr>\n");
      perLayer.add(new Svg.Series(e.getKey(), Svg.PALETTE[i++ % Svg.PALETTE.length], points));
    }
    h.append(table).append("</table>\n");
    h.append(Svg.lineChart("PNMI per layer", "transformer layer", "PNMI", perLayer)).append('\n');

    if (cooccurrence != null) {
      h.append("<h2>Cluster × phone co-occurrence: ").append(Svg.escape(cooccurrenceOf)).append("</h2>\n<p>Each column is a cluster, "
          + "shaded by P(phone | cluster); phones are sorted by frequency, clusters by their most frequent phone. A sharp diagonal means "
          + "clusters that behave like phone units.</p>\n");
      h.append(heatMap()).append('\n');
    }

    h.append("<h2>Wall time per step</h2>\n<table><tr><th>step</th><th>seconds</th></tr>");
    double total = 0;
    for (Map.Entry<String, Double> e : steps.entrySet()) {
      h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.1f</td></tr>", Svg.escape(e.getKey()), e.getValue()));
      total += e.getValue();
    }
    h.append(String.format(Locale.ROOT, "<tr><th>total</th><th>%.1f</th></tr></table>%n", total));
    return h.append("</body></html>\n").toString();
  }

  private String heatMap() {
    long[][] counts = cooccurrence.counts();
    int phones = counts.length;
    int clusters = cooccurrence.clusters().size();
    long[] phoneTotals = new long[phones];
    long[] clusterTotals = new long[clusters];
    for (int p = 0; p < phones; p++) {
      for (int c = 0; c < clusters; c++) {
        phoneTotals[p] += counts[p][c];
        clusterTotals[c] += counts[p][c];
      }
    }
    List<Integer> phoneOrder = new ArrayList<>();
    for (int p = 0; p < phones; p++) {
      phoneOrder.add(p);
    }
    phoneOrder.sort(Comparator.comparingLong((Integer p) -> -phoneTotals[p]));
    int[] rank = new int[phones];
    for (int r = 0; r < phones; r++) {
      rank[phoneOrder.get(r)] = r;
    }
    List<Integer> clusterOrder = new ArrayList<>();
    int[] dominant = new int[clusters];
    double[] share = new double[clusters];
    for (int c = 0; c < clusters; c++) {
      clusterOrder.add(c);
      int best = 0;
      for (int p = 1; p < phones; p++) {
        if (counts[p][c] > counts[best][c]) {
          best = p;
        }
      }
      dominant[c] = rank[best];
      share[c] = clusterTotals[c] == 0 ? 0 : counts[best][c] / (double) clusterTotals[c];
    }
    clusterOrder.sort(Comparator.comparingInt((Integer c) -> dominant[c]).thenComparingDouble(c -> -share[c]));
    double[][] values = new double[phones][clusters];
    List<String> rows = new ArrayList<>();
    List<String> cols = new ArrayList<>();
    for (int r = 0; r < phones; r++) {
      rows.add(cooccurrence.phones().get(phoneOrder.get(r)));
    }
    for (int j = 0; j < clusters; j++) {
      int c = clusterOrder.get(j);
      cols.add("cluster " + cooccurrence.clusters().get(c));
      for (int r = 0; r < phones; r++) {
        values[r][j] = clusterTotals[c] == 0 ? 0 : counts[phoneOrder.get(r)][c] / (double) clusterTotals[c];
      }
    }
    return Svg.heatMap(cooccurrenceOf + ": P(phone | cluster)", rows, cols, values, "clusters (by dominant phone)", "phone");
  }
}
