package ai.hubert.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * Weight-norm reparametrisation {@code W = g * V / ||V||} ({@code torch.nn.utils.weight_norm}); the norm is taken
 * over every axis except {@code dim}. HuBERT's positional convolution uses {@code dim = 2}: {@code g} has shape
 * {@code [1, 1, K]} and each kernel tap is normalised over the {@code out x in} plane (hubert-spec.md section 9.4).
 */
public final class WeightNorm {

    private WeightNorm() {}

    /**
     * Reconstructs the weight (differentiable in {@code g} and {@code v}).
     *
     * @param g magnitude, size 1 on every axis except {@code dim}
     * @param v direction, full weight shape
     * @param dim the axis that keeps its own norm
     * @return the weight, shape of {@code v}
     */
    public static NDArray weight(NDArray g, NDArray v, int dim) {
        int rank = v.getShape().dimension();
        if (g.getShape().dimension() != rank || g.getShape().get(dim) != v.getShape().get(dim)) {
            throw new IllegalArgumentException("WeightNorm expects g of rank " + rank + " matching v " + v.getShape()
                    + " on axis " + dim + ", found " + g.getShape());
        }
        return v.mul(g.div(norm(v, dim)));
    }

    /** Returns {@code ||v||_2} over all axes except {@code dim}, kept as size-1 axes (the initial {@code g}). */
    public static NDArray norm(NDArray v, int dim) {
        int rank = v.getShape().dimension();
        int[] axes = new int[rank - 1];
        for (int a = 0, k = 0; a < rank; a++) {
            if (a != dim) {
                axes[k++] = a;
            }
        }
        return v.square().sum(axes, true).sqrt();
    }
}
