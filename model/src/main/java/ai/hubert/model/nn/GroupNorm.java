package ai.hubert.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@code torch.nn.GroupNorm} over {@code [B, C, T]} (DJL has none): channels are split into {@code groups}, each
 * group is normalised over its channels and all time steps (biased variance), then a per-channel affine is applied.
 * With {@code groups == C} (fairseq's {@code Fp32GroupNorm(512, 512)} on conv layer 0) every channel is normalised
 * over time.
 */
public final class GroupNorm {

    private GroupNorm() {}

    /**
     * Applies group normalisation.
     *
     * @param x input {@code [B, C, T]}
     * @param groups number of groups, dividing C
     * @param gamma per-channel scale {@code [C]}
     * @param beta per-channel shift {@code [C]}
     * @param eps variance epsilon (1e-5 in HuBERT)
     * @return normalised {@code [B, C, T]}
     */
    public static NDArray apply(NDArray x, int groups, NDArray gamma, NDArray beta, float eps) {
        Shape s = x.getShape();
        if (s.dimension() != 3) {
            throw new IllegalArgumentException("GroupNorm expects [B, C, T], found " + s);
        }
        long b = s.get(0);
        long c = s.get(1);
        long t = s.get(2);
        if (c % groups != 0) {
            throw new IllegalArgumentException("GroupNorm expects channels divisible by groups, found " + c
                    + " channels and " + groups + " groups");
        }
        long n = (c / groups) * t;
        NDManager m = x.getManager();
        // layer_norm over the last axis of [B, G, (C/G)*T] is exactly the group statistics (fused kernel)
        NDArray grouped = x.reshape(b, groups, n);
        NDArray normed = grouped.getNDArrayInternal()
                .layerNorm(grouped, new Shape(n), m.ones(new Shape(n)), m.zeros(new Shape(n)), eps)
                .singletonOrThrow()
                .reshape(b, c, t);
        return normed.mul(gamma.reshape(1, c, 1)).add(beta.reshape(1, c, 1));
    }
}
