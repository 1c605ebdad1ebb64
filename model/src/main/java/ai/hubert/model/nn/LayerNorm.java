package ai.hubert.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** {@code torch.nn.functional.layer_norm} over the last axis with affine weight and bias. */
public final class LayerNorm {

    private LayerNorm() {}

    /**
     * Normalises over the last axis.
     *
     * @param x input {@code [..., D]}
     * @param gamma weight {@code [D]}
     * @param beta bias {@code [D]}
     * @param eps epsilon
     * @return normalised input, same shape
     */
    public static NDArray apply(NDArray x, NDArray gamma, NDArray beta, float eps) {
        long d = x.getShape().get(x.getShape().dimension() - 1);
        if (gamma.getShape().size() != d || beta.getShape().size() != d) {
            throw new IllegalArgumentException("LayerNorm expects weight and bias of size " + d + ", found "
                    + gamma.getShape() + " and " + beta.getShape());
        }
        return x.getNDArrayInternal().layerNorm(x, new Shape(d), gamma, beta, eps).singletonOrThrow();
    }
}
