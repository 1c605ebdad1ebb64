package ai.hubert.model.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.nn.Dropout;
import ai.hubert.model.nn.Gelu;
import ai.hubert.model.nn.LayerNorm;
import ai.hubert.model.nn.Linear;
import ai.hubert.model.nn.Weights;
import java.util.Map;

/**
 * fairseq {@code TransformerSentenceEncoderLayer} {@code encoder.layers.N}: post-LN (Base) or pre-LN (Large)
 * self-attention + GELU feed-forward. Keys {@code self_attn.*}, {@code self_attn_layer_norm}, {@code fc1},
 * {@code fc2}, {@code final_layer_norm}.
 */
public final class TransformerLayer {

    private final HubertConfig config;
    private final String prefix;
    private final MultiheadSelfAttention attention;

    /**
     * Creates layer {@code index} (0-based) of {@code config}.
     */
    public TransformerLayer(HubertConfig config, int index) {
        this.config = config;
        this.prefix = "encoder.layers." + index + ".";
        this.attention = new MultiheadSelfAttention(prefix + "self_attn.", config.embedDim(), config.numHeads(),
                config.attentionDropout());
    }

    /** Adds this block's parameter names and shapes to {@code layout}. */
    public void declare(Map<String, Shape> layout) {
        int d = config.embedDim();
        attention.declare(layout);
        layout.put(prefix + "self_attn_layer_norm.weight", new Shape(d));
        layout.put(prefix + "self_attn_layer_norm.bias", new Shape(d));
        layout.put(prefix + "fc1.weight", new Shape(config.ffnDim(), d));
        layout.put(prefix + "fc1.bias", new Shape(config.ffnDim()));
        layout.put(prefix + "fc2.weight", new Shape(d, config.ffnDim()));
        layout.put(prefix + "fc2.bias", new Shape(d));
        layout.put(prefix + "final_layer_norm.weight", new Shape(d));
        layout.put(prefix + "final_layer_norm.bias", new Shape(d));
    }

    /**
     * Applies the layer.
     *
     * @param w parameters
     * @param x {@code [B, T, D]}
     * @param training enables dropout
     * @return {@code [B, T, D]}
     */
    public NDArray forward(Weights w, NDArray x, boolean training) {
        float eps = config.layerNormEps();
        NDArray residual = x;
        if (config.layerNormFirst()) {
            x = ln(w, "self_attn_layer_norm", x, eps);
        }
        x = Dropout.apply(attention.forward(w, x, training), config.dropout(), training);
        x = residual.add(x);
        if (!config.layerNormFirst()) {
            x = ln(w, "self_attn_layer_norm", x, eps);
        }
        residual = x;
        if (config.layerNormFirst()) {
            x = ln(w, "final_layer_norm", x, eps);
        }
        x = Gelu.apply(Linear.apply(x, w.get(prefix + "fc1.weight"), w.get(prefix + "fc1.bias")));
        x = Dropout.apply(x, config.activationDropout(), training);
        x = Linear.apply(x, w.get(prefix + "fc2.weight"), w.get(prefix + "fc2.bias"));
        x = Dropout.apply(x, config.dropout(), training);
        x = residual.add(x);
        if (!config.layerNormFirst()) {
            x = ln(w, "final_layer_norm", x, eps);
        }
        return x;
    }

    private NDArray ln(Weights w, String name, NDArray x, float eps) {
        return LayerNorm.apply(x, w.get(prefix + name + ".weight"), w.get(prefix + name + ".bias"), eps);
    }
}
