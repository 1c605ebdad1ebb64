package ai.hubert.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * HuBERT feature dumping with fairseq {@code dump_hubert_feature.py} semantics (hubert-spec.md section 3.3).
 *
 * <ul>
 *   <li>{@code layer} is 1-based: the transformer stops after layer {@code layer} (early exit). For pre-LN models
 *       (Large, X-Large) the encoder's final LayerNorm is not applied, also when {@code layer} is the last layer.
 *   <li>With {@code normalize} (fairseq {@code task.normalize}, true for Large / X-Large) the whole utterance is
 *       layer-normalised ({@code F.layer_norm(x, x.shape)}, eps 1e-5, no affine) before chunking.
 *   <li>The waveform is cut into chunks of {@code maxChunk} samples (1,600,000 = 100 s at 16 kHz in fairseq), each
 *       chunk runs through the model on its own and the frames are concatenated. Frame drift: a chunk of
 *       {@code n} samples yields {@code 1 + floor((n - 400) / 320)} frames (standard conv stack), so a full
 *       1,600,000-sample chunk gives 4999 frames, not 5000; an utterance longer than one chunk therefore has
 *       {@link #frames} = sum over chunks, up to one frame per chunk boundary fewer than whole-utterance framing,
 *       and frames near a boundary see only their own chunk's context (GroupNorm statistics, attention). This is
 *       what fairseq's dumped features (and hence its k-means labels) contain, and is reproduced here on purpose.
 *   <li>No masking, no dropout, no autograd: each chunk runs under the model's step manager with gradient
 *       recording off, and only the concatenated result is kept.
 * </ul>
 *
 * <p>As in fairseq, a trailing chunk shorter than the conv receptive field (400 samples) is an error.
 */
public final class FeatureExtractor {

    /** fairseq's {@code max_chunk}: 100 s at 16 kHz. */
    public static final int DEFAULT_MAX_CHUNK = 1_600_000;

    private static final float WAVE_NORM_EPS = 1e-5f;

    private final HubertModel model;
    private final int layer;
    private final boolean normalize;
    private final int maxChunk;

    /**
     * Creates an extractor.
     *
     * @param model the model (not owned)
     * @param layer 1-based output layer in {@code [1, numLayers]}
     * @param normalize whole-utterance waveform layer norm (fairseq {@code task.normalize})
     * @param maxChunk samples per independently processed chunk, positive
     * @throws IllegalArgumentException naming the expected range and the value found
     */
    public FeatureExtractor(HubertModel model, int layer, boolean normalize, int maxChunk) {
        int layers = model.config().numLayers();
        if (layer < 1 || layer > layers) {
            throw new IllegalArgumentException("Expected a 1-based output layer in [1, " + layers + "], found "
                    + layer);
        }
        if (maxChunk <= 0) {
            throw new IllegalArgumentException("Expected a positive max chunk, found " + maxChunk);
        }
        this.model = model;
        this.layer = layer;
        this.normalize = normalize;
        this.maxChunk = maxChunk;
    }

    /**
     * fairseq defaults: {@code normalize} from the model's configuration (read from {@code task.normalize} by
     * {@code FairseqCheckpoint}) and chunks of {@link #DEFAULT_MAX_CHUNK} samples.
     */
    public static FeatureExtractor fairseq(HubertModel model, int layer) {
        return new FeatureExtractor(model, layer, model.config().normalize(), DEFAULT_MAX_CHUNK);
    }

    /** Returns the 1-based output layer. */
    public int layer() {
        return layer;
    }

    /** Returns whether the waveform is layer-normalised over the whole utterance. */
    public boolean normalize() {
        return normalize;
    }

    /** Returns the chunk size in samples. */
    public int maxChunk() {
        return maxChunk;
    }

    /**
     * Number of frames {@link #extract} returns for {@code samples} samples: the sum of the conv frame counts of
     * the chunks.
     */
    public long frames(long samples) {
        long total = 0;
        for (long start = 0; start < samples; start += maxChunk) {
            total += model.config().convFrames(Math.min(maxChunk, samples - start));
        }
        return total;
    }

    /**
     * Extracts features of one utterance.
     *
     * @param out manager that receives the result
     * @param waveform samples of one utterance, float in [-1, 1]
     * @return {@code [frames(waveform.length), D]} float32, owned by {@code out}
     * @throws IllegalArgumentException if the waveform is empty or a chunk is shorter than the receptive field
     */
    public NDArray extract(NDManager out, float[] waveform) {
        return run(out, waveform, false).get(0);
    }

    /**
     * Extracts the outputs of layers 1 to {@link #layer()} of one utterance in one forward pass, with the same
     * normalisation and chunking as {@link #extract}: element {@code i} equals {@code extract} with layer
     * {@code i + 1}.
     *
     * @param out manager that receives the results
     * @param waveform samples of one utterance, float in [-1, 1]
     * @return {@link #layer()} arrays {@code [frames(waveform.length), D]} float32, owned by {@code out}
     */
    public List<NDArray> extractLayers(NDManager out, float[] waveform) {
        return run(out, waveform, true);
    }

    private List<NDArray> run(NDManager out, float[] waveform, boolean everyLayer) {
        if (waveform.length == 0) {
            throw new IllegalArgumentException("Expected a non-empty waveform, found 0 samples");
        }
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager step = model.newStepManager()) {
            NDArray wav = step.create(waveform, new Shape(1, waveform.length));
            if (normalize) {
                wav = wav.getNDArrayInternal()
                        .layerNorm(wav, new Shape(waveform.length), step.ones(new Shape(waveform.length)),
                                step.zeros(new Shape(waveform.length)), WAVE_NORM_EPS)
                        .singletonOrThrow();
            }
            int outputs = everyLayer ? layer : 1;
            List<List<NDArray>> parts = new ArrayList<>();
            for (int i = 0; i < outputs; i++) {
                parts.add(new ArrayList<>());
            }
            for (int start = 0; start < waveform.length; start += maxChunk) {
                int end = (int) Math.min((long) start + maxChunk, waveform.length);
                if (model.config().convFrames(end - start) == 0) {
                    throw new IllegalArgumentException("Chunk [" + start + ", " + end + ") of a " + waveform.length
                            + "-sample waveform is shorter than the conv receptive field: expected at least one "
                            + "frame, found 0 (fairseq fails on such inputs too)");
                }
                NDArray chunk = wav.get(":, " + start + ":" + end);
                if (everyLayer) {
                    List<NDArray> hidden = new ArrayList<>();
                    model.encode(model.project(model.features(chunk), false), false, layer, hidden);
                    for (int i = 0; i < outputs; i++) {
                        parts.get(i).add(hidden.get(i + 1).squeeze(0));
                    }
                } else {
                    parts.get(0).add(model.extract(chunk, layer).squeeze(0));
                }
            }
            List<NDArray> results = new ArrayList<>();
            for (List<NDArray> layerParts : parts) {
                NDArray features = layerParts.size() == 1 ? layerParts.get(0) : NDArrays.concat(new NDList(layerParts), 0);
                NDArray result = features.toType(DataType.FLOAT32, true);
                result.attach(out);
                results.add(result);
            }
            return results;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }
}
