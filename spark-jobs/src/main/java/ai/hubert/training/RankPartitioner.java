package ai.hubert.training;

import ai.hubert.training.data.StageShards;
import org.apache.spark.Partitioner;

/**
 * Partition i holds the records whose {@link StageShards#key} names rank i: the shuffle that hands each rank of a
 * training stage its utterances (sorted by key within the partition).
 */
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
    int rank = StageShards.rankOfKey((Long) key);
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
