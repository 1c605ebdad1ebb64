package ai.hubert.model.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.hubert.model.HubertModel;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.nn.Precision;

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
     * Runs the pass.
     *
     * @param waveform {@code [B, L]} float32, cropped to a common length
     * @param labels per row, label ids at the configured label rate (length at least the aligned frame count)
     * @param masks mask supplier, asked once the frame count is known
     * @param training enables dropout and LayerDrop
     * @return loss, logits and metrics
     */
    public PretrainOutput forward(NDArray waveform, int[][] labels, MaskSource masks, boolean training) {
        HubertConfig c = model.config();
        int batch = (int) waveform.getShape().get(0);
        if (labels.length != batch) {
            throw new IllegalArgumentException("Expected " + batch + " label rows, found " + labels.length);
        }
        NDArray features = model.features(waveform);
        int frames = (int) features.getShape().get(2);
        int labelFrames = Integer.MAX_VALUE;
        for (int[] row : labels) {
            labelFrames = Math.min(labelFrames, row.length);
        }
        LabelAlignment align = LabelAlignment.of(frames, labelFrames, c.labelRate(), c.totalStride(),
                c.sampleRate());
        if (align.frames() < frames) {
            features = features.get(new NDIndex(":, :, :" + align.frames()));
        }
        int t = align.frames();
        NDManager m = waveform.getManager();
        NDArray targets = m.create(flatten(align.gather(labels)), new Shape(batch, t));
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
