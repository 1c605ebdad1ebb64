package ai.hubert.model.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.hubert.model.config.ConvLayerSpec;
import ai.hubert.model.config.ExtractorMode;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.nn.Conv1d;
import ai.hubert.model.nn.Gelu;
import ai.hubert.model.nn.GroupNorm;
import ai.hubert.model.nn.LayerNorm;
import ai.hubert.model.nn.Weights;
import java.util.List;
import java.util.Map;

/**
 * fairseq {@code ConvFeatureExtractionModel}: per layer Conv1d (no bias unless {@code conv_bias}), then in
 * {@link ExtractorMode#GROUP_NORM} a per-channel GroupNorm after layer 0 only, in {@link ExtractorMode#LAYER_NORM} a
 * LayerNorm over channels after every layer, then exact GELU. Keys {@code feature_extractor.conv_layers.N.0.weight},
 * {@code ...0.2.weight|bias} (group norm) or {@code ...N.2.1.weight|bias} (layer norm).
 */
public final class ConvFeatureExtractor {

    /** State-dict key prefix. */
    public static final String PREFIX = "feature_extractor.conv_layers.";

    private final HubertConfig config;

    /** Creates the block for {@code config}. */
    public ConvFeatureExtractor(HubertConfig config) {
        this.config = config;
    }

    /** Adds this block's parameter names and shapes to {@code layout}. */
    public void declare(Map<String, Shape> layout) {
        List<ConvLayerSpec> layers = config.convLayers();
        long in = 1;
        for (int i = 0; i < layers.size(); i++) {
            ConvLayerSpec l = layers.get(i);
            layout.put(convWeight(i), new Shape(l.channels(), in, l.kernel()));
            if (config.convBias()) {
                layout.put(convBias(i), new Shape(l.channels()));
            }
            String norm = normPrefix(i);
            if (norm != null) {
                layout.put(norm + "weight", new Shape(l.channels()));
                layout.put(norm + "bias", new Shape(l.channels()));
            }
            in = l.channels();
        }
    }

    /**
     * Runs the conv stack.
     *
     * @param w parameters
     * @param waveform {@code [B, L]} float32
     * @return features {@code [B, C, T]}
     */
    public NDArray forward(Weights w, NDArray waveform) {
        if (waveform.getShape().dimension() != 2) {
            throw new IllegalArgumentException("Expected waveform [batch, samples], found " + waveform.getShape());
        }
        NDArray x = waveform.expandDims(1);
        List<ConvLayerSpec> layers = config.convLayers();
        for (int i = 0; i < layers.size(); i++) {
            ConvLayerSpec l = layers.get(i);
            if (x.getShape().get(2) < l.kernel()) {
                throw new IllegalArgumentException("Input too short for conv layer " + i + ": expected at least "
                        + l.kernel() + " steps, found " + x.getShape().get(2) + " (waveform " + waveform.getShape()
                        + ")");
            }
            x = Conv1d.apply(x, w.get(convWeight(i)), config.convBias() ? w.get(convBias(i)) : null,
                    l.stride(), 0, 1);
            String norm = normPrefix(i);
            if (norm != null) {
                NDArray gamma = w.get(norm + "weight");
                NDArray beta = w.get(norm + "bias");
                if (config.extractorMode() == ExtractorMode.GROUP_NORM) {
                    x = GroupNorm.apply(x, l.channels(), gamma, beta, config.layerNormEps());
                } else {
                    x = LayerNorm.apply(x.transpose(0, 2, 1), gamma, beta, config.layerNormEps())
                            .transpose(0, 2, 1);
                }
            }
            x = Gelu.apply(x);
        }
        return x;
    }

    private static String convWeight(int i) {
        return PREFIX + i + ".0.weight";
    }

    private static String convBias(int i) {
        return PREFIX + i + ".0.bias";
    }

    private String normPrefix(int i) {
        if (config.extractorMode() == ExtractorMode.GROUP_NORM) {
            return i == 0 ? PREFIX + "0.2." : null;
        }
        return PREFIX + i + ".2.1.";
    }
}
