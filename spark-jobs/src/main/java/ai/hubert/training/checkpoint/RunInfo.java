package ai.hubert.training.checkpoint;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.List;

/**
 * What a training checkpoint records about its run besides weights and counters ({@code run.json}): the config
 * (its text and overrides), the data (dataset, label-set tag, world size: together they fix every rank's shard and
 * batch plan), the code version, and the random state. No generator state is carried: every random stream is
 * derived from the seed and the position (see {@link #RNG}), so the seed plus the checkpoint's epoch/next-batch
 * position reproduce every later draw.
 */
public record RunInfo(String configSource, String configText, List<String> overrides, String dataset, String labelSet,
    long seed, int worldSize, String codeVersion, String rng) {
  /** How batches are dealt and each random stream is derived (version 2); stored so a resume with other rules is refused. */
  public static final String RNG = "v2: one batch plan over all utterances sorted by id, rank r of w takes shuffled positions "
      + "r, r+w, ... each epoch; batch order Random(seed+epoch); crops SplittableRandom(mix(seed,epoch,batch)); "
      + "masks Random(seed*1000003+update*7919+rank); dropout libtorch manual_seed(mix(seed,update,rank,batchInUpdate)); "
      + "layerdrop Random(mix(seed,update,rank,batchInUpdate)^1)";

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  public String toJson() {
    return GSON.toJson(this);
  }

  public static RunInfo fromJson(String json) {
    return GSON.fromJson(json, RunInfo.class);
  }

  /**
   * Refuses to resume {@code this} run from a checkpoint written by {@code saved} when the data or the random streams
   * would differ (dataset, label set, world size, seed, RNG rules); config and code changes are allowed (a run may be
   * resumed with a longer schedule or a fixed build).
   */
  public void checkResumableFrom(RunInfo saved, String checkpoint) {
    check("dataset", saved.dataset, dataset, checkpoint);
    check("label set", saved.labelSet, labelSet, checkpoint);
    check("distributed_world_size", String.valueOf(saved.worldSize), String.valueOf(worldSize), checkpoint);
    check("common.seed", String.valueOf(saved.seed), String.valueOf(seed), checkpoint);
    check("RNG derivation", saved.rng, rng, checkpoint);
  }

  private static void check(String what, String saved, String now, String checkpoint) {
    if (!java.util.Objects.equals(saved, now)) {
      throw new IllegalArgumentException("Cannot resume from checkpoint " + checkpoint + ": it was trained with " + what + " '"
          + saved + "' but this run has '" + now + "' (use another checkpoint.dir / --run-dir for a new run)");
    }
  }
}
