package ai.hubert.model.nn;

import ai.djl.ndarray.NDArray;

/** {@code torch.nn.functional.linear}: {@code x W^T + b} with a PyTorch-layout weight {@code [out, in]}. */
public final class Linear {

    private Linear() {}

    /**
     * Applies the affine map to the last axis.
     *
     * @param x input {@code [..., in]}
     * @param weight {@code [out, in]}
     * @param bias {@code [out]} or {@code null}
     * @return {@code [..., out]}
     */
    public static NDArray apply(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }
}
