package ai.hubert.model.pretrain;

import ai.djl.ndarray.NDArray;

/**
 * Result of a pre-training forward pass. Arrays belong to the step manager of the pass.
 *
 * @param loss scalar to back-propagate ({@code pred_masked_weight * loss_m + pred_nomask_weight * loss_u +
 *     feature_pen_weight * features_pen * sample_size})
 * @param logits {@code [B, T, C]} cosine similarity / temperature against every label embedding
 * @param lossMasked scalar sum of masked-frame cross-entropy
 * @param lossUnmasked scalar sum of unmasked-frame cross-entropy
 * @param featuresPen scalar mean of squared conv features
 * @param mask boolean {@code [B, T]}
 * @param targets int64 {@code [B, T]}
 * @param metrics the logged values
 */
public record PretrainOutput(NDArray loss, NDArray logits, NDArray lossMasked, NDArray lossUnmasked,
        NDArray featuresPen, NDArray mask, NDArray targets, PretrainMetrics metrics) {}
