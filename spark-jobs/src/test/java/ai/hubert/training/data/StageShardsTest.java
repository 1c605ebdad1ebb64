package ai.hubert.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StageShardsTest {
  private static final int N = 300;
  private static final int WORLD = 3;

  /** 300 utterances of 0.5-6 s (some below min_sample_size), 16 s batches. */
  private static TrainingIndex index() {
    Random random = new Random(3);
    String[] ids = new String[N];
    long[] lengths = new long[N];
    int[] labels = new int[N];
    for (int i = 0; i < N; i++) {
      ids[i] = String.format("spk%02d-utt%04d", i % 7, i);
      lengths[i] = 8_000 + random.nextInt(88_000);
      labels[i] = (int) (lengths[i] / 320);
    }
    java.util.Arrays.sort(ids);
    return new TrainingIndex(ids, lengths, labels);
  }

  private static BatchPlan plan(TrainingIndex index) {
    return index.plan(new BatchPlanner(new BatchPlanner.Options(16000, 50, 64_000, 16_000, 256_000, 8, true, 11)));
  }

  private static Set<Integer> utterancesOf(BatchPlan plan, int epoch, int rank) {
    Set<Integer> out = new HashSet<>();
    for (Batch b : plan.epoch(epoch, rank, WORLD)) {
      for (int u : b.utterances()) {
        out.add(u);
      }
    }
    return out;
  }

  @Test
  void perEpochShardsGiveEachRankExactlyItsBatchesOfThatEpoch() {
    TrainingIndex index = index();
    BatchPlan plan = plan(index);
    Set<Set<Integer>> rank0 = new HashSet<>();
    for (int epoch = 1; epoch <= 4; epoch++) {
      StageShards shards = StageShards.perEpoch(plan, N, WORLD, epoch);
      assertEquals(epoch, shards.firstEpoch());
      assertEquals(epoch, shards.lastEpoch());
      Set<Integer> seen = new HashSet<>();
      for (int r = 0; r < WORLD; r++) {
        Set<Integer> mine = utterancesOf(plan, epoch, r);
        for (int u = 0; u < N; u++) {
          assertEquals(mine.contains(u), shards.receives(r, u), "epoch " + epoch + " rank " + r + " utterance " + u);
        }
        for (int u : mine) {
          assertArrayEquals(new int[] {r}, shards.ranksOf(u));
          assertTrue(seen.add(u), "utterance " + u + " reaches two ranks in epoch " + epoch);
        }
        assertEquals(mine.size(), shards.shares(index).get(r).utterances());
        // sorted by key, a rank's utterances come batch after batch, in the order of its batches
        java.util.List<Integer> inBatchOrder = new java.util.ArrayList<>();
        for (Batch b : plan.epoch(epoch, r, WORLD)) {
          for (int u : b.utterances()) {
            inBatchOrder.add(u);
          }
        }
        final int rank = r;
        java.util.List<Integer> byKey = mine.stream().sorted(java.util.Comparator.comparingLong(u -> shards.key(rank, u))).toList();
        assertEquals(inBatchOrder, byKey, "epoch " + epoch + " rank " + r);
        for (int u : mine) {
          assertEquals(r, StageShards.rankOfKey(shards.key(r, u)));
        }
      }
      int used = plan.batchesPerRank(WORLD) * WORLD;
      assertTrue(seen.size() < plan.keptCount() || plan.droppedPerEpoch(WORLD) == 0, "left-over batches go nowhere");
      assertTrue(used > 0);
      rank0.add(utterancesOf(plan, epoch, 0));
    }
    assertEquals(4, rank0.size(), "rank 0 trains on other utterances every epoch");
  }

  @Test
  void replicatedShardsGiveEveryRankEveryKeptUtterance() {
    TrainingIndex index = index();
    BatchPlan plan = plan(index);
    StageShards shards = StageShards.replicated(plan, N, WORLD, 2, 5);
    assertTrue(shards.isReplicated());
    Set<Integer> kept = new HashSet<>();
    for (int u : plan.orderedIndices()) {
      kept.add(u);
    }
    assertTrue(kept.size() < N, "the fixture has too-short utterances");
    for (int u = 0; u < N; u++) {
      assertEquals(kept.contains(u) ? WORLD : 0, shards.ranksOf(u).length, "utterance " + u);
    }
    List<StageShards.RankShare> shares = shards.shares(index);
    assertEquals(shares.get(0).digest(), shares.get(2).digest());
    assertEquals(kept.size(), shares.get(1).utterances());
    assertNotEquals(StageShards.perEpoch(plan, N, WORLD, 2).shares(index).get(0).digest(), shares.get(0).digest());
  }

  @Test
  void anIndexMustBeSortedAndUnique() {
    assertThrows(IllegalArgumentException.class, () -> new TrainingIndex(new String[] {"b", "a"}, new long[2], new int[2]));
    assertThrows(IllegalArgumentException.class, () -> new TrainingIndex(new String[] {"a", "a"}, new long[2], new int[2]));
    TrainingIndex index = new TrainingIndex(new String[] {"a", "c"}, new long[] {1, 2}, new int[] {0, 0});
    assertEquals(1, index.indexOf("c"));
    assertEquals(-1, index.indexOf("b"));
  }
}
