package ai.hubert.training.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Every utterance of a training run, sorted by id, with its length in samples and in label frames: what every rank
 * needs to build the same global batch plan ({@link BatchPlanner#plan}) whatever part of the audio it holds.
 * Broadcast once per job; indices into it are the utterance indices of {@link BatchPlan} and {@link Batch}.
 */
public final class TrainingIndex implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String[] ids;
  private final long[] lengths;
  private final int[] labelLengths;

  /**
   * @param ids utterance ids, strictly ascending
   * @param lengths samples per utterance
   * @param labelLengths label frames per utterance (of the first label set)
   */
  public TrainingIndex(String[] ids, long[] lengths, int[] labelLengths) {
    if (ids.length != lengths.length || ids.length != labelLengths.length) {
      throw new IllegalArgumentException("Expected as many lengths and label lengths as ids, found " + ids.length + " ids, "
          + lengths.length + " lengths and " + labelLengths.length + " label lengths");
    }
    for (int i = 1; i < ids.length; i++) {
      if (ids[i - 1].compareTo(ids[i]) >= 0) {
        throw new IllegalArgumentException("Utterance ids must be unique and sorted; found '" + ids[i - 1] + "' before '"
            + ids[i] + "'");
      }
    }
    this.ids = ids.clone();
    this.lengths = lengths.clone();
    this.labelLengths = labelLengths.clone();
  }

  public int size() {
    return ids.length;
  }

  public String id(int index) {
    return ids[index];
  }

  public long length(int index) {
    return lengths[index];
  }

  /** The index of {@code id}, or -1 when the run has no such utterance. */
  public int indexOf(String id) {
    int i = Arrays.binarySearch(ids, id);
    return i >= 0 ? i : -1;
  }

  /** The run's batch plan: the same on the driver and on every rank. */
  public BatchPlan plan(BatchPlanner planner) {
    return planner.plan(lengths, labelLengths);
  }
}
