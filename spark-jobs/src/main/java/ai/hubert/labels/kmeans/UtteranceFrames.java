package ai.hubert.labels.kmeans;

import scala.collection.Seq;

/**
 * Reads one utterance's flattened frames ({@code num_frames × dim} floats, frame-major) from a feature-table
 * row, checking its shape against the dim the k-means model works in.
 */
final class UtteranceFrames {
  private UtteranceFrames() {}

  /**
   * The utterance's {@code numFrames × dim} values.
   *
   * @throws IllegalArgumentException naming the utterance when a value is null, the dim differs from
   *     {@code expectedDim}, or the number of values is not {@code numFrames × dim}
   */
  static float[] values(Object id, Seq<?> features, Integer numFrames, Integer dim, int expectedDim,
      ColumnNames columns) {
    String utterance = "Utterance " + columns.id() + "=" + id;
    if (features == null || numFrames == null || dim == null) {
      throw new IllegalArgumentException(utterance + " has a null " + (features == null ? columns.features()
          : numFrames == null ? columns.numFrames() : columns.dim()) + "; expected a value");
    }
    if (dim != expectedDim) {
      throw new IllegalArgumentException(utterance + " has " + columns.dim() + " = " + dim + " but the k-means "
          + "model works in dim " + expectedDim);
    }
    long expected = (long) numFrames * dim;
    if (numFrames < 0 || features.length() != expected) {
      throw new IllegalArgumentException(utterance + " has " + features.length() + " values in " + columns.features()
          + " but " + columns.numFrames() + " x " + columns.dim() + " = " + numFrames + " x " + dim + " = "
          + expected);
    }
    int n = features.length();
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      Object v = features.apply(i);
      if (v == null) {
        throw new IllegalArgumentException(utterance + " has a null value at index " + i + " of "
            + columns.features() + "; expected floats only");
      }
      out[i] = (Float) v;
    }
    return out;
  }

  /** The names of the input columns, quoted in errors. */
  record ColumnNames(String id, String features, String numFrames, String dim) implements java.io.Serializable {}
}
