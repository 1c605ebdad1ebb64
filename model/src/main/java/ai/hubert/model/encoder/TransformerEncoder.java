package ai.hubert.model.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.nn.Dropout;
import ai.hubert.model.nn.LayerNorm;
import ai.hubert.model.nn.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * fairseq {@code TransformerEncoder} (hubert-spec.md section 5.3): {@code x + pos_conv(x)}, LayerNorm before the
 * layers for post-LN models, dropout, the layers with LayerDrop (training only), LayerNorm after the layers for
 * pre-LN models when the full stack runs. No padding support: pre-training crops instead of padding.
 */
public final class TransformerEncoder {

    private static final String LAYER_NORM = "encoder.layer_norm.";

    private final HubertConfig config;
    private final PositionalConvEmbedding posConv;
    private final List<TransformerLayer> layers = new ArrayList<>();

    /** Creates the encoder for {@code config}. */
    public TransformerEncoder(HubertConfig config) {
        this.config = config;
        this.posConv = new PositionalConvEmbedding(config);
        for (int i = 0; i < config.numLayers(); i++) {
            layers.add(new TransformerLayer(config, i));
        }
    }

    /** Adds this block's parameter names and shapes to {@code layout} (fairseq order). */
    public void declare(Map<String, Shape> layout) {
        posConv.declare(layout);
        layout.put(LAYER_NORM + "weight", new Shape(config.embedDim()));
        layout.put(LAYER_NORM + "bias", new Shape(config.embedDim()));
        for (TransformerLayer layer : layers) {
            layer.declare(layout);
        }
    }

    /**
     * Runs the encoder.
     *
     * @param w parameters
     * @param x {@code [B, T, D]} (projected, masked features)
     * @param training enables dropout and LayerDrop
     * @param outputLayer 1-based layer to stop after (no final LayerNorm), or 0 for the full stack
     * @param layerDropRandom source of LayerDrop decisions (used only when training with layerdrop &gt; 0)
     * @param hiddenStates if not null, receives the layer input (index 0) and each executed layer's output
     * @return {@code [B, T, D]}
     */
    public NDArray forward(Weights w, NDArray x, boolean training, int outputLayer, Random layerDropRandom,
            List<NDArray> hiddenStates) {
        if (outputLayer < 0 || outputLayer > layers.size()) {
            throw new IllegalArgumentException("Expected output layer in [1, " + layers.size()
                    + "] or 0 for all, found " + outputLayer);
        }
        float eps = config.layerNormEps();
        x = x.add(posConv.forward(w, x));
        if (!config.layerNormFirst()) {
            x = LayerNorm.apply(x, w.get(LAYER_NORM + "weight"), w.get(LAYER_NORM + "bias"), eps);
        }
        x = Dropout.apply(x, config.dropout(), training);
        if (hiddenStates != null) {
            hiddenStates.add(x);
        }
        for (int i = 0; i < layers.size(); i++) {
            boolean drop = training && config.layerDrop() > 0f
                    && !(layerDropRandom.nextDouble() > config.layerDrop());
            if (!drop) {
                x = layers.get(i).forward(w, x, training);
                if (hiddenStates != null) {
                    hiddenStates.add(x);
                }
            }
            if (outputLayer == i + 1) {
                return x;
            }
        }
        if (config.layerNormFirst()) {
            x = LayerNorm.apply(x, w.get(LAYER_NORM + "weight"), w.get(LAYER_NORM + "bias"), eps);
        }
        return x;
    }
}
