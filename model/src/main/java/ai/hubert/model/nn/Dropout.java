package ai.hubert.model.nn;

import ai.djl.ndarray.NDArray;

/** Inverted dropout ({@code torch.nn.functional.dropout}); identity when not training or {@code p == 0}. */
public final class Dropout {

    private Dropout() {}

    /**
     * Applies dropout.
     *
     * @param x input
     * @param p drop probability in [0, 1)
     * @param training whether dropout is active
     * @return {@code x} or a dropped-out copy scaled by {@code 1 / (1 - p)}
     */
    public static NDArray apply(NDArray x, float p, boolean training) {
        if (!training || p == 0f) {
            return x;
        }
        return x.getNDArrayInternal().dropout(x, p, true).singletonOrThrow();
    }
}
