package ai.hubert.training.data;

import java.io.Serializable;

/**
 * One utterance on its way to a rank of a training stage: the rank, the utterance's index in the run's
 * {@link TrainingIndex}, its id, PCM16 audio and packed labels per label set. A plain class (not a record) so that
 * Spark's Kryo serializer can write it in the stage's shuffle.
 */
public final class ShardedUtterance implements Serializable {
  private static final long serialVersionUID = 1L;

  private int rank;
  private int index;
  private String id;
  private byte[] pcm;
  private byte[][] labels;

  /** For Kryo. */
  ShardedUtterance() {}

  public ShardedUtterance(int rank, int index, String id, byte[] pcm, byte[][] labels) {
    this.rank = rank;
    this.index = index;
    this.id = id;
    this.pcm = pcm;
    this.labels = labels;
  }

  public int rank() {
    return rank;
  }

  public int index() {
    return index;
  }

  public String id() {
    return id;
  }

  public byte[] pcm() {
    return pcm;
  }

  /** Packed labels ({@code LabelSchema.pack}) per label set. */
  public byte[][] labels() {
    return labels;
  }
}
