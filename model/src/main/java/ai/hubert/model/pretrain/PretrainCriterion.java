package ai.hubert.model.pretrain;

import ai.djl.ndarray.NDArray;
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
     * Computes logits {@code [B, T, C]} for encoder output {@code x [B, T, D]}.
     */
    public NDArray logits(Weights w, NDArray x) {
        NDArray proj = Linear.apply(x, w.get("final_proj.weight"), w.get("final_proj.bias"));
        NDArray pn = proj.div(proj.norm(new int[] {-1}, true).maximum(COSINE_EPS));
        NDArray emb = w.get(HubertModel.LABEL_EMBS);
        NDArray en = emb.div(emb.norm(new int[] {-1}, true).maximum(COSINE_EPS));
        return Precision.toFloat32(pn.matMul(en.transpose()).div(config.logitTemp())); // fairseq: logits.float()
    }

    /**
     * Computes the loss and metrics.
     *
     * @param w parameters
     * @param x encoder output {@code [B, T, D]}
     * @param targets int64 {@code [B, T]} label ids in {@code [0, C)}
     * @param mask boolean {@code [B, T]}
     * @param featuresPen scalar feature penalty
     */
    public PretrainOutput compute(Weights w, NDArray x, NDArray targets, NDArray mask, NDArray featuresPen) {
        Shape bt = new Shape(x.getShape().get(0), x.getShape().get(1));
        if (!targets.getShape().equals(bt) || !mask.getShape().equals(bt)) {
            throw new IllegalArgumentException("Expected targets and mask of shape " + bt + ", found "
                    + targets.getShape() + " and " + mask.getShape());
        }
        long[] y = targets.toLongArray();
        int classes = config.numClasses();
        for (long v : y) {
            if (v < 0 || v >= classes) {
                throw new IllegalArgumentException("Expected label ids in [0, " + classes + "), found " + v);
            }
        }
        NDArray logits = logits(w, x);
        float[] exclusion = duplicateExclusion(w.get(HubertModel.LABEL_EMBS), y, classes);
        if (exclusion != null) {
            logits = logits.add(x.getManager().create(exclusion, logits.getShape()));
        }
        NDArray idx = targets.toType(DataType.INT64, false).expandDims(-1);
        NDArray nll = logits.logSoftmax(-1).gather(idx, -1).squeeze(-1).neg();
        NDArray maskF = mask.toType(DataType.FLOAT32, false);
        NDArray lossM = nll.mul(maskF).sum();
        NDArray lossU = nll.mul(maskF.neg().add(1f)).sum();
        long sampleSize = (long) maskF.sum().getFloat();
        NDArray loss = lossM.mul(config.predMaskedWeight());
        if (config.predNomaskWeight() != 0f) {
            loss = loss.add(lossU.mul(config.predNomaskWeight()));
        }
        NDArray penTerm = featuresPen.mul((float) ((double) config.featurePenWeight() * sampleSize));
        loss = loss.add(penTerm);

        NDArray frozen = logits.stopGradient();
        NDArray correct = frozen.gather(idx, -1).squeeze(-1).gte(frozen.max(new int[] {-1}))
                .toType(DataType.FLOAT32, false);
        long correctM = (long) correct.mul(maskF).sum().getFloat();
        long correctU = (long) correct.mul(maskF.neg().add(1f)).sum().getFloat();
        long total = bt.size();
        double norm = sampleSize == 0 ? Double.NaN : sampleSize * LN2;
        PretrainMetrics metrics = new PretrainMetrics(loss.getFloat() / norm, lossM.getFloat() / norm,
                lossU.getFloat() / norm, penTerm.getFloat() / norm, sampleSize, correctM, sampleSize, correctU,
                total - sampleSize);
        return new PretrainOutput(loss, logits, lossM, lossU, featuresPen, mask, targets, metrics);
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
