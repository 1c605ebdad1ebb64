package ai.hubert.features.mfcc;

/**
 * Kaldi-compatible MFCC (+ &Delta;, &Delta;&Delta;) for one utterance, numerically matching torchaudio's
 * {@code compliance.kaldi.mfcc(..., use_energy=False)} followed by {@code functional.compute_deltas} twice, the
 * HuBERT iteration-1 feature recipe.
 *
 * <p>Framing uses snip-edges: frame t covers samples {@code [t*shift, t*shift + window)} and there are
 * {@code 1 + (N - window) / shift} frames, none when N &lt; window. Each frame goes through DC removal,
 * pre-emphasis, windowing, zero-padding to a power of two, a real FFT, the power spectrum, sparse mel filters, a
 * floored log, the DCT-II (orthonormal, C0 weighted {@code sqrt(1/numMelBins)}) and liftering. Arithmetic is in
 * double precision; the output is float32.
 *
 * <p>Output layout: a row-major {@code T x D} array (D = {@link MfccOptions#featureDim()}, 39 by default): frame t
 * occupies {@code [D t, D t + D)} in the order c0..c12, &Delta;c0..&Delta;c12, &Delta;&Delta;c0..&Delta;&Delta;c12.
 *
 * <p>Instances are immutable and thread-safe: the precomputed tables are shared and each thread gets its own
 * scratch buffers (created once per thread and instance), so a single instance can serve a whole Spark executor
 * and a call allocates nothing but its result.
 */
public final class KaldiMfcc {
    private final MfccOptions options;
    private final int windowSize;
    private final int windowShift;
    private final int numCeps;
    private final int numMelBins;
    private final int featureDim;
    private final double preemphasis;
    private final boolean removeDcOffset;
    private final double logFloor;
    private final double[] window;
    private final RealFft fft;
    private final MelFilterBank melBank;
    /** Liftered DCT, {@code numMelBins x numCeps} row-major: cepstrum c = sum_m liftedDct[m][c] logMel[m]. */
    private final double[] liftedDct;
    private final DeltaRegression deltas;
    private final ThreadLocal<Workspace> workspaces;

    /** MFCC with the HuBERT defaults ({@link MfccOptions#defaults()}). */
    public KaldiMfcc() {
        this(MfccOptions.defaults());
    }

    /** MFCC with the given (already validated) options. */
    public KaldiMfcc(MfccOptions options) {
        this.options = options;
        this.windowSize = options.windowSize();
        this.windowShift = options.windowShift();
        this.numCeps = options.numCeps();
        this.numMelBins = options.numMelBins();
        this.featureDim = options.featureDim();
        this.preemphasis = options.preemphasisCoefficient();
        this.removeDcOffset = options.removeDcOffset();
        this.logFloor = options.logFloor();
        this.window = options.windowType().coefficients(windowSize);
        int padded = options.paddedWindowSize();
        this.fft = new RealFft(padded);
        this.melBank = new MelFilterBank(numMelBins, padded, options.sampleFrequency(), options.lowFreq(),
                options.effectiveHighFreq());
        this.liftedDct = liftedDctMatrix(numCeps, numMelBins, options.cepstralLifter());
        this.deltas = options.useDeltas() ? new DeltaRegression(options.deltaWindow()) : null;
        int fftSize = padded;
        this.workspaces = ThreadLocal.withInitial(() -> new Workspace(windowSize, fftSize, numMelBins, numCeps));
    }

    /** The options this instance computes with. */
    public MfccOptions options() {
        return options;
    }

    /** Values per frame (39 by default). */
    public int featureDim() {
        return featureDim;
    }

    /** Frames produced for {@code numSamples} samples: {@code 1 + (N - window) / shift}, or 0 when N &lt; window. */
    public int numFrames(int numSamples) {
        if (numSamples < 0) {
            throw new IllegalArgumentException("numSamples must be >= 0 but was " + numSamples);
        }
        return numSamples < windowSize ? 0 : 1 + (numSamples - windowSize) / windowShift;
    }

    /**
     * Features of a mono waveform scaled to [-1, 1] (as read by soundfile / torchaudio with normalization).
     *
     * @return row-major {@code numFrames(waveform.length) x featureDim()} values
     */
    public float[] compute(float[] waveform) {
        return compute(FloatSamples.of(waveform), waveform.length);
    }

    /**
     * Features of 16-bit signed little-endian mono PCM; each sample is divided by 32768.
     *
     * @throws IllegalArgumentException when the byte count is odd
     */
    public float[] computePcm16(byte[] pcm) {
        if ((pcm.length & 1) != 0) {
            throw new IllegalArgumentException(
                    "PCM16 data must have an even number of bytes (2 per sample) but had " + pcm.length);
        }
        return compute(Pcm16Samples.of(pcm), pcm.length / 2);
    }

    private float[] compute(SampleSource samples, int numSamples) {
        int frames = numFrames(numSamples);
        float[] out = new float[frames * featureDim];
        if (frames == 0) {
            return out;
        }
        Workspace ws = workspaces.get();
        for (int t = 0; t < frames; t++) {
            computeStaticFrame(samples, t * windowShift, ws, out, t * featureDim);
        }
        if (deltas != null) {
            deltas.apply(out, frames, featureDim, 0, numCeps, numCeps);
            deltas.apply(out, frames, featureDim, numCeps, 2 * numCeps, numCeps);
        }
        return out;
    }

    private void computeStaticFrame(SampleSource samples, int start, Workspace ws, float[] out, int outOffset) {
        double[] raw = ws.raw;
        double[] frame = ws.frame;
        int n = windowSize;
        double sum = samples.read(start, n, raw);
        double mean = removeDcOffset ? sum / n : 0.0;
        // (x[i] - mean) - p (x[i-1] - mean) = x[i] - p x[i-1] - (1 - p) mean, with x[-1] = x[0] (replicate)
        double p = preemphasis;
        double[] win = window;
        double offset = (1.0 - p) * mean;
        frame[0] = win[0] * (raw[0] - p * raw[0] - offset);
        for (int i = 1; i < n; i++) {
            frame[i] = win[i] * (raw[i] - p * raw[i - 1] - offset);
        }
        fft.powerSpectrum(frame, ws.power, ws.fftRe, ws.fftIm);
        double[] logMel = ws.logMel;
        melBank.applyLog(ws.power, logFloor, logMel);
        // cepstra as a sum of columns: numCeps independent accumulators instead of numCeps serial dot products
        double[] dct = liftedDct;
        double[] ceps = ws.ceps;
        int nc = numCeps;
        double first = logMel[0];
        for (int c = 0; c < nc; c++) {
            ceps[c] = dct[c] * first;
        }
        for (int m = 1, col = nc; m < numMelBins; m++, col += nc) {
            double v = logMel[m];
            for (int c = 0; c < nc; c++) {
                ceps[c] += dct[col + c] * v;
            }
        }
        for (int c = 0; c < nc; c++) {
            out[outOffset + c] = (float) ceps[c];
        }
    }

    /**
     * torchaudio {@code create_dct(M, M, 'ortho')} with column 0 replaced by {@code sqrt(1/M)}, first numCeps columns,
     * times the lifter {@code 1 + Q/2 sin(pi c / Q)}; one row per mel bin. Like torchaudio, the
     * basis and the lifter are evaluated in float32: their rounding is part of the reference (it is what makes C1..C12
     * of digital silence differ from 0 by ~1e-4), so it is reproduced here.
     */
    private static double[] liftedDctMatrix(int numCeps, int numMelBins, double lifter) {
        double[] matrix = new double[numCeps * numMelBins];
        float piOverMels = (float) (Math.PI / numMelBins);
        float scale = (float) Math.sqrt(2.0 / numMelBins);
        float firstColumn = (float) Math.sqrt(1.0 / numMelBins);
        float halfLifter = (float) (0.5 * lifter);
        float piF = (float) Math.PI;
        float lifterF = (float) lifter;
        for (int c = 0; c < numCeps; c++) {
            float lift = lifter == 0.0 ? 1.0f : 1.0f + halfLifter * (float) Math.sin(piF * (float) c / lifterF);
            for (int m = 0; m < numMelBins; m++) {
                float basis = c == 0
                        ? firstColumn
                        : (float) Math.cos(piOverMels * ((float) m + 0.5f) * (float) c) * scale;
                matrix[m * numCeps + c] = (double) lift * (double) basis;
            }
        }
        return matrix;
    }

    /** Per-thread scratch buffers. */
    private static final class Workspace {
        final double[] raw;
        /** Windowed frame, zero-padded to the FFT size; the tail past the window is never written. */
        final double[] frame;
        final double[] fftRe;
        final double[] fftIm;
        final double[] power;
        final double[] logMel;
        final double[] ceps;

        Workspace(int windowSize, int fftSize, int numMelBins, int numCeps) {
            raw = new double[windowSize];
            frame = new double[fftSize];
            fftRe = new double[fftSize / 2];
            fftIm = new double[fftSize / 2];
            power = new double[fftSize / 2 + 1];
            logMel = new double[numMelBins];
            ceps = new double[numCeps];
        }
    }

    /** Random-access view of an utterance's samples as doubles in [-1, 1]. */
    private interface SampleSource {
        /** Copies {@code count} samples from {@code start} into {@code dest} and returns their sum. */
        double read(int start, int count, double[] dest);
    }

    private record FloatSamples(float[] data) implements SampleSource {
        static FloatSamples of(float[] data) {
            return new FloatSamples(data);
        }

        @Override
        public double read(int start, int count, double[] dest) {
            float[] d = data;
            double s0 = 0.0;
            double s1 = 0.0;
            double s2 = 0.0;
            double s3 = 0.0;
            int i = 0;
            // four partial sums: the additions would otherwise form one long latency chain
            for (; i + 3 < count; i += 4) {
                double x0 = d[start + i];
                double x1 = d[start + i + 1];
                double x2 = d[start + i + 2];
                double x3 = d[start + i + 3];
                dest[i] = x0;
                dest[i + 1] = x1;
                dest[i + 2] = x2;
                dest[i + 3] = x3;
                s0 += x0;
                s1 += x1;
                s2 += x2;
                s3 += x3;
            }
            for (; i < count; i++) {
                dest[i] = d[start + i];
                s0 += dest[i];
            }
            return (s0 + s1) + (s2 + s3);
        }
    }

    private record Pcm16Samples(byte[] data) implements SampleSource {
        private static final double SCALE = 1.0 / 32768.0;

        static Pcm16Samples of(byte[] data) {
            return new Pcm16Samples(data);
        }

        @Override
        public double read(int start, int count, double[] dest) {
            byte[] d = data;
            // int16 sums are exact in a long; scaling the total equals the double sum of the scaled samples
            long sum = 0;
            for (int i = 0, b = 2 * start; i < count; i++, b += 2) {
                int v = (short) ((d[b] & 0xff) | (d[b + 1] << 8));
                dest[i] = v * SCALE;
                sum += v;
            }
            return sum * SCALE;
        }
    }
}
