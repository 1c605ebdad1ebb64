package ai.hubert.features.mfcc;

/**
 * Analysis window applied to each frame, with Kaldi's definitions (N = window length in samples, a = 2&pi;/(N-1)).
 */
public enum WindowType {
    /** Kaldi's default: {@code (0.5 - 0.5 cos(a n))^0.85}. */
    POVEY,
    /** {@code 0.5 - 0.5 cos(a n)}. */
    HANNING,
    /** {@code 0.54 - 0.46 cos(a n)}. */
    HAMMING,
    /** All ones. */
    RECTANGULAR,
    /** {@code 0.42 - 0.5 cos(a n) + 0.08 cos(2 a n)} (Kaldi's blackman with coefficient 0.42). */
    BLACKMAN;

    /** The window's {@code length} coefficients. */
    double[] coefficients(int length) {
        double[] w = new double[length];
        double a = 2.0 * Math.PI / (length - 1);
        for (int n = 0; n < length; n++) {
            double cos = Math.cos(a * n);
            w[n] = switch (this) {
                case POVEY -> Math.pow(0.5 - 0.5 * cos, 0.85);
                case HANNING -> 0.5 - 0.5 * cos;
                case HAMMING -> 0.54 - 0.46 * cos;
                case RECTANGULAR -> 1.0;
                case BLACKMAN -> 0.42 - 0.5 * cos + 0.08 * Math.cos(2.0 * a * n);
            };
        }
        return w;
    }
}
