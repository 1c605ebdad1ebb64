package ai.hubert.model.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.hubert.model.nn.Dropout;
import ai.hubert.model.nn.Linear;
import ai.hubert.model.nn.Weights;
import java.util.Map;

/**
 * fairseq {@code MultiheadAttention} (self-attention, no padding): separate q/k/v/out projections with bias, q
 * scaled by {@code head_dim^-0.5} after projection, softmax over keys, dropout on the probabilities. Keys
 * {@code <prefix>{q,k,v,out}_proj.{weight,bias}}.
 */
public final class MultiheadSelfAttention {

    private final String prefix;
    private final int embedDim;
    private final int heads;
    private final float attentionDropout;

    /**
     * Creates the block.
     *
     * @param prefix key prefix ending in {@code "self_attn."}
     * @param embedDim D
     * @param heads number of heads H (D divisible by H)
     * @param attentionDropout dropout on attention probabilities
     */
    public MultiheadSelfAttention(String prefix, int embedDim, int heads, float attentionDropout) {
        this.prefix = prefix;
        this.embedDim = embedDim;
        this.heads = heads;
        this.attentionDropout = attentionDropout;
    }

    /** Adds this block's parameter names and shapes to {@code layout}. */
    public void declare(Map<String, Shape> layout) {
        for (String p : new String[] {"k_proj", "v_proj", "q_proj", "out_proj"}) {
            layout.put(prefix + p + ".weight", new Shape(embedDim, embedDim));
            layout.put(prefix + p + ".bias", new Shape(embedDim));
        }
    }

    /**
     * Self-attention over time.
     *
     * @param w parameters
     * @param x {@code [B, T, D]}
     * @param training enables attention dropout
     * @return {@code [B, T, D]}
     */
    @SuppressWarnings("checkstyle:LocalVariableName") // B, T, H, E as in the paper and reference code
    public NDArray forward(Weights w, NDArray x, boolean training) {
        long B = x.getShape().get(0);
        long T = x.getShape().get(1);
        long H = heads;
        long E = embedDim / heads;
        double scaling = Math.pow(E, -0.5);
        NDArray q = Linear.apply(x, w.get(prefix + "q_proj.weight"), w.get(prefix + "q_proj.bias"))
                .mul((float) scaling).reshape(B, T, H, E).transpose(0, 2, 1, 3);
        NDArray k = Linear.apply(x, w.get(prefix + "k_proj.weight"), w.get(prefix + "k_proj.bias"))
                .reshape(B, T, H, E).transpose(0, 2, 3, 1);
        NDArray v = Linear.apply(x, w.get(prefix + "v_proj.weight"), w.get(prefix + "v_proj.bias"))
                .reshape(B, T, H, E).transpose(0, 2, 1, 3);
        NDArray probs = q.matMul(k).softmax(-1);
        probs = Dropout.apply(probs, attentionDropout, training);
        NDArray out = probs.matMul(v).transpose(0, 2, 1, 3).reshape(B, T, H * E);
        return Linear.apply(out, w.get(prefix + "out_proj.weight"), w.get(prefix + "out_proj.bias"));
    }
}
