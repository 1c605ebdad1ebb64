package ai.hubert.features.mfcc;

import java.io.Serializable;
import java.util.Objects;

/**
 * Immutable settings of {@link KaldiMfcc}. The defaults are the HuBERT iteration-1 recipe, i.e. torchaudio's
 * {@code compliance.kaldi.mfcc(sample_frequency=16000, use_energy=False)} followed by {@code compute_deltas} twice:
 * 16 kHz, 25 ms / 10 ms frames with snip-edges framing, no dither, per-frame DC removal, pre-emphasis 0.97, Povey
 * window, FFT size rounded up to a power of two (512), 23 triangular mel bins over 20&ndash;8000 Hz, log floor
 * 1.1920929e-07 (float32 machine epsilon), 13 cepstra including C0, cepstral lifter 22, and &Delta; / &Delta;&Delta;
 * with a 5-frame window and edge replication (39 dimensions).
 *
 * <p>Random dithering and energy-instead-of-C0 are not offered: features are always deterministic and C0 is the
 * zeroth cepstral coefficient. Build instances with {@link #builder()}; {@link Builder#build()} validates every
 * setting.
 */
public final class MfccOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** float32 machine epsilon, the floor torchaudio applies to mel energies before the log. */
    public static final double FLOAT32_EPSILON = Math.ulp(1.0f);

    private static final MfccOptions DEFAULTS = new Builder().build();

    private final double sampleFrequency;
    private final double frameLengthMs;
    private final double frameShiftMs;
    private final boolean removeDcOffset;
    private final double preemphasisCoefficient;
    private final WindowType windowType;
    private final int numMelBins;
    private final double lowFreq;
    private final double highFreq;
    private final int numCeps;
    private final double cepstralLifter;
    private final double logFloor;
    private final boolean useDeltas;
    private final int deltaWindow;

    private MfccOptions(Builder b) {
        this.sampleFrequency = b.sampleFrequency;
        this.frameLengthMs = b.frameLengthMs;
        this.frameShiftMs = b.frameShiftMs;
        this.removeDcOffset = b.removeDcOffset;
        this.preemphasisCoefficient = b.preemphasisCoefficient;
        this.windowType = b.windowType;
        this.numMelBins = b.numMelBins;
        this.lowFreq = b.lowFreq;
        this.highFreq = b.highFreq;
        this.numCeps = b.numCeps;
        this.cepstralLifter = b.cepstralLifter;
        this.logFloor = b.logFloor;
        this.useDeltas = b.useDeltas;
        this.deltaWindow = b.deltaWindow;
    }

    /** The HuBERT recipe (see the class documentation). */
    public static MfccOptions defaults() {
        return DEFAULTS;
    }

    /** A builder preset to the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset to this instance's settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Sample rate in Hz the waveform must have. */
    public double sampleFrequency() { return sampleFrequency; }

    /** Frame length in milliseconds. */
    public double frameLengthMs() { return frameLengthMs; }

    /** Frame shift in milliseconds. */
    public double frameShiftMs() { return frameShiftMs; }

    /** Whether each frame's mean is subtracted before pre-emphasis. */
    public boolean removeDcOffset() { return removeDcOffset; }

    /** Pre-emphasis coefficient p: {@code y[i] = x[i] - p x[max(0, i-1)]} within a frame. */
    public double preemphasisCoefficient() { return preemphasisCoefficient; }

    /** Analysis window. */
    public WindowType windowType() { return windowType; }

    /** Number of triangular mel filters. */
    public int numMelBins() { return numMelBins; }

    /** Lower edge of the first mel filter in Hz. */
    public double lowFreq() { return lowFreq; }

    /** Upper edge of the last mel filter in Hz as configured; values &le; 0 are offsets from the Nyquist frequency. */
    public double highFreq() { return highFreq; }

    /** Number of cepstral coefficients kept, C0 included. */
    public int numCeps() { return numCeps; }

    /** Cepstral lifter Q: coefficient i is multiplied by {@code 1 + Q/2 sin(pi i / Q)}; 0 disables liftering. */
    public double cepstralLifter() { return cepstralLifter; }

    /** Floor applied to each mel energy before the log. */
    public double logFloor() { return logFloor; }

    /** Whether &Delta; and &Delta;&Delta; are appended to the static cepstra. */
    public boolean useDeltas() { return useDeltas; }

    /** Odd number of frames in the delta regression window (5 in torchaudio's {@code compute_deltas}). */
    public int deltaWindow() { return deltaWindow; }

    /** Frame length in samples (torchaudio: {@code int(sample_frequency * frame_length * 0.001)}). */
    public int windowSize() {
        return windowSize(sampleFrequency, frameLengthMs);
    }

    /** Frame shift in samples. */
    public int windowShift() {
        return windowSize(sampleFrequency, frameShiftMs);
    }

    /** FFT length: the window size rounded up to a power of two. */
    public int paddedWindowSize() {
        return Integer.highestOneBit(windowSize() - 1) << 1;
    }

    /** Upper edge of the last mel filter in Hz after resolving offsets from Nyquist. */
    public double effectiveHighFreq() {
        return effectiveHighFreq(sampleFrequency, highFreq);
    }

    /** Values per frame: {@code numCeps}, or {@code 3 * numCeps} with deltas. */
    public int featureDim() {
        return useDeltas ? 3 * numCeps : numCeps;
    }

    private static int windowSize(double sampleFrequency, double milliseconds) {
        return (int) (sampleFrequency * milliseconds * 0.001);
    }

    private static double effectiveHighFreq(double sampleFrequency, double highFreq) {
        return highFreq <= 0.0 ? highFreq + 0.5 * sampleFrequency : highFreq;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MfccOptions other)) {
            return false;
        }
        return Double.compare(sampleFrequency, other.sampleFrequency) == 0
                && Double.compare(frameLengthMs, other.frameLengthMs) == 0
                && Double.compare(frameShiftMs, other.frameShiftMs) == 0
                && removeDcOffset == other.removeDcOffset
                && Double.compare(preemphasisCoefficient, other.preemphasisCoefficient) == 0
                && windowType == other.windowType
                && numMelBins == other.numMelBins
                && Double.compare(lowFreq, other.lowFreq) == 0
                && Double.compare(highFreq, other.highFreq) == 0
                && numCeps == other.numCeps
                && Double.compare(cepstralLifter, other.cepstralLifter) == 0
                && Double.compare(logFloor, other.logFloor) == 0
                && useDeltas == other.useDeltas
                && deltaWindow == other.deltaWindow;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sampleFrequency, frameLengthMs, frameShiftMs, removeDcOffset, preemphasisCoefficient,
                windowType, numMelBins, lowFreq, highFreq, numCeps, cepstralLifter, logFloor, useDeltas, deltaWindow);
    }

    @Override
    public String toString() {
        return "MfccOptions{sampleFrequency=" + sampleFrequency + ", frameLengthMs=" + frameLengthMs
                + ", frameShiftMs=" + frameShiftMs + ", removeDcOffset=" + removeDcOffset
                + ", preemphasisCoefficient=" + preemphasisCoefficient + ", windowType=" + windowType
                + ", numMelBins=" + numMelBins + ", lowFreq=" + lowFreq + ", highFreq=" + highFreq
                + ", numCeps=" + numCeps + ", cepstralLifter=" + cepstralLifter + ", logFloor=" + logFloor
                + ", useDeltas=" + useDeltas + ", deltaWindow=" + deltaWindow + "}";
    }

    /** Mutable builder of {@link MfccOptions}; starts from the defaults. */
    public static final class Builder {
        private double sampleFrequency = 16000.0;
        private double frameLengthMs = 25.0;
        private double frameShiftMs = 10.0;
        private boolean removeDcOffset = true;
        private double preemphasisCoefficient = 0.97;
        private WindowType windowType = WindowType.POVEY;
        private int numMelBins = 23;
        private double lowFreq = 20.0;
        private double highFreq = 0.0;
        private int numCeps = 13;
        private double cepstralLifter = 22.0;
        private double logFloor = FLOAT32_EPSILON;
        private boolean useDeltas = true;
        private int deltaWindow = 5;

        private Builder() {
        }

        private Builder(MfccOptions o) {
            sampleFrequency = o.sampleFrequency;
            frameLengthMs = o.frameLengthMs;
            frameShiftMs = o.frameShiftMs;
            removeDcOffset = o.removeDcOffset;
            preemphasisCoefficient = o.preemphasisCoefficient;
            windowType = o.windowType;
            numMelBins = o.numMelBins;
            lowFreq = o.lowFreq;
            highFreq = o.highFreq;
            numCeps = o.numCeps;
            cepstralLifter = o.cepstralLifter;
            logFloor = o.logFloor;
            useDeltas = o.useDeltas;
            deltaWindow = o.deltaWindow;
        }

        /** Sample rate in Hz (default 16000). */
        public Builder sampleFrequency(double hz) { this.sampleFrequency = hz; return this; }

        /** Frame length in ms (default 25). */
        public Builder frameLengthMs(double ms) { this.frameLengthMs = ms; return this; }

        /** Frame shift in ms (default 10). */
        public Builder frameShiftMs(double ms) { this.frameShiftMs = ms; return this; }

        /** Per-frame DC removal (default true). */
        public Builder removeDcOffset(boolean remove) { this.removeDcOffset = remove; return this; }

        /** Pre-emphasis coefficient in [0, 1] (default 0.97). */
        public Builder preemphasisCoefficient(double p) { this.preemphasisCoefficient = p; return this; }

        /** Analysis window (default POVEY). */
        public Builder windowType(WindowType type) { this.windowType = type; return this; }

        /** Number of mel filters, at least 4 (default 23). */
        public Builder numMelBins(int bins) { this.numMelBins = bins; return this; }

        /** Lower mel edge in Hz (default 20). */
        public Builder lowFreq(double hz) { this.lowFreq = hz; return this; }

        /** Upper mel edge in Hz; values &le; 0 are offsets from Nyquist (default 0 = Nyquist). */
        public Builder highFreq(double hz) { this.highFreq = hz; return this; }

        /** Cepstra kept including C0, in [1, numMelBins] (default 13). */
        public Builder numCeps(int ceps) { this.numCeps = ceps; return this; }

        /** Cepstral lifter, &ge; 0 (default 22; 0 disables). */
        public Builder cepstralLifter(double lifter) { this.cepstralLifter = lifter; return this; }

        /** Floor of mel energies before the log, &gt; 0 (default float32 epsilon 1.1920929e-07). */
        public Builder logFloor(double floor) { this.logFloor = floor; return this; }

        /** Append &Delta; and &Delta;&Delta; (default true). */
        public Builder useDeltas(boolean deltas) { this.useDeltas = deltas; return this; }

        /** Odd delta window length &ge; 3 (default 5). */
        public Builder deltaWindow(int frames) { this.deltaWindow = frames; return this; }

        /**
         * Validates and freezes the settings.
         *
         * @throws IllegalArgumentException naming the first offending option, its allowed range and its value
         */
        public MfccOptions build() {
            require(Double.isFinite(sampleFrequency) && sampleFrequency > 0, "sampleFrequency",
                    "a finite number > 0 Hz", sampleFrequency);
            require(Double.isFinite(frameLengthMs) && frameLengthMs > 0, "frameLengthMs",
                    "a finite number > 0 ms", frameLengthMs);
            int windowSize = windowSize(sampleFrequency, frameLengthMs);
            require(windowSize >= 4 && windowSize <= (1 << 24), "frameLengthMs",
                    "a length of 4 to 2^24 samples at sampleFrequency=" + sampleFrequency + " Hz",
                    frameLengthMs + " ms (" + windowSize + " samples)");
            require(Double.isFinite(frameShiftMs) && frameShiftMs > 0, "frameShiftMs",
                    "a finite number > 0 ms", frameShiftMs);
            int windowShift = windowSize(sampleFrequency, frameShiftMs);
            require(windowShift >= 1, "frameShiftMs",
                    "at least one sample at sampleFrequency=" + sampleFrequency + " Hz",
                    frameShiftMs + " ms (" + windowShift + " samples)");
            require(preemphasisCoefficient >= 0.0 && preemphasisCoefficient <= 1.0, "preemphasisCoefficient",
                    "in [0, 1]", preemphasisCoefficient);
            require(windowType != null, "windowType", "one of " + java.util.Arrays.toString(WindowType.values()),
                    windowType);
            require(numMelBins >= 4, "numMelBins", "an integer >= 4", numMelBins);
            double nyquist = 0.5 * sampleFrequency;
            require(lowFreq >= 0.0 && lowFreq < nyquist, "lowFreq",
                    "in [0, " + nyquist + ") Hz (Nyquist of sampleFrequency=" + sampleFrequency + ")", lowFreq);
            double high = effectiveHighFreq(sampleFrequency, highFreq);
            require(high > lowFreq && high <= nyquist, "highFreq",
                    "in (lowFreq=" + lowFreq + ", " + nyquist + "] Hz once resolved (values <= 0 are offsets from "
                            + "Nyquist)", highFreq + " (resolved to " + high + " Hz)");
            require(numCeps >= 1 && numCeps <= numMelBins, "numCeps",
                    "in [1, numMelBins=" + numMelBins + "]", numCeps);
            require(Double.isFinite(cepstralLifter) && cepstralLifter >= 0.0, "cepstralLifter",
                    "a finite number >= 0 (0 disables liftering)", cepstralLifter);
            require(Double.isFinite(logFloor) && logFloor > 0.0, "logFloor", "a finite number > 0", logFloor);
            if (useDeltas) {
                require(deltaWindow >= 3 && deltaWindow % 2 == 1, "deltaWindow", "an odd integer >= 3",
                        deltaWindow);
            }
            return new MfccOptions(this);
        }

        private static void require(boolean ok, String option, String expected, Object found) {
            if (!ok) {
                throw new IllegalArgumentException(
                        "MFCC option " + option + " must be " + expected + " but was " + found);
            }
        }
    }
}
