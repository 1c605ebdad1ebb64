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

  /**
   * HuBERT layer features of a checkpoint shipped with {@code HubertFeatureJob.distribute}, at 50 Hz with
   * fairseq's 100-s chunks; {@code featureSet} names them in lineage.
   */
  static FrameFeaturizer hubert(String featureSet, ai.hubert.features.model.ModelFeatures features, int dim) {
    return new ModelFeaturizer(featureSet, features, dim, ai.hubert.model.FeatureExtractor.DEFAULT_MAX_CHUNK);
  }

  /**
   * The featurizer that recomputes a stored feature set from audio, as its lineage says it was made
   * (MFCC, or a HuBERT checkpoint's layer); fails naming what it found.
   */
  static FrameFeaturizer forFeatureSet(ai.hubert.store.FeatureStore store, String dataset, String featureSet) {
    if (MfccFeaturizer.FEATURE_SET.equals(featureSet)) {
      return new MfccFeaturizer();
    }
    ai.hubert.store.TableId table = store.features(dataset, featureSet);
    ai.hubert.store.Lineage lineage = store.currentLineage(table);
    if (ai.hubert.features.model.HubertFeatureJob.EXTRACTOR.equals(lineage.get("extractor"))) {
      int layer = Integer.parseInt(lineage.get("layer"));
      return new ModelFeaturizer(featureSet, ai.hubert.features.model.HubertFeatureJob.distribute(store.spark(), lineage.get("checkpoint"),
          layer), Integer.parseInt(lineage.get("dim")), Integer.parseInt(lineage.get("max-chunk-samples")));
    }
    throw new IllegalArgumentException("Cannot label from feature set '" + featureSet + "' of " + dataset
        + ": expected mfcc or a feature set written by extract-features (lineage extractor=hubert), found lineage " + lineage.entries());
  }
}
