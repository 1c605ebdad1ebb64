package ai.hubert.model.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * Rewrites the gradients in place before they are clipped and applied: in data-parallel training, sums
 * them over all workers (an all-reduce) and divides by the all-reduced sample size, as fairseq does.
 */
@FunctionalInterface
public interface GradientReducer {
    /** A reducer that leaves the gradients as they are (one worker). */
    GradientReducer LOCAL = grads -> { };

    /**
     * Reduces {@code grads} (parameter name → gradient view, in parameter order) in place.
     *
     * @throws RuntimeException when a worker fails; the step is then abandoned
     */
    void reduce(Map<String, NDArray> grads);
}
