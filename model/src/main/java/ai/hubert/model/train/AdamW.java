package ai.hubert.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.HashMap;
import java.util.Map;

/**
 * Adam with decoupled weight decay, updating float32 parameters in place (fairseq {@code FairseqAdam} as used by the
 * HuBERT recipes, hubert-spec.md section 8.2): per parameter
 * {@code p -= wd lr p; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2} followed by the bias-corrected step of
 * {@link AdamEpsilon}. Weight decay applies to every parameter given (fairseq decays biases, norms,
 * {@code mask_emb} and {@code label_embs_concat} too).
 *
 * <p>Moment buffers are float32 arrays owned by this optimizer's manager (freed by {@link #close}); every temporary
 * of an update lives in a scratch manager closed before {@link #step} returns. Run it outside a
 * {@code GradientCollector}.
 */
public final class AdamW implements AutoCloseable {

    private final NDManager manager;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final AdamEpsilon epsilon;
    private final Map<String, NDArray[]> moments = new HashMap<>();
    private long steps;

    /**
     * Creates the optimizer.
     *
     * @param parent manager that will own this optimizer's sub-manager
     * @param beta1 first-moment decay in [0, 1)
     * @param beta2 second-moment decay in [0, 1)
     * @param eps denominator epsilon, positive
     * @param weightDecay decoupled weight decay, {@code >= 0}
     * @param epsilon where eps is added
     * @throws IllegalArgumentException naming the out-of-range hyper-parameter
     */
    public AdamW(NDManager parent, double beta1, double beta2, double eps, double weightDecay, AdamEpsilon epsilon) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Expected betas in [0, 1), found " + beta1 + " and " + beta2);
        }
        if (!(eps > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("Expected eps > 0 and weight decay >= 0, found " + eps + " and "
                    + weightDecay);
        }
        this.manager = parent.newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.epsilon = epsilon;
    }

    /** fairseq HuBERT settings: betas (0.9, 0.98), eps 1e-6, weight decay 0.01, fairseq's eps placement. */
    public static AdamW hubert(NDManager parent) {
        return new AdamW(parent, 0.9, 0.98, 1e-6, 0.01, AdamEpsilon.FAIRSEQ);
    }

    /** Returns the number of steps taken (the bias-correction {@code t}). */
    public long steps() {
        return steps;
    }

    /**
     * Applies one update to every parameter with learning rate {@code lr}.
     *
     * @param params float32 parameters by name, updated in place
     * @param grads float32 gradients by the same names, same shapes (read only)
     * @throws IllegalArgumentException naming a parameter without gradient, a shape mismatch or a non-float32 array
     */
    public void step(Map<String, NDArray> params, Map<String, NDArray> grads, double lr) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray g = grads.get(e.getKey());
            NDArray p = e.getValue();
            if (g == null) {
                throw new IllegalArgumentException("Expected a gradient for parameter '" + e.getKey()
                        + "', found none");
            }
            if (!g.getShape().equals(p.getShape()) || p.getDataType() != DataType.FLOAT32
                    || g.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("Expected float32 parameter and gradient of the same shape for '"
                        + e.getKey() + "', found " + p.getDataType() + p.getShape() + " and " + g.getDataType()
                        + g.getShape());
            }
        }
        steps++;
        double bc1 = 1 - Math.pow(beta1, steps);
        double bc2 = 1 - Math.pow(beta2, steps);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            NDArray g = grads.get(e.getKey());
            NDArray[] mv = moments.computeIfAbsent(e.getKey(), k -> new NDArray[] {
                manager.zeros(p.getShape(), DataType.FLOAT32), manager.zeros(p.getShape(), DataType.FLOAT32)});
            update(p, g, mv[0], mv[1], lr, bc1, bc2);
        }
    }

    private void update(NDArray p, NDArray g, NDArray m, NDArray v, double lr, double bc1, double bc2) {
        try (NDManager scratch = manager.newSubManager()) {
            scratch.tempAttachAll(p, g, m, v); // temporaries below land in scratch; the four return on close
            if (epsilon == AdamEpsilon.TORCH && weightDecay != 0) {
                p.muli(1 - lr * weightDecay);
            }
            m.muli(beta1).addi(g.mul(1 - beta1));
            v.muli(beta2).addi(g.mul(g).muli(1 - beta2));
            NDArray denom;
            double stepSize;
            if (epsilon == AdamEpsilon.FAIRSEQ) {
                denom = v.sqrt().addi(eps);
                stepSize = lr * Math.sqrt(bc2) / bc1;
                if (weightDecay != 0) {
                    p.addi(p.mul(-weightDecay * lr));
                }
            } else {
                denom = v.sqrt().divi(Math.sqrt(bc2)).addi(eps);
                stepSize = lr / bc1;
            }
            p.addi(m.div(denom).muli(-stepSize));
        }
    }

    /**
     * The optimizer state for a checkpoint: {@code exp_avg.<name>} and {@code exp_avg_sq.<name>} copies (torch's
     * names), owned by {@code out}.
     */
    public Map<String, NDArray> state(NDManager out) {
        Map<String, NDArray> state = new java.util.TreeMap<>();
        for (Map.Entry<String, NDArray[]> e : moments.entrySet()) {
            state.put("exp_avg." + e.getKey(), out.create(e.getValue()[0].toFloatArray(), e.getValue()[0].getShape()));
            state.put("exp_avg_sq." + e.getKey(), out.create(e.getValue()[1].toFloatArray(), e.getValue()[1].getShape()));
        }
        return state;
    }

    /**
     * Restores a state written by {@link #state} after {@code stepsTaken} steps.
     *
     * @throws IllegalArgumentException naming an entry that is not a moment of a parameter
     */
    public void restore(Map<String, NDArray> state, long stepsTaken) {
        moments.values().forEach(mv -> {
            mv[0].close();
            mv[1].close();
        });
        moments.clear();
        for (Map.Entry<String, NDArray> e : state.entrySet()) {
            String key = e.getKey();
            int slot = key.startsWith("exp_avg.") ? 0 : key.startsWith("exp_avg_sq.") ? 1 : -1;
            if (slot < 0) {
                throw new IllegalArgumentException("Expected optimizer state keys exp_avg.<param> or exp_avg_sq.<param>, found '"
                        + key + "'");
            }
            String name = key.substring(key.indexOf('.') + 1);
            NDArray copy = manager.create(e.getValue().toFloatArray(), e.getValue().getShape());
            moments.computeIfAbsent(name, k -> new NDArray[2])[slot] = copy;
        }
        for (Map.Entry<String, NDArray[]> e : moments.entrySet()) {
            if (e.getValue()[0] == null || e.getValue()[1] == null) {
                throw new IllegalArgumentException("Optimizer state of '" + e.getKey() + "' lacks exp_avg or exp_avg_sq");
            }
        }
        this.steps = stepsTaken;
    }

    /** Frees the moment buffers. */
    @Override
    public void close() {
        manager.close();
    }
}
