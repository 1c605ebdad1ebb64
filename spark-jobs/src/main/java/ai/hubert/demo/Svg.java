package ai.hubert.demo;

import java.util.List;
import java.util.Locale;

/** Small inline SVG charts for the demo report: no scripts, no external assets. */
final class Svg {
  static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"};

  private Svg() {}

  /** A named line of (x, y) points. */
  record Series(String name, String color, List<double[]> points) {}

  /** A named value for a bar. */
  record Bar(String label, double value, String color) {}

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String tick(double v) {
    double a = Math.abs(v);
    return a != 0 && (a < 0.01 || a >= 10000) ? String.format(Locale.ROOT, "%.1e", v)
        : a >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
  }

  /** A line chart with axes, 5 ticks per axis and a legend. */
  static String lineChart(String title, String xLabel, String yLabel, List<Series> series) {
    int w = 460;
    int h = 280;
    int left = 60;
    int right = 20;
    int top = 30;
    int bottom = 45;
    double minX = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (Series s : series) {
      for (double[] p : s.points()) {
        minX = Math.min(minX, p[0]);
        maxX = Math.max(maxX, p[0]);
        minY = Math.min(minY, p[1]);
        maxY = Math.max(maxY, p[1]);
      }
    }
    if (minX == Double.MAX_VALUE) {
      minX = 0;
      maxX = 1;
      minY = 0;
      maxY = 1;
    }
    if (maxX == minX) {
      maxX = minX + 1;
    }
    double pad = (maxY - minY) * 0.05;
    if (pad == 0) {
      pad = Math.max(Math.abs(maxY) * 0.05, 0.01);
    }
    minY -= pad;
    maxY += pad;
    double x0 = minX;
    double x1 = maxX;
    double y0 = minY;
    double y1 = maxY;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
        + "font-family=\"sans-serif\" font-size=\"11\">", w, h, w, h));
    svg.append("<text x=\"").append(w / 2).append("\" y=\"16\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">")
        .append(escape(title)).append("</text>");
    int pw = w - left - right;
    int ph = h - top - bottom;
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>", left, top, pw, ph));
    for (int i = 0; i <= 4; i++) {
      double fy = y0 + (y1 - y0) * i / 4;
      double py = top + ph - ph * (fy - y0) / (y1 - y0);
      svg.append("<line x1=\"").append(left).append("\" x2=\"").append(left + pw).append("\" y1=\"").append(fmt(py)).append("\" y2=\"")
          .append(fmt(py)).append("\" stroke=\"#eee\"/>");
      svg.append("<text x=\"").append(left - 4).append("\" y=\"").append(fmt(py + 4)).append("\" text-anchor=\"end\">").append(tick(fy))
          .append("</text>");
      double fx = x0 + (x1 - x0) * i / 4;
      double px = left + pw * (fx - x0) / (x1 - x0);
      svg.append("<text x=\"").append(fmt(px)).append("\" y=\"").append(top + ph + 14).append("\" text-anchor=\"middle\">").append(tick(fx))
          .append("</text>");
    }
    svg.append("<text x=\"").append(left + pw / 2).append("\" y=\"").append(h - 8).append("\" text-anchor=\"middle\">").append(escape(xLabel))
        .append("</text>");
    svg.append("<text transform=\"translate(14,").append(top + ph / 2).append(") rotate(-90)\" text-anchor=\"middle\">").append(escape(yLabel))
        .append("</text>");
    int legendY = top + 12;
    for (Series s : series) {
      StringBuilder path = new StringBuilder();
      for (double[] p : s.points()) {
        double px = left + pw * (p[0] - x0) / (x1 - x0);
        double py = top + ph - ph * (p[1] - y0) / (y1 - y0);
        path.append(path.length() == 0 ? "M" : " L").append(fmt(px)).append(',').append(fmt(py));
      }
      if (s.points().size() == 1) {
        double[] p = s.points().get(0);
        svg.append("<circle cx=\"").append(fmt(left + pw * (p[0] - x0) / (x1 - x0))).append("\" cy=\"")
            .append(fmt(top + ph - ph * (p[1] - y0) / (y1 - y0))).append("\" r=\"3\" fill=\"").append(s.color()).append("\"/>");
      }
      svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(s.color()).append("\" stroke-width=\"2\"/>");
      for (double[] p : s.points()) {
        if (s.points().size() <= 24) {
          svg.append("<circle cx=\"").append(fmt(left + pw * (p[0] - x0) / (x1 - x0))).append("\" cy=\"")
              .append(fmt(top + ph - ph * (p[1] - y0) / (y1 - y0))).append("\" r=\"2.5\" fill=\"").append(s.color()).append("\"/>");
        }
      }
      svg.append("<rect x=\"").append(left + pw - 150).append("\" y=\"").append(legendY - 8).append("\" width=\"10\" height=\"10\" fill=\"")
          .append(s.color()).append("\"/><text x=\"").append(left + pw - 136).append("\" y=\"").append(legendY + 1).append("\">")
          .append(escape(s.name())).append("</text>");
      legendY += 15;
    }
    return svg.append("</svg>").toString();
  }

  /** Horizontal bars with their values written beside them; the axis starts at 0. */
  static String barChart(String title, List<Bar> bars) {
    int labelWidth = 230;
    int barArea = 300;
    int rowH = 22;
    int w = labelWidth + barArea + 70;
    int h = 30 + rowH * bars.size() + 10;
    double max = 1e-9;
    for (Bar b : bars) {
      max = Math.max(max, b.value());
    }
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
        + "font-family=\"sans-serif\" font-size=\"11\">", w, h, w, h));
    svg.append("<text x=\"").append(w / 2).append("\" y=\"16\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">")
        .append(escape(title)).append("</text>");
    int y = 28;
    for (Bar b : bars) {
      double len = barArea * Math.max(0, b.value()) / max;
      svg.append("<text x=\"").append(labelWidth - 6).append("\" y=\"").append(y + 14).append("\" text-anchor=\"end\">").append(escape(b.label()))
          .append("</text>");
      svg.append("<rect x=\"").append(labelWidth).append("\" y=\"").append(y + 3).append("\" width=\"").append(fmt(len))
          .append("\" height=\"").append(rowH - 6).append("\" fill=\"").append(b.color()).append("\"/>");
      svg.append("<text x=\"").append(fmt(labelWidth + len + 4)).append("\" y=\"").append(y + 14).append("\">")
          .append(String.format(Locale.ROOT, "%.3f", b.value())).append("</text>");
      y += rowH;
    }
    return svg.append("</svg>").toString();
  }

  /**
   * A heat map of {@code values} in [0, 1] (rows × columns, white → dark blue) with row labels and, when there
   * are few enough, column labels.
   */
  static String heatMap(String title, List<String> rowLabels, List<String> columnLabels, double[][] values, String xLabel, String yLabel) {
    int cell = Math.max(4, Math.min(12, 900 / Math.max(1, columnLabels.size())));
    int rowH = Math.max(8, Math.min(12, 600 / Math.max(1, rowLabels.size())));
    int left = 60;
    int top = 36;
    int w = left + cell * columnLabels.size() + 20;
    int h = top + rowH * rowLabels.size() + 40;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
        + "font-family=\"sans-serif\" font-size=\"9\">", w, h, w, h));
    svg.append("<text x=\"").append(left).append("\" y=\"16\" font-size=\"13\" font-weight=\"bold\">").append(escape(title)).append("</text>");
    for (int i = 0; i < rowLabels.size(); i++) {
      int y = top + i * rowH;
      svg.append("<text x=\"").append(left - 4).append("\" y=\"").append(y + rowH - 2).append("\" text-anchor=\"end\">")
          .append(escape(rowLabels.get(i))).append("</text>");
      for (int j = 0; j < columnLabels.size(); j++) {
        double v = Math.max(0, Math.min(1, values[i][j]));
        if (v <= 0) {
          continue;
        }
        int r = (int) Math.round(255 - v * (255 - 8));
        int g = (int) Math.round(255 - v * (255 - 48));
        int b = (int) Math.round(255 - v * (255 - 107));
        svg.append("<rect x=\"").append(left + j * cell).append("\" y=\"").append(y).append("\" width=\"").append(cell).append("\" height=\"")
            .append(rowH).append("\" fill=\"rgb(").append(r).append(',').append(g).append(',').append(b).append(")\"><title>")
            .append(escape(rowLabels.get(i) + " / " + columnLabels.get(j))).append(String.format(Locale.ROOT, ": %.3f", values[i][j]))
            .append("</title></rect>");
      }
    }
    svg.append("<rect x=\"").append(left).append("\" y=\"").append(top).append("\" width=\"").append(cell * columnLabels.size())
        .append("\" height=\"").append(rowH * rowLabels.size()).append("\" fill=\"none\" stroke=\"#999\"/>");
    svg.append("<text x=\"").append(left + cell * columnLabels.size() / 2).append("\" y=\"").append(h - 10).append("\" text-anchor=\"middle\" "
        + "font-size=\"11\">").append(escape(xLabel)).append("</text>");
    svg.append("<text transform=\"translate(12,").append(top + rowH * rowLabels.size() / 2).append(") rotate(-90)\" text-anchor=\"middle\" "
        + "font-size=\"11\">").append(escape(yLabel)).append("</text>");
    return svg.append("</svg>").toString();
  }
}
