package ai.hubert.labels.quality;

import java.util.List;

/**
 * Frame counts of every (phone, cluster) pair seen in an evaluation: {@code counts[i][j]} frames (at 100 Hz)
 * of phone {@code phones.get(i)} fell in cluster {@code clusters.get(j)}. Phones and clusters are sorted.
 */
public record Cooccurrence(List<String> phones, List<Integer> clusters, long[][] counts) {
  public Cooccurrence {
    phones = List.copyOf(phones);
    clusters = List.copyOf(clusters);
    if (counts.length != phones.size()) {
      throw new IllegalArgumentException("Expected one count row per phone (" + phones.size() + "), found " + counts.length);
    }
    for (long[] row : counts) {
      if (row.length != clusters.size()) {
        throw new IllegalArgumentException("Expected one count per cluster (" + clusters.size() + ") in every row, found " + row.length);
      }
    }
  }

  /** Frames counted. */
  public long total() {
    long total = 0;
    for (long[] row : counts) {
      for (long n : row) {
        total += n;
      }
    }
    return total;
  }
}
