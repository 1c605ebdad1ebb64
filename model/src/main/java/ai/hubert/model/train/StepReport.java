package ai.hubert.model.train;

/**
 * Outcome of one {@link OptimizerStep#apply} call.
 *
 * @param gradNorm global L2 norm of the gradients before clipping (NaN or infinite when the step was skipped)
 * @param lr learning rate used (or that would have been used, when skipped)
 * @param skipped true when the gradient norm was not finite and no parameter changed
 * @param numUpdates completed updates after this call (unchanged by a skipped step, as in fairseq)
 */
public record StepReport(double gradNorm, double lr, boolean skipped, long numUpdates) {}
