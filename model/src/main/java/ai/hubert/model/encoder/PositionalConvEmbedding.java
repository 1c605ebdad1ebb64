package ai.hubert.model.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.nn.Conv1d;
import ai.hubert.model.nn.Gelu;
import ai.hubert.model.nn.WeightNorm;
import ai.hubert.model.nn.Weights;
import java.util.Map;

/**
 * fairseq {@code encoder.pos_conv}: weight-normalised ({@code dim=2}) grouped Conv1d with padding K/2, SamePad
 * (drops the last frame when K is even), then GELU. Keys {@code encoder.pos_conv.0.weight_g [1,1,K]},
 * {@code weight_v [D, D/groups, K]}, {@code bias [D]}.
 */
public final class PositionalConvEmbedding {

    /** State-dict key prefix. */
    public static final String PREFIX = "encoder.pos_conv.0.";

    private final HubertConfig config;

    /** Creates the block for {@code config}. */
    public PositionalConvEmbedding(HubertConfig config) {
        this.config = config;
    }

    /** Adds this block's parameter names and shapes to {@code layout}. */
    public void declare(Map<String, Shape> layout) {
        int d = config.embedDim();
        int k = config.posConvKernel();
        layout.put(PREFIX + "bias", new Shape(d));
        layout.put(PREFIX + "weight_g", new Shape(1, 1, k));
        layout.put(PREFIX + "weight_v", new Shape(d, d / config.posConvGroups(), k));
    }

    /**
     * Computes the positional embedding (to be added to {@code x} by the caller).
     *
     * @param w parameters
     * @param x {@code [B, T, D]}
     * @return {@code [B, T, D]}
     */
    public NDArray forward(Weights w, NDArray x) {
        int k = config.posConvKernel();
        NDArray weight = WeightNorm.weight(w.get(PREFIX + "weight_g"), w.get(PREFIX + "weight_v"), 2);
        NDArray y = Conv1d.apply(x.transpose(0, 2, 1), weight, w.get(PREFIX + "bias"), 1, k / 2,
                config.posConvGroups());
        if (k % 2 == 0) {
            y = y.get(new NDIndex(":, :, :-1"));
        }
        return Gelu.apply(y).transpose(0, 2, 1);
    }
}
