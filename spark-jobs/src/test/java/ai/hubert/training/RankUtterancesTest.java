package ai.hubert.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.store.LabelSchema;
import ai.hubert.training.data.Batch;
import ai.hubert.training.data.BatchPlan;
import ai.hubert.training.data.BatchPlanner;
import ai.hubert.training.data.ShardedUtterance;
import ai.hubert.training.data.StageShards;
import ai.hubert.training.data.TrainingIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a rank accepts from its stage's shuffle: exactly its batches' utterances, in order when streamed. */
class RankUtterancesTest {
  private static final int N = 60;
  private static final int WORLD = 2;
  private static final TrainingIndex INDEX;
  private static final BatchPlan PLAN;

  static {
    String[] ids = new String[N];
    long[] lengths = new long[N];
    int[] labels = new int[N];
    for (int i = 0; i < N; i++) {
      ids[i] = String.format("utt%03d", i);
      lengths[i] = 16_000 + 1_000L * ((i * 7) % 40);
      labels[i] = (int) (lengths[i] / 160);
    }
    INDEX = new TrainingIndex(ids, lengths, labels);
    PLAN = INDEX.plan(new BatchPlanner(new BatchPlanner.Options(16000, 100, 64_000, 16_000, 200_000, 1, true, 3)));
  }

  private static ShardedUtterance row(int rank, int u) {
    return new ShardedUtterance(rank, u, INDEX.id(u), new byte[(int) (2 * INDEX.length(u))],
        new byte[][] {LabelSchema.pack(new short[(int) (INDEX.length(u) / 160)])});
  }

  /** Rank 1's rows of {@code shards}, sorted by shuffle key as the stage's shuffle delivers them. */
  private static List<ShardedUtterance> delivered(StageShards shards) {
    List<Integer> mine = new ArrayList<>();
    for (int u = 0; u < N; u++) {
      if (shards.receives(1, u)) {
        mine.add(u);
      }
    }
    mine.sort(Comparator.comparingLong(u -> shards.key(1, u)));
    return new ArrayList<>(mine.stream().map(u -> row(1, u)).toList());
  }

  @Test
  void aStreamedEpochYieldsEachBatchInOrderAndNothingElse() {
    StageShards shards = StageShards.perEpoch(PLAN, N, WORLD, 2);
    RankUtterances stream = RankUtterances.of(delivered(shards).iterator(), 1, shards, PLAN, INDEX, 1);
    List<Batch> batches = PLAN.epoch(2, 1, WORLD);
    assertTrue(batches.size() >= 2, "the fixture needs several batches per rank");
    stream.skip(batches.get(0)); // resumed after the first batch
    for (Batch b : batches.subList(1, batches.size())) {
      Map<Integer, RankUtterances.Utterance> got = stream.forBatch(b);
      for (int u : b.utterances()) {
        assertEquals(INDEX.id(u), got.get(u).id());
        assertEquals(2 * INDEX.length(u), got.get(u).pcm().length);
      }
    }
    stream.checkAllUsed(2);
  }

  @Test
  void aStreamedEpochFailsOnAMissingOutOfOrderOrLeftOverUtterance() {
    StageShards shards = StageShards.perEpoch(PLAN, N, WORLD, 2);
    Batch first = PLAN.epoch(2, 1, WORLD).get(0);

    List<ShardedUtterance> swapped = delivered(shards);
    java.util.Collections.swap(swapped, 0, 1);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> RankUtterances.of(swapped.iterator(), 1, shards, PLAN, INDEX, 1).forBatch(first));
    assertTrue(e.getMessage().contains("needs utterance " + INDEX.id(first.utterances()[0]) + " next"), e.getMessage());

    List<ShardedUtterance> missing = delivered(shards).subList(0, first.size() - 1);
    e = assertThrows(IllegalStateException.class,
        () -> RankUtterances.of(missing.iterator(), 1, shards, PLAN, INDEX, 1).forBatch(first));
    assertTrue(e.getMessage().contains("delivered no more utterances"), e.getMessage());

    List<ShardedUtterance> extra = delivered(shards);
    int stranger = 0;
    while (shards.receives(1, stranger)) {
      stranger++;
    }
    extra.add(row(1, stranger));
    RankUtterances withExtra = RankUtterances.of(extra.iterator(), 1, shards, PLAN, INDEX, 1);
    PLAN.epoch(2, 1, WORLD).forEach(withExtra::forBatch);
    e = assertThrows(IllegalStateException.class, () -> withExtra.checkAllUsed(2));
    assertTrue(e.getMessage().contains(INDEX.id(stranger)), e.getMessage());
  }

  @Test
  void aReplicatedStageChecksEverythingUpFront() {
    StageShards shards = StageShards.replicated(PLAN, N, WORLD, 1, 3);
    List<ShardedUtterance> all = delivered(shards);
    RankUtterances held = RankUtterances.of(all.iterator(), 1, shards, PLAN, INDEX, 1);
    Batch b = PLAN.epoch(3, 1, WORLD).get(0);
    assertEquals(INDEX.id(b.utterances()[0]), held.forBatch(b).get(b.utterances()[0]).id());

    Batch needed = PLAN.epoch(1, 1, WORLD).get(0);
    List<ShardedUtterance> lacking = new ArrayList<>(all);
    lacking.removeIf(r -> r.index() == needed.utterances()[0]);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> RankUtterances.of(lacking.iterator(), 1, shards, PLAN, INDEX, 1));
    assertTrue(e.getMessage().contains(INDEX.id(needed.utterances()[0])), e.getMessage());

    List<ShardedUtterance> twice = new ArrayList<>(all);
    twice.add(row(1, all.get(0).index()));
    e = assertThrows(IllegalStateException.class, () -> RankUtterances.of(twice.iterator(), 1, shards, PLAN, INDEX, 1));
    assertTrue(e.getMessage().contains("twice"), e.getMessage());
  }

  @Test
  void anUtteranceForAnotherRankOrWithTheWrongLengthIsRefused() {
    StageShards shards = StageShards.replicated(PLAN, N, WORLD, 1, 1);
    List<ShardedUtterance> rows = delivered(shards);
    rows.set(0, row(0, rows.get(0).index()));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> RankUtterances.of(rows.iterator(), 1, shards, PLAN, INDEX, 1));
    assertTrue(e.getMessage().contains("meant for rank 0"), e.getMessage());

    List<ShardedUtterance> shortPcm = delivered(shards);
    ShardedUtterance r = shortPcm.get(0);
    shortPcm.set(0, new ShardedUtterance(1, r.index(), r.id(), new byte[10], r.labels()));
    e = assertThrows(IllegalStateException.class, () -> RankUtterances.of(shortPcm.iterator(), 1, shards, PLAN, INDEX, 1));
    assertTrue(e.getMessage().contains("5 samples of PCM"), e.getMessage());
  }
}
