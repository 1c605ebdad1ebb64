package ai.hubert.model.pretrain;

import java.util.List;

/**
 * The values fairseq's {@code hubert_criterion} logs for one batch (hubert-spec.md section 7.2); losses are in bits
 * per sample-size frame ({@code value / sample_size / ln 2}). With several label sets the masked and unmasked losses
 * and counts are sums over the sets (for one set they are fairseq's {@code loss_m_0}, {@code correct_m_0}, ...);
 * {@link #labelSets()} holds each set's own values.
 *
 * @param loss total loss
 * @param lossMasked masked-frame cross-entropy summed over label sets
 * @param lossUnmasked unmasked-frame cross-entropy summed over label sets
 * @param lossFeaturesPen weighted feature penalty ({@code loss_features_pen})
 * @param sampleSize fairseq's sample size: masked frames when {@code pred_masked_weight > 0} plus unmasked frames when
 *     {@code pred_nomask_weight > 0} (the gradient normaliser)
 * @param correctMasked masked frames whose target has the highest logit, summed over label sets
 * @param countMasked masked frames, summed over label sets
 * @param correctUnmasked unmasked frames whose target has the highest logit, summed over label sets
 * @param countUnmasked unmasked frames, summed over label sets
 * @param labelSets per label set, in configuration order
 */
public record PretrainMetrics(double loss, double lossMasked, double lossUnmasked, double lossFeaturesPen,
        long sampleSize, long correctMasked, long countMasked, long correctUnmasked, long countUnmasked,
        List<LabelSetMetrics> labelSets) {

    public PretrainMetrics {
        labelSets = List.copyOf(labelSets);
    }

    /** Masked-frame accuracy ({@code correct_m / count_m} over all sets); NaN without masked frames. */
    public double accuracyMasked() {
        return countMasked == 0 ? Double.NaN : (double) correctMasked / countMasked;
    }

    /** Unmasked-frame accuracy over all sets; NaN without unmasked frames. */
    public double accuracyUnmasked() {
        return countUnmasked == 0 ? Double.NaN : (double) correctUnmasked / countUnmasked;
    }
}
