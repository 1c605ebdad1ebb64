package ai.hubert.labels;

import java.io.Serializable;

/**
 * Turns one utterance's audio into frame features inside a Spark task, so labelling can run
 * decode → features → nearest centroid per partition without materializing the dataset's features.
 * Implementations are serializable recipes: the heavy state is built lazily on the executor.
 */
public interface FrameFeaturizer extends Serializable {
  /** The feature set name this featurizer reproduces (e.g. {@code mfcc}). */
  String featureSet();

  /** Feature dimension. */
  int dim();

  /** Frames per second of the output. */
  int frameRateHz();

  /** Frames produced for an utterance of this many samples. */
  int numFrames(int numSamples);

  /** Frame-major features ({@code numFrames × dim}) of little-endian 16-bit mono PCM. */
  float[] featurize(byte[] pcm16);

  /** The featurizer for a stored feature set; fails naming the supported ones. */
  static FrameFeaturizer forFeatureSet(String featureSet) {
    if (MfccFeaturizer.FEATURE_SET.equals(featureSet)) {
      return new MfccFeaturizer();
    }
    throw new IllegalArgumentException("Cannot label from feature set '" + featureSet
        + "': expected one that can be recomputed from audio inside the job: [" + MfccFeaturizer.FEATURE_SET + "]");
  }
}
