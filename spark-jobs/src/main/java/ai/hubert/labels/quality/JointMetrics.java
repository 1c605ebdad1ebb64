package ai.hubert.labels.quality;

/**
 * The formulas of fairseq's {@code examples/hubert/measure_teacher_quality.py} on a joint distribution
 * {@code p_xy} (rows: reference phones x, columns: hypothesis clusters y):
 * <ul>
 *   <li>phone purity ("ref pur", {@code comp_purity(p_xy, axis=0)}): {@code sum_j max_i p(i,j)};
 *   <li>cluster purity ("hyp pur", {@code axis=1}): {@code sum_i max_j p(i,j)};
 *   <li>{@code MI = sum_ij p(i,j) * log(p(i,j) / (p_x(i) p_y(j)) + 1e-8)} (zero cells contribute 0);
 *   <li>{@code H(p) = -sum p * log(p + 1e-8)} for H(ref) over {@code p_x} and H(hyp) over {@code p_y};
 *   <li>PNMI ("MI/H(ref)") {@code = MI / H(ref)}.
 * </ul>
 * Natural logarithms, as numpy's {@code np.log}.
 */
record JointMetrics(double phonePurity, double clusterPurity, double mi, double hRef, double hHyp, double pnmi) {
  static final double EPS = 1e-8;

  static JointMetrics of(double[][] p) {
    int rows = p.length;
    int cols = rows == 0 ? 0 : p[0].length;
    double[] px = new double[rows];
    double[] py = new double[cols];
    double[] maxOverRows = new double[cols];
    double clusterPurity = 0;
    for (int i = 0; i < rows; i++) {
      double rowMax = 0;
      for (int j = 0; j < cols; j++) {
        double v = p[i][j];
        px[i] += v;
        py[j] += v;
        rowMax = Math.max(rowMax, v);
        maxOverRows[j] = Math.max(maxOverRows[j], v);
      }
      clusterPurity += rowMax;
    }
    double phonePurity = 0;
    for (double m : maxOverRows) {
      phonePurity += m;
    }
    double mi = 0;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        double v = p[i][j];
        if (v != 0) {
          mi += v * Math.log(v / (px[i] * py[j]) + EPS);
        }
      }
    }
    double hRef = entropy(px);
    double hHyp = entropy(py);
    return new JointMetrics(phonePurity, clusterPurity, mi, hRef, hHyp, mi / hRef);
  }

  static double entropy(double[] p) {
    double h = 0;
    for (double v : p) {
      h += -v * Math.log(v + EPS);
    }
    return h;
  }
}
