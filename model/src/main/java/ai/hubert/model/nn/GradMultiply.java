package ai.hubert.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * fairseq's {@code GradMultiply}: identity in the forward pass, gradient multiplied by {@code scale} in the
 * backward pass. Written as {@code sg(x) + scale * (x - sg(x))}: {@code x - sg(x)} is exactly 0, so the forward
 * value is bit-identical to {@code x}, and the derivative is {@code scale}.
 */
public final class GradMultiply {

    private GradMultiply() {}

    /**
     * Applies the gradient scale.
     *
     * @param x input
     * @param scale gradient factor (fairseq {@code feature_grad_mult}); 1 returns {@code x} itself
     * @return {@code x} with a scaled gradient
     */
    public static NDArray apply(NDArray x, double scale) {
        if (scale == 1.0) {
            return x;
        }
        NDArray frozen = x.stopGradient();
        return frozen.add(x.sub(frozen).mul((float) scale));
    }
}
