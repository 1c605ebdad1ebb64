package ai.hubert.features.mfcc;

/**
 * torchaudio's {@code functional.compute_deltas} (mode "replicate"): with N = (window - 1) / 2,
 * {@code d_t = sum_{n=1..N} n (c_{t+n} - c_{t-n}) / (2 sum_{n=1..N} n^2)}, frame indices clamped to [0, T).
 * Works in place on a frame-major feature matrix. Immutable and thread-safe.
 */
final class DeltaRegression {
    private final int halfWidth;
    private final double denominator;

    DeltaRegression(int window) {
        this.halfWidth = (window - 1) / 2;
        this.denominator = halfWidth * (halfWidth + 1) * (2.0 * halfWidth + 1) / 3.0;
    }

    /**
     * For every frame t &lt; frames, writes the deltas of the {@code width} values at {@code features[t*stride + from]}
     * into {@code features[t*stride + to]}.
     */
    void apply(float[] features, int frames, int stride, int from, int to, int width) {
        int last = frames - 1;
        int interiorEnd = Math.max(halfWidth, frames - halfWidth);
        for (int t = 0; t < frames; t++) {
            if (t >= halfWidth && t < interiorEnd) {
                applyInterior(features, t, stride, from, to, width);
                continue;
            }
            int out = t * stride + to;
            for (int c = 0; c < width; c++) {
                double sum = 0.0;
                for (int n = 1; n <= halfWidth; n++) {
                    int ahead = Math.min(t + n, last);
                    int behind = Math.max(t - n, 0);
                    sum += n * ((double) features[ahead * stride + from + c] - features[behind * stride + from + c]);
                }
                features[out + c] = (float) (sum / denominator);
            }
        }
    }

    /** Frames with all neighbours in range: no clamping, one pass per offset n over the contiguous values. */
    private void applyInterior(float[] features, int t, int stride, int from, int to, int width) {
        int out = t * stride + to;
        int center = t * stride + from;
        for (int c = 0; c < width; c++) {
            double sum = 0.0;
            for (int n = 1, d = stride; n <= halfWidth; n++, d += stride) {
                sum += n * ((double) features[center + d + c] - features[center - d + c]);
            }
            features[out + c] = (float) (sum / denominator);
        }
    }
}
