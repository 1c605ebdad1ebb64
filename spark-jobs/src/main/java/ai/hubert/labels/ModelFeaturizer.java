package ai.hubert.labels;

import ai.hubert.features.model.ModelFeatures;

/**
 * A HuBERT layer feature set recomputed from audio inside the label job: the checkpoint and layer
 * recorded in the feature set's lineage, extracted with fairseq's semantics at 50 Hz.
 */
final class ModelFeaturizer implements FrameFeaturizer {
  private static final long serialVersionUID = 1L;
  private final String featureSet;
  private final ModelFeatures features;
  private final int dim;
  private final int maxChunk;

  ModelFeaturizer(String featureSet, ModelFeatures features, int dim, int maxChunk) {
    this.featureSet = featureSet;
    this.features = features;
    this.dim = dim;
    this.maxChunk = maxChunk;
  }

  @Override
  public String featureSet() {
    return featureSet;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public int frameRateHz() {
    return 50;
  }

  /** HuBERT's conv stack (receptive field 400, stride 320) applied to each chunk of at most maxChunk samples. */
  @Override
  public int numFrames(int numSamples) {
    int frames = 0;
    for (int start = 0; start < numSamples; start += maxChunk) {
      int len = Math.min(maxChunk, numSamples - start);
      frames += len < 400 ? 0 : 1 + (len - 400) / 320;
    }
    return frames;
  }

  @Override
  public float[] featurize(byte[] pcm16) {
    return features.extract(pcm16);
  }
}
