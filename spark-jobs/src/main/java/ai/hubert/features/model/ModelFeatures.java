package ai.hubert.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hubert.audio.Pcm16;
import ai.hubert.model.FeatureExtractor;
import ai.hubert.model.HubertModel;
import java.io.Serializable;
import ai.hubert.spark.SerializableHadoopConf;

/**
 * The recipe for HuBERT layer features of one checkpoint, usable inside Spark tasks: each executor fetches
 * the checkpoint from its URI (any Hadoop file system; a local or shared path is read in place) and loads it
 * once ({@link ExecutorModels}); utterances are extracted one at a time with fairseq's semantics
 * ({@link FeatureExtractor}: 1-based layer, early exit, 100-s chunks, optional whole-utterance
 * normalisation). Extraction is serialized per executor: libtorch already spreads one utterance over
 * the executor's cores, so concurrent tasks would only oversubscribe them.
 */
public final class ModelFeatures implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String checkpointUri;
  private final long modificationTime;
  private final SerializableHadoopConf hadoopConf;
  private final int layer;

  /**
   * @param checkpointUri fully qualified URI of the checkpoint file or folder
   * @param modificationTime its modification time (part of the executors' cache key, so a replaced checkpoint is reloaded)
   * @param hadoopConf the file-system configuration to fetch it with
   * @param layer 1-based transformer layer whose output is returned
   */
  public ModelFeatures(String checkpointUri, long modificationTime, SerializableHadoopConf hadoopConf, int layer) {
    this.checkpointUri = checkpointUri;
    this.modificationTime = modificationTime;
    this.hadoopConf = hadoopConf;
    this.layer = layer;
  }

  /** The same checkpoint at another layer. */
  public ModelFeatures atLayer(int otherLayer) {
    return new ModelFeatures(checkpointUri, modificationTime, hadoopConf, otherLayer);
  }

  public int layer() {
    return layer;
  }

  HubertModel model() {
    return ExecutorModels.get(checkpointUri, modificationTime, hadoopConf.get());
  }

  /** Encoder dimension of the checkpoint's model. */
  public int dim() {
    return model().config().embedDim();
  }

  /** Frames produced for an utterance of {@code numSamples} samples (50 Hz conv framing, chunk drift included). */
  public int numFrames(int numSamples) {
    return (int) FeatureExtractor.fairseq(model(), layer).frames(numSamples);
  }

  /** Transformer layers of the checkpoint's model. */
  public int numLayers() {
    return model().config().numLayers();
  }

  /**
   * Frame-major features {@code numFrames × dim} of layers 1 to {@link #layer()} of little-endian 16-bit PCM,
   * from one forward pass (element {@code i} is layer {@code i + 1}).
   */
  public float[][] extractLayers(byte[] pcm16) {
    HubertModel model = model();
    FeatureExtractor extractor = FeatureExtractor.fairseq(model, layer);
    synchronized (model) {
      try (NDManager out = NDManager.newBaseManager()) {
        java.util.List<NDArray> layers = extractor.extractLayers(out, Pcm16.toFloat(pcm16));
        float[][] result = new float[layers.size()][];
        for (int i = 0; i < result.length; i++) {
          result[i] = layers.get(i).toFloatArray();
        }
        return result;
      }
    }
  }

  /** Frame-major features {@code numFrames × dim} of little-endian 16-bit PCM. */
  public float[] extract(byte[] pcm16) {
    HubertModel model = model();
    FeatureExtractor extractor = FeatureExtractor.fairseq(model, layer);
    synchronized (model) {
      try (NDManager out = NDManager.newBaseManager()) {
        NDArray features = extractor.extract(out, Pcm16.toFloat(pcm16));
        return features.toFloatArray();
      }
    }
  }
}
