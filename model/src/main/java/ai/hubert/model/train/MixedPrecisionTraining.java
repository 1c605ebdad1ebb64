package ai.hubert.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.hubert.model.HubertModel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * fairseq's {@code FP16Optimizer} recipe on DJL, which has no autocast: a float16 working copy of the model runs
 * forward and backward on a loss multiplied by a {@link DynamicLossScaler}; its gradients are converted to float32,
 * unscaled, reduced and clipped, and the update is applied to the float32 master model (the one checkpoints save);
 * the working copy is then refreshed from the master. A non-finite gradient norm skips the update and backs the scale
 * off. Logits, the cross-entropy and the feature penalty are computed in float32 (fairseq's {@code .float()} calls).
 *
 * <p>The compute type is float16. bfloat16 (no loss scaling needed) is refused: DJL 0.36's PyTorch JNI aborts the
 * JVM when it creates or casts to a bfloat16 tensor. float16 arithmetic is a GPU feature: on CPUs without native
 * float16 matrix units libtorch emulates it (a 1024^3 matmul takes ~40x the float32 time on this project's
 * build machine), so CPU training keeps float32.
 */
public final class MixedPrecisionTraining implements AutoCloseable {

    private final HubertModel master;
    private final HubertModel working;
    private final DynamicLossScaler scaler;
    private final DataType computeType;

    /**
     * Creates the working copy of {@code master} in {@code computeType}.
     *
     * @param master float32 model updated by the optimizer (not owned)
     * @param computeType {@link DataType#FLOAT16}
     * @param scaler loss scaler
     * @throws IllegalArgumentException for a compute type other than float16, naming why
     */
    public MixedPrecisionTraining(HubertModel master, DataType computeType, DynamicLossScaler scaler) {
        if (computeType == DataType.BFLOAT16) {
            throw new IllegalArgumentException("Expected compute type float16, found bfloat16: DJL 0.36's PyTorch JNI "
                    + "aborts the JVM on bfloat16 tensors (see docs/mixed-precision.md); use fp16 or float32");
        }
        if (computeType != DataType.FLOAT16) {
            throw new IllegalArgumentException("Expected compute type float16, found " + computeType);
        }
        this.master = master;
        this.computeType = computeType;
        this.scaler = scaler;
        this.working = master.workingCopy(master.manager(), computeType);
    }

    /** The float16 model to run forward and backward on. */
    public HubertModel working() {
        return working;
    }

    /** The loss scaler. */
    public DynamicLossScaler scaler() {
        return scaler;
    }

    /** {@code waveform} in the compute type (the model input; no gradient flows into it). */
    public NDArray input(NDArray waveform) {
        return waveform.getDataType() == computeType ? waveform : waveform.toType(computeType, false);
    }

    /** The loss to back-propagate: {@code loss x scale}. */
    public NDArray scaledLoss(NDArray loss) {
        return loss.mul((float) scaler.scale());
    }

    /**
     * Converts the working copy's gradients to float32, unscales them, lets {@code reducer} rewrite them, then clips
     * and applies them to the master (or skips the step on overflow), adapts the loss scale, refreshes the working
     * copy and zeroes its gradients.
     *
     * @throws IllegalStateException when the loss scale falls below fairseq's minimum
     */
    public StepReport step(OptimizerStep optimizer, GradientReducer reducer) {
        double scale = scaler.scale();
        StepReport report;
        try (NDManager scratch = master.manager().newSubManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : master.parameters().entrySet()) {
                NDArray half = working.parameters().get(e.getKey()).getArray();
                if (!half.hasGradient()) {
                    throw new IllegalArgumentException("Expected parameter '" + e.getKey()
                            + "' of the working copy to require gradients, found none");
                }
                scratch.tempAttachAll(half);
                NDArray g = half.getGradient().toType(DataType.FLOAT32, false); // float16 -> a new float32 array
                grads.put(e.getKey(), g.divi((float) scale));
                params.put(e.getKey(), e.getValue().getArray());
            }
            scratch.tempAttachAll(params.values().toArray(NDArray[]::new));
            report = optimizer.applyGradients(params, grads, reducer);
            for (Parameter p : working.parameters().values()) {
                JniUtils.zeroGrad((PtNDArray) p.getArray());
            }
        }
        scaler.update(report.skipped());
        if (!report.skipped()) {
            working.copyParametersFrom(master);
        }
        return report;
    }

    /** Frees the working copy. */
    @Override
    public void close() {
        working.close();
    }
}
