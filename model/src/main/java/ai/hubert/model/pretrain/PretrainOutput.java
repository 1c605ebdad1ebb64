package ai.hubert.model.pretrain;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Result of a pre-training forward pass. Arrays belong to the step manager of the pass.
 *
 * @param loss scalar to back-propagate ({@code pred_masked_weight * Σ_i loss_m_i + pred_nomask_weight * Σ_i loss_u_i
 *     + feature_pen_weight * features_pen * sample_size}, terms of weight 0 or skipped left out)
 * @param setLogits per label set, {@code [B, T, C_i]} cosine similarity / temperature against that set's embeddings
 * @param lossMasked scalar sum over label sets of masked-frame cross-entropy
 * @param lossUnmasked scalar sum over label sets of unmasked-frame cross-entropy
 * @param featuresPen scalar mean of squared conv features
 * @param mask boolean {@code [B, T]}
 * @param setTargets per label set, int64 {@code [B, T]} aligned targets
 * @param metrics the logged values
 */
public record PretrainOutput(NDArray loss, List<NDArray> setLogits, NDArray lossMasked, NDArray lossUnmasked,
        NDArray featuresPen, NDArray mask, List<NDArray> setTargets, PretrainMetrics metrics) {

    public PretrainOutput {
        setLogits = List.copyOf(setLogits);
        setTargets = List.copyOf(setTargets);
    }

    /** Logits {@code [B, T, C]} of the first (for one label set: the only) label set. */
    public NDArray logits() {
        return setLogits.get(0);
    }

    /** Aligned targets {@code [B, T]} of the first (for one label set: the only) label set. */
    public NDArray targets() {
        return setTargets.get(0);
    }
}
