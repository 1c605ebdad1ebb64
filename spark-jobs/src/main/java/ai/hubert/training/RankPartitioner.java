package ai.hubert.training;

import org.apache.spark.Partitioner;

/** Partition i holds the records keyed by rank i: the shuffle that hands each rank of a training stage its utterances. */
final class RankPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;
  private final int ranks;

  RankPartitioner(int ranks) {
    this.ranks = ranks;
  }

  @Override
  public int numPartitions() {
    return ranks;
  }

  @Override
  public int getPartition(Object key) {
    int rank = (Integer) key;
    if (rank < 0 || rank >= ranks) {
      throw new IllegalArgumentException("rank " + rank + " is not one of the stage's " + ranks + " ranks");
    }
    return rank;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RankPartitioner p && p.ranks == ranks;
  }

  @Override
  public int hashCode() {
    return ranks;
  }
}
