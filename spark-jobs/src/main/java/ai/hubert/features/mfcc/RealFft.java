package ai.hubert.features.mfcc;

/**
 * Forward FFT of a real sequence whose length n is a power of two (n &ge; 4), computed as one complex FFT of n/2
 * points (even samples in the real part, odd samples in the imaginary part) followed by the usual split step.
 * The complex FFT is an in-place decimation-in-time transform on bit-reversed input: one radix-2 stage when
 * log2(n/2) is odd, then radix-4 stages with precomputed, stage-contiguous twiddles.
 *
 * <p>Instances hold only immutable tables and are thread-safe; the caller supplies the work arrays, so the hot
 * path allocates nothing. Sign convention: {@code X[k] = sum_j x[j] exp(-2 pi i j k / n)}, no scaling.
 */
public final class RealFft {
    private final int size;
    private final int half;
    private final int[] bitReversed;
    /** Per radix-4 stage: (cos, sin) of w^j, w^2j, w^3j for j &lt; L, interleaved, with w = exp(-2 pi i / 4L). */
    private final double[][] stageTwiddles;
    private final int[] stageSpans;
    private final boolean leadingRadix2;
    /** cos and sin of 2 pi k / n for k &lt; n/2, used by the split step. */
    private final double[] splitCos;
    private final double[] splitSin;

    /**
     * @param size the real input length, a power of two &ge; 4
     * @throws IllegalArgumentException when size is not such a power of two
     */
    public RealFft(int size) {
        if (size < 4 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("FFT size must be a power of two >= 4 but was " + size);
        }
        this.size = size;
        this.half = size / 2;
        int bits = Integer.numberOfTrailingZeros(half);
        this.bitReversed = new int[half];
        for (int j = 0; j < half; j++) {
            bitReversed[j] = bits == 0 ? 0 : Integer.reverse(j) >>> (32 - bits);
        }
        this.leadingRadix2 = (bits & 1) == 1;
        int firstSpan = leadingRadix2 ? 2 : 1;
        int stages = 0;
        for (int span = firstSpan; span * 4 <= half; span *= 4) {
            stages++;
        }
        this.stageSpans = new int[stages];
        this.stageTwiddles = new double[stages][];
        int span = firstSpan;
        for (int s = 0; s < stages; s++, span *= 4) {
            stageSpans[s] = span;
            double[] tw = new double[6 * span];
            for (int j = 0; j < span; j++) {
                for (int q = 1; q <= 3; q++) {
                    double angle = -2.0 * Math.PI * q * j / (4.0 * span);
                    tw[6 * j + 2 * (q - 1)] = Math.cos(angle);
                    tw[6 * j + 2 * (q - 1) + 1] = Math.sin(angle);
                }
            }
            stageTwiddles[s] = tw;
        }
        this.splitCos = new double[half];
        this.splitSin = new double[half];
        for (int k = 0; k < half; k++) {
            double angle = 2.0 * Math.PI * k / size;
            splitCos[k] = Math.cos(angle);
            splitSin[k] = Math.sin(angle);
        }
    }

    /** The real input length n. */
    public int size() {
        return size;
    }

    /**
     * Power spectrum {@code |X[k]|^2}, k = 0..n/2, of the real sequence {@code input[0..n)}.
     *
     * @param input  at least n samples; pass a zero-padded buffer (only the first n are read)
     * @param power  receives n/2 + 1 values
     * @param workRe work array of at least n/2 doubles, overwritten
     * @param workIm work array of at least n/2 doubles, overwritten
     */
    public void powerSpectrum(double[] input, double[] power, double[] workRe, double[] workIm) {
        complexHalfTransform(input, workRe, workIm);
        double re0 = workRe[0];
        double im0 = workIm[0];
        power[0] = (re0 + im0) * (re0 + im0);
        power[half] = (re0 - im0) * (re0 - im0);
        // With Z = FFT(x[2j] + i x[2j+1]), E = (Z[k] + conj Z[n/2-k]) / 2, O = (Z[k] - conj Z[n/2-k]) / 2i and
        // w = exp(-2 pi i k / n): X[k] = E + w O and X[n/2-k] = conj(E - w O). Below, e and o are 2E and 2O.
        for (int k = 1, k2 = half - 1; k <= k2; k++, k2--) {
            double a = workRe[k];
            double b = workIm[k];
            double c = workRe[k2];
            double d = workIm[k2];
            double er = a + c;
            double ei = b - d;
            double or = b + d;
            double oi = c - a;
            double cos = splitCos[k];
            double sin = splitSin[k];
            double wor = cos * or + sin * oi;
            double woi = cos * oi - sin * or;
            double xr = er + wor;
            double xi = ei + woi;
            double yr = er - wor;
            double yi = ei - woi;
            power[k] = 0.25 * (xr * xr + xi * xi);
            power[k2] = 0.25 * (yr * yr + yi * yi);
        }
    }

    /**
     * Full spectrum {@code X[k]} for k = 0..n/2 of a real sequence of length n (allocates; for tests and tooling).
     *
     * @return {re, im}, each of length n/2 + 1
     */
    public double[][] spectrum(double[] input) {
        if (input.length != size) {
            throw new IllegalArgumentException("input length must be " + size + " but was " + input.length);
        }
        double[] re = new double[half];
        double[] im = new double[half];
        complexHalfTransform(input, re, im);
        double[] outRe = new double[half + 1];
        double[] outIm = new double[half + 1];
        outRe[0] = re[0] + im[0];
        outRe[half] = re[0] - im[0];
        for (int k = 1; k < half; k++) {
            double er = 0.5 * (re[k] + re[half - k]);
            double ei = 0.5 * (im[k] - im[half - k]);
            double or = 0.5 * (im[k] + im[half - k]);
            double oi = -0.5 * (re[k] - re[half - k]);
            outRe[k] = er + splitCos[k] * or + splitSin[k] * oi;
            outIm[k] = ei + splitCos[k] * oi - splitSin[k] * or;
        }
        return new double[][] {outRe, outIm};
    }

    /**
     * In-place FFT of z[j] = input[2j] + i input[2j+1]. The bit-reversal permutation is fused with the first
     * stage (radix-2 or twiddle-free radix-4), which reads straight from the input.
     */
    private void complexHalfTransform(double[] input, double[] re, double[] im) {
        if (input.length < size) {
            throw new IllegalArgumentException("input must hold at least " + size + " samples but has "
                    + input.length);
        }
        int[] rev = bitReversed;
        int s0;
        if (leadingRadix2) {
            for (int i = 0; i < half; i += 2) {
                int a = 2 * rev[i];
                int b = 2 * rev[i + 1];
                double ar = input[a];
                double ai = input[a + 1];
                double br = input[b];
                double bi = input[b + 1];
                re[i] = ar + br;
                im[i] = ai + bi;
                re[i + 1] = ar - br;
                im[i + 1] = ai - bi;
            }
            s0 = 0;
        } else {
            // sub-transforms of length 1 sit in block order 0, 2, 1, 3 (bit-reversed layout)
            for (int i0 = 0; i0 < half; i0 += 4) {
                int p0 = 2 * rev[i0];
                int p1 = 2 * rev[i0 + 2];
                int p2 = 2 * rev[i0 + 1];
                int p3 = 2 * rev[i0 + 3];
                butterfly(re, im, i0, 1, input[p0], input[p0 + 1], input[p1], input[p1 + 1],
                        input[p2], input[p2 + 1], input[p3], input[p3 + 1]);
            }
            s0 = 1;
        }
        for (int s = s0; s < stageSpans.length; s++) {
            radix4Stage(re, im, stageSpans[s], stageTwiddles[s]);
        }
    }

    private void radix4Stage(double[] re, double[] im, int span, double[] tw) {
        int group = 4 * span;
        for (int j = 0; j < span; j++) {
            double c1 = tw[6 * j];
            double s1 = tw[6 * j + 1];
            double c2 = tw[6 * j + 2];
            double s2 = tw[6 * j + 3];
            double c3 = tw[6 * j + 4];
            double s3 = tw[6 * j + 5];
            for (int i0 = j; i0 < half; i0 += group) {
                int i1 = i0 + span;
                int i2 = i1 + span;
                int i3 = i2 + span;
                // bit-reversed layout: sub-transform q'=1 lives in block 2, q'=2 in block 1
                double ar = re[i2];
                double ai = im[i2];
                double br = re[i1];
                double bi = im[i1];
                double cr = re[i3];
                double ci = im[i3];
                double t1r = ar * c1 - ai * s1;
                double t1i = ar * s1 + ai * c1;
                double t2r = br * c2 - bi * s2;
                double t2i = br * s2 + bi * c2;
                double t3r = cr * c3 - ci * s3;
                double t3i = cr * s3 + ci * c3;
                butterfly(re, im, i0, span, re[i0], im[i0], t1r, t1i, t2r, t2i, t3r, t3i);
            }
        }
    }

    /** Writes X[i0 + m span] = sum_q t_q (-i)^(q m) for m = 0..3. */
    private static void butterfly(double[] re, double[] im, int i0, int span,
                                  double t0r, double t0i, double t1r, double t1i,
                                  double t2r, double t2i, double t3r, double t3i) {
        double s02r = t0r + t2r;
        double s02i = t0i + t2i;
        double d02r = t0r - t2r;
        double d02i = t0i - t2i;
        double s13r = t1r + t3r;
        double s13i = t1i + t3i;
        double d13r = t1r - t3r;
        double d13i = t1i - t3i;
        int i1 = i0 + span;
        int i2 = i1 + span;
        int i3 = i2 + span;
        re[i0] = s02r + s13r;
        im[i0] = s02i + s13i;
        re[i2] = s02r - s13r;
        im[i2] = s02i - s13i;
        re[i1] = d02r + d13i;
        im[i1] = d02i - d13r;
        re[i3] = d02r - d13i;
        im[i3] = d02i + d13r;
    }
}
