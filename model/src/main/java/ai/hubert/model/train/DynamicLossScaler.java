package ai.hubert.model.train;

/**
 * fairseq's {@code DynamicLossScaler} for float16 training: the loss is multiplied by {@link #scale()} before
 * {@code backward} so small gradients survive float16; when a step overflows (non-finite gradient norm) the step is
 * skipped and the scale divided by {@code factor}; after {@code window} steps without overflow it is multiplied by
 * {@code factor}. Below {@code minScale} training stops, as fairseq does ("Minimum loss scale reached").
 */
public final class DynamicLossScaler {

    private final double factor;
    private final int window;
    private final double minScale;
    private double scale;
    private long iteration;
    private long lastOverflowIteration = -1;
    private long lastRescaleIteration = -1;

    /**
     * Creates a scaler.
     *
     * @param initScale initial scale (fairseq {@code fp16_init_scale}, default 128)
     * @param factor growth and back-off factor (fairseq: 2)
     * @param window steps without overflow before the scale grows (fairseq {@code fp16_scale_window}; its default is
     *     {@code 2^14 / (world_size * update_freq)}, see {@link #defaultWindow})
     * @param minScale smallest allowed scale (fairseq {@code min_loss_scale}, default 1e-4)
     */
    public DynamicLossScaler(double initScale, double factor, int window, double minScale) {
        if (!(initScale > 0) || !(factor > 1) || window < 1 || !(minScale > 0)) {
            throw new IllegalArgumentException("Expected initScale > 0, factor > 1, window >= 1, minScale > 0, found "
                    + initScale + ", " + factor + ", " + window + ", " + minScale);
        }
        this.scale = initScale;
        this.factor = factor;
        this.window = window;
        this.minScale = minScale;
    }

    /** fairseq's default {@code fp16_scale_window}: {@code int(2^14 / (worldSize * updateFreq))}. */
    public static int defaultWindow(int worldSize, int updateFreq) {
        return Math.max(1, (int) ((1 << 14) / ((double) worldSize * updateFreq)));
    }

    /** fairseq's defaults: init scale 128, factor 2, min scale 1e-4. */
    public static DynamicLossScaler fairseqDefaults(int worldSize, int updateFreq) {
        return new DynamicLossScaler(128, 2, defaultWindow(worldSize, updateFreq), 1e-4);
    }

    /** The current loss scale. */
    public double scale() {
        return scale;
    }

    /**
     * Records the outcome of one step and adapts the scale.
     *
     * @param overflow whether the step's gradients were non-finite (the step was skipped)
     * @throws IllegalStateException when an overflow would take the scale below the minimum
     */
    public void update(boolean overflow) {
        if (overflow) {
            double previous = scale;
            lastOverflowIteration = iteration;
            scale /= factor;
            lastRescaleIteration = iteration;
            iteration++;
            if (scale <= minScale) {
                scale = previous;
                throw new IllegalStateException("Minimum loss scale reached (" + minScale + "): the loss is probably "
                        + "diverging; try a lower learning rate or float32");
            }
            return;
        }
        if ((iteration - lastOverflowIteration) % window == 0) {
            scale *= factor;
            lastRescaleIteration = iteration;
        }
        iteration++;
    }

    /** State for a checkpoint: scale, iteration, last overflow and last rescale iterations. */
    public double[] state() {
        return new double[] {scale, iteration, lastOverflowIteration, lastRescaleIteration};
    }

    /** Restores {@link #state()}. */
    public void restore(double[] state) {
        if (state.length != 4) {
            throw new IllegalArgumentException("Expected 4 loss-scaler values, found " + state.length);
        }
        scale = state[0];
        iteration = (long) state[1];
        lastOverflowIteration = (long) state[2];
        lastRescaleIteration = (long) state[3];
    }
}
