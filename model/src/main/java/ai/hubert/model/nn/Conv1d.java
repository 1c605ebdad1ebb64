package ai.hubert.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** {@code torch.nn.functional.conv1d} on {@code [B, C_in, T]} with a weight {@code [C_out, C_in / groups, K]}. */
public final class Conv1d {

    private Conv1d() {}

    /**
     * Applies a 1-D convolution.
     *
     * @param x input {@code [B, C_in, T]}
     * @param weight kernel {@code [C_out, C_in / groups, K]}
     * @param bias {@code [C_out]} or {@code null}
     * @param stride stride
     * @param padding zero padding on both sides
     * @param groups channel groups
     * @return {@code [B, C_out, T_out]}
     */
    public static NDArray apply(NDArray x, NDArray weight, NDArray bias, int stride, int padding, int groups) {
        return x.getNDArrayInternal()
                .convolution(x, weight, bias, new Shape(stride), new Shape(padding), new Shape(1), groups)
                .singletonOrThrow();
    }
}
