package ai.hubert.ablation;

import java.util.List;

/**
 * What one ablation run measured.
 *
 * @param run run name
 * @param labelSets the label-set tags trained on (ensembles expanded)
 * @param alpha pred_masked_weight (pred_nomask_weight = 1 - alpha)
 * @param updates updates trained
 * @param lossMaskedBits masked-frame cross-entropy summed over label sets, bits per masked frame, averaged over the last
 *     progress window (training batches, dropout on)
 * @param accMasked masked-frame accuracy over the last window (mean over label sets)
 * @param accUnmasked unmasked-frame accuracy over the last window
 * @param setAccMasked per label set, masked-frame accuracy over the last window
 * @param pnmi PNMI of k-means labels of the trained model's layer features against the phone alignments
 * @param phonePurity phone purity of those labels
 * @param clusterPurity cluster purity of those labels
 * @param evalLabelSet the tag of those labels
 * @param checkpoint the trained model
 * @param trainSeconds wall time of the training job
 * @param evalSeconds wall time of feature extraction, k-means, labelling and evaluation
 */
public record AblationResult(String run, List<String> labelSets, double alpha, long updates, double lossMaskedBits,
    double accMasked, double accUnmasked, double[] setAccMasked, double pnmi, double phonePurity, double clusterPurity,
    String evalLabelSet, String checkpoint, double trainSeconds, double evalSeconds) {}
