package ai.hubert.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Collection;

/**
 * Global-L2-norm gradient clipping (fairseq {@code clip_grad_norm_}, {@code torch.nn.utils.clip_grad_norm_}).
 * DJL's {@code Optimizer.clipGrad} clamps element-wise, which is a different operation.
 */
public final class GradientClipping {

    private GradientClipping() {}

    /**
     * Computes {@code n = sqrt(sum_i ||g_i||^2)} and, if {@code maxNorm > 0} and {@code n > maxNorm}, scales every
     * gradient in place by {@code maxNorm / (n + 1e-6)}.
     *
     * @param gradients gradient arrays (modified in place)
     * @param maxNorm clip threshold; {@code <= 0} only measures
     * @return the total norm before clipping
     */
    public static double clipGlobalNorm(Collection<NDArray> gradients, double maxNorm) {
        double sumSquares = 0;
        for (NDArray g : gradients) {
            try (NDManager scratch = g.getManager().newSubManager()) {
                scratch.tempAttachAll(g); // temporaries below land in scratch; g returns to its manager on close
                sumSquares += g.toType(DataType.FLOAT64, false).square().sum().getDouble();
            }
        }
        double norm = Math.sqrt(sumSquares);
        if (maxNorm > 0 && norm > maxNorm) {
            double coef = maxNorm / (norm + 1e-6);
            for (NDArray g : gradients) {
                g.muli(coef);
            }
        }
        return norm;
    }
}
