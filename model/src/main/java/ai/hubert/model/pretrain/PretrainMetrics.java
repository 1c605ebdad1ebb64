package ai.hubert.model.pretrain;

/**
 * The values fairseq's {@code hubert_criterion} logs for one batch (hubert-spec.md section 7.2); losses are in bits
 * per masked frame ({@code value / sample_size / ln 2}).
 *
 * @param loss total loss
 * @param lossMasked masked-frame cross-entropy ({@code loss_m_0})
 * @param lossUnmasked unmasked-frame cross-entropy ({@code loss_u_0}, logged only for pred_nomask_weight 0)
 * @param lossFeaturesPen weighted feature penalty ({@code loss_features_pen})
 * @param sampleSize number of masked frames
 * @param correctMasked masked frames whose target has the highest logit
 * @param countMasked masked frames
 * @param correctUnmasked unmasked frames whose target has the highest logit
 * @param countUnmasked unmasked frames
 */
public record PretrainMetrics(double loss, double lossMasked, double lossUnmasked, double lossFeaturesPen,
        long sampleSize, long correctMasked, long countMasked, long correctUnmasked, long countUnmasked) {

    /** Masked-frame accuracy ({@code correct_m_0 / count_m_0}); NaN without masked frames. */
    public double accuracyMasked() {
        return countMasked == 0 ? Double.NaN : (double) correctMasked / countMasked;
    }

    /** Unmasked-frame accuracy; NaN without unmasked frames. */
    public double accuracyUnmasked() {
        return countUnmasked == 0 ? Double.NaN : (double) correctUnmasked / countUnmasked;
    }
}
