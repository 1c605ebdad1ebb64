package ai.hubert.model.pretrain;

/**
 * The per-label-set values fairseq's {@code hubert_criterion} logs for one batch ({@code loss_m_i}, {@code loss_u_i},
 * {@code correct_m_i / count_m_i}, {@code correct_u_i / count_u_i}); losses in bits per sample-size frame like
 * {@link PretrainMetrics}. A skipped kind of frame ({@code skip_masked} / {@code skip_nomask}) has a NaN loss and
 * zero counts.
 *
 * @param index label set index i
 * @param lossMasked masked-frame cross-entropy of this set ({@code loss_m_i})
 * @param lossUnmasked unmasked-frame cross-entropy of this set ({@code loss_u_i})
 * @param correctMasked masked frames whose target has the highest logit
 * @param countMasked masked frames
 * @param correctUnmasked unmasked frames whose target has the highest logit
 * @param countUnmasked unmasked frames
 */
public record LabelSetMetrics(int index, double lossMasked, double lossUnmasked, long correctMasked, long countMasked,
        long correctUnmasked, long countUnmasked) {

    /** Masked-frame accuracy ({@code acc_m_i}); NaN without masked frames. */
    public double accuracyMasked() {
        return countMasked == 0 ? Double.NaN : (double) correctMasked / countMasked;
    }

    /** Unmasked-frame accuracy ({@code acc_u_i}); NaN without unmasked frames. */
    public double accuracyUnmasked() {
        return countUnmasked == 0 ? Double.NaN : (double) correctUnmasked / countUnmasked;
    }
}
