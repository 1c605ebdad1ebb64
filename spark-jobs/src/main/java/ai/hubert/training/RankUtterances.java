package ai.hubert.training;

import ai.hubert.store.LabelSchema;
import ai.hubert.training.data.Batch;
import ai.hubert.training.data.BatchPlan;
import ai.hubert.training.data.ShardedUtterance;
import ai.hubert.training.data.StageShards;
import ai.hubert.training.data.TrainingIndex;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The utterances one rank received for a training stage, checked against the batches it will train on.
 *
 * <p>A replicated stage (several epochs, the whole dataset) holds them all in memory. A per-epoch stage streams
 * them: its shuffle sorted each rank's partition into the order of the rank's batches, so {@link #forBatch} reads
 * the next rows and memory holds only the batches being decoded, whatever the epoch's size. Either way a missing,
 * foreign, duplicated or out-of-order utterance fails the stage naming it, instead of training on other data.
 */
final class RankUtterances {
  /** One utterance: PCM16 audio and unpacked labels per label set. */
  record Utterance(String id, byte[] pcm, int[][] labels) {}

  private final int rank;
  private final TrainingIndex index;
  private final int labelSets;
  private final Iterator<ShardedUtterance> stream;
  private final Map<Integer, Utterance> held;
  private long streamed;

  private RankUtterances(int rank, TrainingIndex index, int labelSets, Iterator<ShardedUtterance> stream,
      Map<Integer, Utterance> held) {
    this.rank = rank;
    this.index = index;
    this.labelSets = labelSets;
    this.stream = stream;
    this.held = held;
  }

  /**
   * The utterances of {@code rows} for {@code rank}: held in memory for a replicated stage (checked against the
   * stage's batches at once), streamed for a per-epoch stage (checked batch by batch).
   */
  static RankUtterances of(java.util.Iterator<ShardedUtterance> rows, int rank, StageShards stage, BatchPlan plan,
      TrainingIndex index, int labelSets) {
    if (!stage.isReplicated()) {
      return new RankUtterances(rank, index, labelSets, rows, null);
    }
    RankUtterances all = new RankUtterances(rank, index, labelSets, null, new HashMap<>());
    while (rows.hasNext()) {
      ShardedUtterance r = rows.next();
      if (all.held.put(r.index(), all.parse(r)) != null) {
        throw new IllegalStateException("Utterance " + r.id() + " reached rank " + rank + " twice");
      }
    }
    all.checkHeld(plan, stage);
    return all;
  }

  /** The utterances of batch {@code b} by index; in a per-epoch stage, the next rows of the stream. */
  Map<Integer, Utterance> forBatch(Batch b) {
    if (held != null) {
      return held;
    }
    Map<Integer, Utterance> out = new HashMap<>();
    for (int u : b.utterances()) {
      out.put(u, next(u, b));
    }
    return out;
  }

  /** Passes over batch {@code b} (a resumed epoch's batches before its checkpoint). */
  void skip(Batch b) {
    if (held == null) {
      for (int u : b.utterances()) {
        next(u, b);
      }
    }
  }

  /** After the last batch of a per-epoch stage: nothing may be left over. */
  void checkAllUsed(int epoch) {
    if (held == null && stream.hasNext()) {
      ShardedUtterance extra = stream.next();
      throw new IllegalStateException("rank " + rank + ": utterance " + extra.id() + " arrived after the last batch of epoch "
          + epoch + " (" + streamed + " utterances used); the stage's shuffle sent it but no batch of this rank needs it");
    }
  }

  private Utterance next(int expected, Batch b) {
    if (!stream.hasNext()) {
      throw new IllegalStateException("rank " + rank + ": batch " + b.batchId() + " of epoch " + b.epoch() + " needs utterance "
          + index.id(expected) + " but the stage delivered no more utterances (" + streamed + " used)");
    }
    ShardedUtterance r = stream.next();
    if (r.index() != expected) {
      throw new IllegalStateException("rank " + rank + ": batch " + b.batchId() + " of epoch " + b.epoch() + " needs utterance "
          + index.id(expected) + " next but the stage delivered " + r.id() + " (" + streamed + " used before it)");
    }
    streamed++;
    return parse(r);
  }

  private Utterance parse(ShardedUtterance r) {
    if (r.rank() != rank) {
      throw new IllegalStateException("Utterance " + r.id() + " was sent to rank " + rank + " but is meant for rank " + r.rank());
    }
    if (r.labels().length != labelSets) {
      throw new IllegalStateException("Utterance " + r.id() + " has " + r.labels().length + " label columns but the model "
          + "predicts " + labelSets + " label set(s)");
    }
    if (r.pcm().length != 2 * index.length(r.index())) {
      throw new IllegalStateException("Utterance " + r.id() + " has " + r.pcm().length / 2 + " samples of PCM but the audio "
          + "table's num_samples says " + index.length(r.index()));
    }
    int[][] labels = new int[labelSets][];
    for (int i = 0; i < labelSets; i++) {
      labels[i] = LabelSchema.unpack(r.labels()[i]);
    }
    return new Utterance(r.id(), r.pcm(), labels);
  }

  /** Every utterance the stage's batches need arrived, and none that the shards do not give this rank. */
  private void checkHeld(BatchPlan plan, StageShards stage) {
    for (int e = stage.firstEpoch(); e <= stage.lastEpoch(); e++) {
      for (Batch b : plan.epoch(e, rank, stage.worldSize())) {
        for (int u : b.utterances()) {
          if (!held.containsKey(u)) {
            throw new IllegalStateException("rank " + rank + ": batch " + b.batchId() + " of epoch " + e + " needs utterance "
                + index.id(u) + ", which this stage did not deliver to it (" + held.size() + " utterances arrived)");
          }
        }
      }
    }
    for (int u : held.keySet()) {
      if (!stage.receives(rank, u)) {
        throw new IllegalStateException("rank " + rank + ": utterance " + index.id(u) + " arrived but the stage's shards do not "
            + "give it to this rank");
      }
    }
  }
}
