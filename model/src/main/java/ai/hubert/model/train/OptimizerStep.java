package ai.hubert.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.hubert.model.nn.GradientClipping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One fairseq-style parameter update after {@code backward}: measure the global gradient norm and clip it to
 * {@code clipNorm}; if the norm is NaN or infinite skip the update (no parameter or optimizer state changes and the
 * update count does not advance, as fairseq does on overflow); otherwise run {@link AdamW} at
 * {@code schedule.lr(numUpdates)}. Gradients are zeroed afterwards in both cases.
 */
public final class OptimizerStep {

    private final AdamW optimizer;
    private final PolynomialDecaySchedule schedule;
    private final double clipNorm;
    private long numUpdates;
    private long skipped;

    /**
     * Creates the step.
     *
     * @param optimizer the optimizer (not owned)
     * @param schedule learning-rate schedule
     * @param clipNorm global-norm clip threshold; {@code <= 0} measures without clipping
     */
    public OptimizerStep(AdamW optimizer, PolynomialDecaySchedule schedule, double clipNorm) {
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.clipNorm = clipNorm;
    }

    /** Completed (not skipped) updates. */
    public long numUpdates() {
        return numUpdates;
    }

    /** Restores the update counters of a resumed run. */
    public void resume(long updates, long skippedSteps) {
        this.numUpdates = updates;
        this.skipped = skippedSteps;
    }

    /** Steps skipped because of a non-finite gradient norm. */
    public long skipped() {
        return skipped;
    }

    /**
     * Clips, updates (or skips) and zeroes the gradients.
     *
     * @param parameters parameters whose arrays hold gradients from the last backward pass (e.g.
     *     {@code HubertModel.parameters()})
     * @return norm, learning rate, whether skipped, update count
     * @throws IllegalArgumentException naming a parameter that does not require gradients
     */
    public StepReport apply(Map<String, Parameter> parameters) {
        return apply(parameters, GradientReducer.LOCAL);
    }

    /**
     * Like {@link #apply(Map)}, with {@code reducer} rewriting the gradients first (e.g. an all-reduce across
     * data-parallel workers), so every worker clips and updates identically.
     */
    public StepReport apply(Map<String, Parameter> parameters, GradientReducer reducer) {
        NDManager owner = null;
        for (Parameter p : parameters.values()) {
            if (!p.getArray().hasGradient()) {
                throw new IllegalArgumentException("Expected parameter '" + p.getName()
                        + "' to require gradients, found none");
            }
            owner = p.getArray().getManager();
        }
        if (owner == null) {
            return new StepReport(0.0, schedule.lr(numUpdates), false, numUpdates);
        }
        try (NDManager scratch = owner.newSubManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                NDArray a = e.getValue().getArray();
                params.put(e.getKey(), a);
            }
            scratch.tempAttachAll(params.values().toArray(NDArray[]::new)); // gradient views land in scratch
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                grads.put(e.getKey(), e.getValue().getGradient());
            }
            StepReport report = applyGradients(params, grads, reducer);
            for (NDArray a : params.values()) {
                JniUtils.zeroGrad((PtNDArray) a);
            }
            return report;
        }
    }

    /**
     * Reduces, clips and applies explicit float32 gradients to {@code params} (or skips the update when their norm
     * is not finite). Used when the gradients do not live on the parameters themselves, e.g. float16 gradients of a
     * working copy converted for the float32 master weights ({@link MixedPrecisionTraining}). The caller owns and
     * zeroes the gradients.
     */
    public StepReport applyGradients(Map<String, NDArray> params, Map<String, NDArray> grads, GradientReducer reducer) {
        double lr = schedule.lr(numUpdates);
        reducer.reduce(grads);
        double norm = GradientClipping.clipGlobalNorm(new ArrayList<>(grads.values()), clipNorm);
        boolean skip = !Double.isFinite(norm);
        if (skip) {
            skipped++;
        } else {
            optimizer.step(params, grads, lr);
            numUpdates++;
        }
        return new StepReport(norm, lr, skip, numUpdates);
    }
}
