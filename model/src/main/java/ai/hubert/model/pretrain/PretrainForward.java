package ai.hubert.model.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.hubert.model.HubertModel;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.nn.Precision;
import java.util.ArrayList;
import java.util.List;

/**
 * One HuBERT pre-training forward pass in fairseq's op order (hubert-spec.md section 5.2): conv features with
 * GradMultiply, label alignment and trim (section 4.4), feature penalty, LayerNorm + projection + dropout, span
 * mask with the mask embedding, transformer, head and criterion. Call it inside the model's step manager and a
 * {@code GradientCollector} when training.
 */
public final class PretrainForward {

    private final HubertModel model;
    private final PretrainCriterion criterion;

    /** Creates the pass for {@code model}. */
    public PretrainForward(HubertModel model) {
        this.model = model;
        this.criterion = new PretrainCriterion(model.config());
    }

    /**
     * Runs the pass with one label set.
     *
     * @param waveform {@code [B, L]} float32, cropped to a common length
     * @param labels per row, label ids at the configured label rate (length at least the aligned frame count)
     * @param masks mask supplier, asked once the frame count is known
     * @param training enables dropout and LayerDrop
     * @return loss, logits and metrics
     */
    public PretrainOutput forward(NDArray waveform, int[][] labels, MaskSource masks, boolean training) {
        return forward(waveform, List.<int[][]>of(labels), masks, training);
    }

    /**
     * Runs the pass with every configured label set.
     *
     * @param waveform {@code [B, L]} float32, cropped to a common length
     * @param labelSets per label set (configuration order), per row, label ids in {@code [0, C_i)} at that set's
     *     label rate; the conv frames are trimmed so that every set covers them (spec section 4.4, per set)
     * @param masks mask supplier, asked once the frame count is known
     * @param training enables dropout and LayerDrop
     * @return loss, per-set logits and metrics
     */
    public PretrainOutput forward(NDArray waveform, List<int[][]> labelSets, MaskSource masks, boolean training) {
        HubertConfig c = model.config();
        int batch = (int) waveform.getShape().get(0);
        if (labelSets.size() != c.numLabelSets()) {
            throw new IllegalArgumentException("Expected labels of " + c.numLabelSets() + " label set(s), found "
                    + labelSets.size());
        }
        for (int i = 0; i < labelSets.size(); i++) {
            if (labelSets.get(i).length != batch) {
                throw new IllegalArgumentException("Expected " + batch + " label rows, found "
                        + labelSets.get(i).length + (labelSets.size() > 1 ? " in label set " + i : ""));
            }
        }
        NDArray features = model.features(waveform);
        int frames = (int) features.getShape().get(2);
        int t = frames;
        for (int i = 0; i < labelSets.size(); i++) {
            t = Math.min(t, alignment(c, i, frames, labelSets.get(i)).frames());
        }
        if (t < frames) {
            features = features.get(new NDIndex(":, :, :" + t));
        }
        NDManager m = waveform.getManager();
        List<NDArray> targets = new ArrayList<>();
        for (int i = 0; i < labelSets.size(); i++) {
            LabelAlignment align = alignment(c, i, t, labelSets.get(i));
            targets.add(m.create(flatten(align.gather(labelSets.get(i))), new Shape(batch, t)));
        }
        NDArray featuresPen = Precision.toFloat32(features).square().mean(); // fairseq: features.float().pow(2).mean()
        NDArray x = model.project(features, training);
        boolean[][] maskRows = masks.mask(batch, t);
        if (maskRows.length != batch || (batch > 0 && maskRows[0].length != t)) {
            throw new IllegalArgumentException("Mask source returned " + maskRows.length + " rows of "
                    + (batch > 0 ? maskRows[0].length : 0) + " frames, expected " + batch + " x " + t);
        }
        NDArray mask = m.create(flattenBool(maskRows), new Shape(batch, t));
        x = model.applyMask(x, mask);
        x = model.encode(x, training, 0, null);
        return criterion.compute(model.weights(), x, targets, mask, featuresPen);
    }

    private static LabelAlignment alignment(HubertConfig c, int set, int frames, int[][] labels) {
        int labelFrames = Integer.MAX_VALUE;
        for (int[] row : labels) {
            labelFrames = Math.min(labelFrames, row.length);
        }
        return LabelAlignment.of(frames, labelFrames, c.labelSetRates().get(set), c.totalStride(), c.sampleRate());
    }

    private static long[] flatten(long[][] rows) {
        int n = rows.length == 0 ? 0 : rows[0].length;
        long[] out = new long[rows.length * n];
        for (int b = 0; b < rows.length; b++) {
            System.arraycopy(rows[b], 0, out, b * n, n);
        }
        return out;
    }

    private static boolean[] flattenBool(boolean[][] rows) {
        int n = rows.length == 0 ? 0 : rows[0].length;
        boolean[] out = new boolean[rows.length * n];
        for (int b = 0; b < rows.length; b++) {
            System.arraycopy(rows[b], 0, out, b * n, n);
        }
        return out;
    }
}
