package ai.hubert.training.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Which ranks receive which utterances for one barrier stage of training, covering epochs
 * {@code firstEpoch..lastEpoch} of the run's global {@link BatchPlan}.
 *
 * <p>fairseq shuffles the whole epoch's batch list and gives each rank a disjoint slice of it, so a rank trains on
 * different utterances every epoch ({@link BatchPlan#epoch}). A Spark task holds what its partition delivered, so the
 * job delivers, per stage, exactly the utterances each rank's batches of those epochs need:
 * <ul>
 *   <li>{@link #perEpoch}: one epoch per stage; each utterance goes to the one rank whose batch holds it that epoch
 *   (utterances in the epoch's left-over batches or too short go nowhere), keyed ({@link #key}) so that each rank's
 *   partition, sorted, streams them in the order of its batches;
 *   <li>{@link #replicated}: when every rank can hold the whole kept dataset, every rank receives all of it once and
 *   the stage runs all remaining epochs, each rank still training only on its own slice of each epoch.
 * </ul>
 * Both give every rank the same batches in the same order, so a run's losses do not depend on the choice.
 */
public final class StageShards implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int firstEpoch;
  private final int lastEpoch;
  private final int worldSize;
  /** Per utterance: its rank this epoch, or -1 (perEpoch only). */
  private final int[] rankOf;
  /** Per utterance: its position in its rank's batches of the epoch, batch after batch (perEpoch only). */
  private final int[] positionOf;
  /** Kept utterances (replicated only). */
  private final BitSet kept;

  private StageShards(int firstEpoch, int lastEpoch, int worldSize, int[] rankOf, int[] positionOf, BitSet kept) {
    if (worldSize < 1 || firstEpoch < 1 || lastEpoch < firstEpoch) {
      throw new IllegalArgumentException("Expected worldSize >= 1 and 1 <= firstEpoch <= lastEpoch, found worldSize "
          + worldSize + ", epochs " + firstEpoch + ".." + lastEpoch);
    }
    this.firstEpoch = firstEpoch;
    this.lastEpoch = lastEpoch;
    this.worldSize = worldSize;
    this.rankOf = rankOf;
    this.positionOf = positionOf;
    this.kept = kept;
  }

  /** One stage for {@code epoch}: each utterance to the rank whose batch of that epoch holds it. */
  public static StageShards perEpoch(BatchPlan plan, int utterances, int worldSize, int epoch) {
    int[] rankOf = new int[utterances];
    int[] positionOf = new int[utterances];
    Arrays.fill(rankOf, -1);
    for (int r = 0; r < worldSize; r++) {
      int position = 0;
      for (Batch b : plan.epoch(epoch, r, worldSize)) {
        for (int u : b.utterances()) {
          positionOf[u] = position++;
          if (rankOf[u] >= 0) {
            throw new IllegalStateException("Utterance " + u + " is in batches of ranks " + rankOf[u] + " and " + r
                + " in epoch " + epoch + "; the plan's batches must be disjoint");
          }
          rankOf[u] = r;
        }
      }
    }
    return new StageShards(epoch, epoch, worldSize, rankOf, positionOf, null);
  }

  /** One stage for {@code firstEpoch..lastEpoch} in which every rank holds every kept utterance. */
  public static StageShards replicated(BatchPlan plan, int utterances, int worldSize, int firstEpoch, int lastEpoch) {
    BitSet kept = new BitSet(utterances);
    for (int u : plan.orderedIndices()) {
      kept.set(u);
    }
    return new StageShards(firstEpoch, lastEpoch, worldSize, null, null, kept);
  }

  public int firstEpoch() {
    return firstEpoch;
  }

  public int lastEpoch() {
    return lastEpoch;
  }

  public int worldSize() {
    return worldSize;
  }

  public boolean isReplicated() {
    return kept != null;
  }

  /** The ranks that receive utterance {@code u} in this stage (none, one, or all of them). */
  public int[] ranksOf(int u) {
    if (kept != null) {
      if (!kept.get(u)) {
        return new int[0];
      }
      int[] all = new int[worldSize];
      Arrays.setAll(all, r -> r);
      return all;
    }
    return rankOf[u] < 0 ? new int[0] : new int[] {rankOf[u]};
  }

  /**
   * The shuffle key of utterance {@code u} sent to {@code rank}: the rank in the high bits (see {@link #rankOfKey}),
   * then, in a per-epoch stage, the utterance's position in the rank's batches, so that sorting a rank's partition by
   * key streams its utterances batch after batch; in a replicated stage, the utterance index.
   */
  public long key(int rank, int u) {
    return ((long) rank << RANK_SHIFT) | (kept != null ? u : positionOf[u]);
  }

  /** The rank of a {@link #key}. */
  public static int rankOfKey(long key) {
    return (int) (key >>> RANK_SHIFT);
  }

  private static final int RANK_SHIFT = 40;

  /** Whether {@code rank} receives utterance {@code u}. */
  public boolean receives(int rank, int u) {
    return kept != null ? kept.get(u) : rankOf[u] == rank;
  }

  /** What the stage sends to each rank: utterance count, PCM bytes, and an order-independent digest of the ids. */
  public record RankShare(int rank, int utterances, long pcmBytes, long digest) {}

  /** The share of every rank, for the run's audit log. */
  public List<RankShare> shares(TrainingIndex index) {
    int[] count = new int[worldSize];
    long[] bytes = new long[worldSize];
    long[] digest = new long[worldSize];
    for (int u = 0; u < index.size(); u++) {
      for (int r : ranksOf(u)) {
        count[r]++;
        bytes[r] += 2 * index.length(u);
        digest[r] += mix(index.id(u).hashCode());
      }
    }
    RankShare[] out = new RankShare[worldSize];
    for (int r = 0; r < worldSize; r++) {
      out[r] = new RankShare(r, count[r], bytes[r], digest[r]);
    }
    return List.of(out);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
