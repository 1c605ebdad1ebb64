package ai.hubert.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * Records a forward pass and runs its backward pass on the calling thread. DJL's {@code GradientCollector}
 * allows one collector per JVM, but libtorch's grad mode is per thread, so data-parallel ranks that share a
 * JVM (Spark {@code local[N]}, several tasks per executor) each train through this instead.
 */
public final class Autograd {
    /** libtorch's default generator is one per process: forwards that draw from it take turns (see below). */
    private static final Object LIBTORCH_GENERATOR = new Object();

    private Autograd() {}

    /**
     * Like {@link #forwardBackward(Supplier, java.util.function.Function)}, with libtorch's generator (dropout masks)
     * seeded with {@code seed} right before {@code forward}. The generator is shared by every thread of the process,
     * so ranks sharing a JVM hold a process-wide lock from seeding to the end of their forward pass (backward draws
     * no random numbers and runs outside it): each forward then sees exactly the random stream of its own seed, and a
     * run is reproducible (and resumable) whatever the thread interleaving.
     */
    public static <T> T forwardBackward(long seed, Supplier<T> forward, java.util.function.Function<T, NDArray> loss) {
        return forwardBackward(() -> {
            synchronized (LIBTORCH_GENERATOR) {
                JniUtils.setSeed(seed);
                return forward.get();
            }
        }, loss);
    }

    /**
     * Runs {@code forward} with gradient recording on (on this thread only), then back-propagates the scalar
     * it returns into the parameters' gradients (accumulating, like PyTorch's {@code backward()}). Recording is
     * off afterwards, as after DJL's collector closes (a fresh libtorch thread starts with it on, which would
     * make the optimizer's in-place updates fail).
     *
     * @return the forward result
     */
    public static <T> T forwardBackward(Supplier<T> forward, java.util.function.Function<T, NDArray> loss) {
        JniUtils.setGradMode(true);
        try {
            T result = forward.get();
            NDArray target = loss.apply(result);
            try (NDArray ones = target.onesLike()) {
                JniUtils.backward((PtNDArray) target, (PtNDArray) ones, false, false);
            }
            return result;
        } finally {
            JniUtils.setGradMode(false);
        }
    }
}
