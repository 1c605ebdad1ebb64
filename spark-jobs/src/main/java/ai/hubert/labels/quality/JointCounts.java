package ai.hubert.labels.quality;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Frame counts per (phone, cluster) pair: the sparse form of fairseq's {@code Counter} of (ref, hyp). */
final class JointCounts implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, Map<Integer, Long>> counts = new HashMap<>();
  private long total;

  void add(String phone, int cluster, long n) {
    counts.computeIfAbsent(phone, p -> new HashMap<>()).merge(cluster, n, Long::sum);
    total += n;
  }

  void merge(JointCounts other) {
    other.counts.forEach((phone, row) -> row.forEach((cluster, n) -> add(phone, cluster, n)));
  }

  long total() {
    return total;
  }

  /** The counts as a dense phone x cluster matrix, both sorted. */
  Cooccurrence cooccurrence() {
    SortedSet<Integer> clusters = new TreeSet<>();
    counts.values().forEach(row -> clusters.addAll(row.keySet()));
    java.util.List<Integer> columns = new java.util.ArrayList<>(clusters);
    Map<Integer, Integer> column = new HashMap<>();
    for (int cluster : columns) {
      column.put(cluster, column.size());
    }
    Map<String, Map<Integer, Long>> sorted = new TreeMap<>(counts);
    long[][] dense = new long[sorted.size()][columns.size()];
    int i = 0;
    for (Map<Integer, Long> row : sorted.values()) {
      for (Map.Entry<Integer, Long> e : row.entrySet()) {
        dense[i][column.get(e.getKey())] = e.getValue();
      }
      i++;
    }
    return new Cooccurrence(new java.util.ArrayList<>(sorted.keySet()), columns, dense);
  }

  /**
   * The joint distribution {@code p_xy}: rows are the phones seen, columns the clusters seen, both sorted,
   * each entry its count divided by the total (fairseq's {@code p_xy /= p_xy.sum()}).
   */
  double[][] jointProbability() {
    SortedSet<Integer> clusters = new TreeSet<>();
    counts.values().forEach(row -> clusters.addAll(row.keySet()));
    Map<Integer, Integer> column = new HashMap<>();
    for (int cluster : clusters) {
      column.put(cluster, column.size());
    }
    Map<String, Map<Integer, Long>> sorted = new TreeMap<>(counts);
    double[][] p = new double[sorted.size()][clusters.size()];
    double sum = 0;
    int i = 0;
    for (Map<Integer, Long> row : sorted.values()) {
      for (Map.Entry<Integer, Long> e : row.entrySet()) {
        p[i][column.get(e.getKey())] = e.getValue();
        sum += e.getValue();
      }
      i++;
    }
    for (double[] row : p) {
      for (int j = 0; j < row.length; j++) {
        row[j] /= sum;
      }
    }
    return p;
  }
}
