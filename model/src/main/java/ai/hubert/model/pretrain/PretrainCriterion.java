package ai.hubert.model.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.hubert.model.HubertModel;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.nn.Linear;
import ai.hubert.model.nn.Precision;
import ai.hubert.model.nn.Weights;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HuBERT's prediction head and fairseq criterion (hubert-spec.md section 7). Logits are
 * {@code cos(final_proj(x_t), E_c) / logit_temp} against all C label-embedding rows; fairseq's positive-versus-all
 * formulation gives the same softmax cross-entropy with target {@code y_t}, except that a row bit-identical to the
 * target's embedding is excluded there, which is reproduced here with {@code -inf}. Cosine norms are clamped at
 * 1e-8 as in {@code torch.cosine_similarity}.
 */
public final class PretrainCriterion {

    private static final double COSINE_EPS = 1e-8;
    private static final double LN2 = Math.log(2);

    private final HubertConfig config;

    /** Creates the criterion for {@code config} (temperature, loss weights). */
    public PretrainCriterion(HubertConfig config) {
        this.config = config;
    }

    /**
     * Computes logits {@code [B, T, C]} for encoder output {@code x [B, T, D]} (one label set; the first set's chunk
     * otherwise).
     */
    public NDArray logits(Weights w, NDArray x) {
        return logits(w, x, 0);
    }

    /**
     * Computes logits {@code [B, T, C_i]} of label set {@code set}: fairseq's {@code final_proj} output is chunked into
     * one {@code final_dim} slice per set and {@code label_embs_concat} split by each set's class count.
     */
    public NDArray logits(Weights w, NDArray x, int set) {
        NDArray proj = Linear.apply(x, w.get("final_proj.weight"), w.get("final_proj.bias"));
        return logitsOfProjection(w, proj, set);
    }

    private NDArray logitsOfProjection(Weights w, NDArray proj, int set) {
        NDArray emb = w.get(HubertModel.LABEL_EMBS);
        if (config.numLabelSets() > 1) {
            int d = config.finalDim();
            int from = config.labelSetOffset(set);
            proj = proj.get(new NDIndex(":, :, " + (set * d) + ":" + ((set + 1) * d)));
            emb = emb.get(new NDIndex(from + ":" + (from + config.labelSetClasses().get(set))));
        }
        NDArray pn = proj.div(proj.norm(new int[] {-1}, true).maximum(COSINE_EPS));
        NDArray en = emb.div(emb.norm(new int[] {-1}, true).maximum(COSINE_EPS));
        return Precision.toFloat32(pn.matMul(en.transpose()).div(config.logitTemp())); // fairseq: logits.float()
    }

    /**
     * Computes the loss and metrics of one label set.
     *
     * @param w parameters
     * @param x encoder output {@code [B, T, D]}
     * @param targets int64 {@code [B, T]} label ids in {@code [0, C)}
     * @param mask boolean {@code [B, T]}
     * @param featuresPen scalar feature penalty
     */
    public PretrainOutput compute(Weights w, NDArray x, NDArray targets, NDArray mask, NDArray featuresPen) {
        return compute(w, x, List.of(targets), mask, featuresPen);
    }

    /**
     * Computes the loss and metrics over every label set (fairseq {@code hubert_criterion}): per set the masked and
     * unmasked cross-entropy sums; {@code loss = pred_masked_weight * Σ loss_m_i + pred_nomask_weight * Σ loss_u_i
     * + loss_weights[0] * features_pen * sample_size}, where a term enters only when its weight is positive, and
     * {@code sample_size} counts the masked frames when {@code pred_masked_weight > 0} plus the unmasked frames when
     * {@code pred_nomask_weight > 0}. Frames of a kind that {@code skip_masked} / {@code skip_nomask} skips get no
     * loss and no metrics.
     *
     * @param targets per label set, int64 {@code [B, T]} label ids in {@code [0, C_i)}
     */
    public PretrainOutput compute(Weights w, NDArray x, List<NDArray> targets, NDArray mask, NDArray featuresPen) {
        Shape bt = new Shape(x.getShape().get(0), x.getShape().get(1));
        if (targets.size() != config.numLabelSets()) {
            throw new IllegalArgumentException("Expected targets of " + config.numLabelSets() + " label set(s), found "
                    + targets.size());
        }
        if (!mask.getShape().equals(bt)) {
            throw new IllegalArgumentException("Expected targets and mask of shape " + bt + ", found mask "
                    + mask.getShape());
        }
        float wm = config.predMaskedWeight();
        float wu = config.predNomaskWeight();
        boolean useM = wm > 0f && !config.skipMasked();
        boolean useU = wu > 0f && !config.skipNomask();
        NDArray maskF = mask.toType(DataType.FLOAT32, false);
        NDArray unmaskF = maskF.neg().add(1f);
        long masked = (long) maskF.sum().getFloat();
        long total = bt.size();
        long sampleSize = (useM ? masked : 0) + (useU ? total - masked : 0);
        double norm = sampleSize == 0 ? Double.NaN : sampleSize * LN2;
        NDArray proj = Linear.apply(x, w.get("final_proj.weight"), w.get("final_proj.bias"));

        List<NDArray> setLogits = new ArrayList<>();
        List<LabelSetMetrics> perSet = new ArrayList<>();
        NDArray lossM = null;
        NDArray lossU = null;
        long[] counts = new long[4];
        for (int i = 0; i < targets.size(); i++) {
            NDArray target = targets.get(i);
            if (!target.getShape().equals(bt)) {
                throw new IllegalArgumentException("Expected targets and mask of shape " + bt + ", found "
                        + target.getShape() + " and " + mask.getShape() + (targets.size() > 1 ? " (label set " + i
                        + ")" : ""));
            }
            long[] y = target.toLongArray();
            int classes = config.labelSetClasses().get(i);
            for (long v : y) {
                if (v < 0 || v >= classes) {
                    throw new IllegalArgumentException("Expected label ids in [0, " + classes + "), found " + v
                            + (targets.size() > 1 ? " in label set " + i : ""));
                }
            }
            NDArray logits = logitsOfProjection(w, proj, i);
            NDArray emb = w.get(HubertModel.LABEL_EMBS);
            if (config.numLabelSets() > 1) {
                int from = config.labelSetOffset(i);
                emb = emb.get(new NDIndex(from + ":" + (from + classes)));
            }
            float[] exclusion = duplicateExclusion(emb, y, classes);
            if (exclusion != null) {
                logits = logits.add(x.getManager().create(exclusion, logits.getShape()));
            }
            setLogits.add(logits);
            NDArray idx = target.toType(DataType.INT64, false).expandDims(-1);
            NDArray nll = logits.logSoftmax(-1).gather(idx, -1).squeeze(-1).neg();
            NDArray setM = nll.mul(maskF).sum();
            NDArray setU = nll.mul(unmaskF).sum();
            lossM = lossM == null ? setM : lossM.add(setM);
            lossU = lossU == null ? setU : lossU.add(setU);

            NDArray frozen = logits.stopGradient();
            NDArray correct = frozen.gather(idx, -1).squeeze(-1).gte(frozen.max(new int[] {-1}))
                    .toType(DataType.FLOAT32, false);
            long correctM = config.skipMasked() ? 0 : (long) correct.mul(maskF).sum().getFloat();
            long correctU = config.skipNomask() ? 0 : (long) correct.mul(unmaskF).sum().getFloat();
            long countM = config.skipMasked() ? 0 : masked;
            long countU = config.skipNomask() ? 0 : total - masked;
            perSet.add(new LabelSetMetrics(i, config.skipMasked() ? Double.NaN : setM.getFloat() / norm,
                    config.skipNomask() ? Double.NaN : setU.getFloat() / norm, correctM, countM, correctU, countU));
            counts[0] += correctM;
            counts[1] += countM;
            counts[2] += correctU;
            counts[3] += countU;
        }
        NDArray loss = null;
        if (useM) {
            loss = lossM.mul(wm);
        }
        if (useU) {
            NDArray termU = lossU.mul(wu);
            loss = loss == null ? termU : loss.add(termU);
        }
        NDArray penTerm = featuresPen.mul((float) ((double) config.featurePenWeight() * sampleSize));
        loss = loss == null ? penTerm : loss.add(penTerm);

        PretrainMetrics metrics = new PretrainMetrics(loss.getFloat() / norm,
                config.skipMasked() ? Double.NaN : lossM.getFloat() / norm,
                config.skipNomask() ? Double.NaN : lossU.getFloat() / norm, penTerm.getFloat() / norm, sampleSize,
                counts[0], counts[1], counts[2], counts[3], perSet);
        return new PretrainOutput(loss, setLogits, lossM, lossU, featuresPen, mask, targets, metrics);
    }

    /**
     * fairseq sets to -inf every non-target class whose embedding equals the target's bit for bit; returns that
     * additive mask {@code [B*T*C]}, or null when all rows differ (the normal case).
     */
    private static float[] duplicateExclusion(NDArray embeddings, long[] targets, int classes) {
        float[] e = embeddings.toType(DataType.FLOAT32, false).toFloatArray();
        int dim = e.length / classes;
        Map<List<Float>, List<Integer>> groups = new HashMap<>();
        for (int c = 0; c < classes; c++) {
            List<Float> row = new ArrayList<>(dim);
            for (int j = 0; j < dim; j++) {
                row.add(e[c * dim + j]);
            }
            groups.computeIfAbsent(row, k -> new ArrayList<>()).add(c);
        }
        if (groups.size() == classes) {
            return null;
        }
        int[] groupOf = new int[classes];
        List<List<Integer>> members = new ArrayList<>(groups.values());
        for (int g = 0; g < members.size(); g++) {
            for (int c : members.get(g)) {
                groupOf[c] = g;
            }
        }
        float[] out = new float[targets.length * classes];
        for (int s = 0; s < targets.length; s++) {
            int yt = (int) targets[s];
            for (int c : members.get(groupOf[yt])) {
                if (c != yt) {
                    out[s * classes + c] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        return out;
    }
}
