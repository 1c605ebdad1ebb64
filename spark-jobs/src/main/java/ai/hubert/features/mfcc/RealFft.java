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
    /**
     * Per radix-4 stage of span L: cos w^j, sin w^j, cos w^2j, sin w^2j, cos w^3j, sin w^3j for j &lt; L, each run
     * of L values contiguous (offsets 0, L, .., 5L), with w = exp(-2 pi i / 4L).
     */
    private final double[][] stageTwiddles;
    private final int[] stageSpans;
    private final boolean leadingRadix2;
    /** Index of the first stage in {@link #stageSpans} that is not fused with the bit reversal. */
    private final int firstRegularStage;
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
        this.firstRegularStage = leadingRadix2 ? 0 : 1;
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
                    tw[(2 * q - 2) * span + j] = Math.cos(angle);
                    tw[(2 * q - 1) * span + j] = Math.sin(angle);
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
        for (int k = 1, k2 = half - 1; k <= k2; k++, k2--) {
            splitPower(power, k, k2, workRe[k], workIm[k], workRe[k2], workIm[k2]);
        }
    }

    /**
     * Split step for the pair (k, n/2 - k) given Z[k] = a + ib and Z[n/2-k] = c + id. With
     * E = (Z[k] + conj Z[n/2-k]) / 2, O = (Z[k] - conj Z[n/2-k]) / 2i and w = exp(-2 pi i k / n):
     * X[k] = E + w O and X[n/2-k] = conj(E - w O). Below, e and o are 2E and 2O.
     */
    private void splitPower(double[] power, int k, int k2, double a, double b, double c, double d) {
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
        // (complex indices) i and i + 1, i even, reverse to r and r + n/4, whose samples sit n/2 apart in the input;
        // i0..i0+3, i0 a multiple of 4, reverse to r, r + n/4, r + n/8, r + 3n/8 (sample offsets 0, n/2, n/4, 3n/4)
        int[] rev = bitReversed;
        if (leadingRadix2) {
            for (int i = 0; i < half; i += 2) {
                int a = 2 * rev[i];
                int b = a + half;
                double ar = input[a];
                double ai = input[a + 1];
                double br = input[b];
                double bi = input[b + 1];
                re[i] = ar + br;
                im[i] = ai + bi;
                re[i + 1] = ar - br;
                im[i + 1] = ai - bi;
            }
        } else {
            // sub-transforms of length 1 sit in block order 0, 2, 1, 3 (bit-reversed layout)
            int quarterOfInput = half / 2;
            for (int i0 = 0; i0 < half; i0 += 4) {
                int p0 = 2 * rev[i0];
                int p1 = p0 + quarterOfInput;
                int p2 = p0 + half;
                int p3 = p2 + quarterOfInput;
                butterfly(re, im, i0, 1, input[p0], input[p0 + 1], input[p1], input[p1 + 1],
                        input[p2], input[p2 + 1], input[p3], input[p3 + 1]);
            }
        }
        for (int s = firstRegularStage; s < stageSpans.length; s++) {
            radix4Stage(re, im, stageSpans[s], stageTwiddles[s]);
        }
    }

    /**
     * One radix-4 stage over blocks of 4 span; the inner loop runs over contiguous j so that every array is walked
     * with unit stride (bit-reversed layout: sub-transform q'=1 lives in block 2, q'=2 in block 1).
     */
    private void radix4Stage(double[] re, double[] im, int span, double[] tw) {
        int group = 4 * span;
        int c1 = 0;
        int s1 = span;
        int c2 = 2 * span;
        int s2 = 3 * span;
        int c3 = 4 * span;
        int s3 = 5 * span;
        for (int base = 0; base < half; base += group) {
            int b1 = base + span;
            int b2 = b1 + span;
            int b3 = b2 + span;
            for (int j = 0; j < span; j++) {
                double w1r = tw[c1 + j];
                double w1i = tw[s1 + j];
                double w2r = tw[c2 + j];
                double w2i = tw[s2 + j];
                double w3r = tw[c3 + j];
                double w3i = tw[s3 + j];
                double ar = re[b2 + j];
                double ai = im[b2 + j];
                double br = re[b1 + j];
                double bi = im[b1 + j];
                double cr = re[b3 + j];
                double ci = im[b3 + j];
                double t0r = re[base + j];
                double t0i = im[base + j];
                double t1r = ar * w1r - ai * w1i;
                double t1i = ar * w1i + ai * w1r;
                double t2r = br * w2r - bi * w2i;
                double t2i = br * w2i + bi * w2r;
                double t3r = cr * w3r - ci * w3i;
                double t3i = cr * w3i + ci * w3r;
                double s02r = t0r + t2r;
                double s02i = t0i + t2i;
                double d02r = t0r - t2r;
                double d02i = t0i - t2i;
                double s13r = t1r + t3r;
                double s13i = t1i + t3i;
                double d13r = t1r - t3r;
                double d13i = t1i - t3i;
                re[base + j] = s02r + s13r;
                im[base + j] = s02i + s13i;
                re[b2 + j] = s02r - s13r;
                im[b2 + j] = s02i - s13i;
                re[b1 + j] = d02r + d13i;
                im[b1 + j] = d02i - d13r;
                re[b3 + j] = d02r - d13i;
                im[b3 + j] = d02i + d13r;
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
