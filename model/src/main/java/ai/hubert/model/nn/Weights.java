package ai.hubert.model.nn;

import ai.djl.ndarray.NDArray;

/** Read access to named parameter arrays (fairseq state-dict keys). */
@FunctionalInterface
public interface Weights {

    /**
     * Returns the array stored under {@code key}.
     *
     * @throws IllegalArgumentException if there is no such parameter
     */
    NDArray get(String key);
}
