package ai.hubert.features.mfcc;

/**
 * Kaldi/torchaudio triangular mel filters ({@code compliance.kaldi.get_mel_banks}, no VTLN) stored sparsely: each
 * filter keeps only the FFT bins where its weight is non-zero. The weights are computed with float32 arithmetic in
 * the same order as torchaudio so that they match its tensors; the Nyquist bin always has weight 0.
 * Immutable and thread-safe.
 */
final class MelFilterBank {
    private final int numBins;
    private final int[] firstBin;
    /** All filters' non-zero weights back to back: filter m owns {@code [weightStart[m], weightStart[m + 1])}. */
    private final double[] weights;
    private final int[] weightStart;

    MelFilterBank(int numBins, int paddedWindowSize, double sampleFrequency, double lowFreq, double highFreq) {
        this.numBins = numBins;
        int numFftBins = paddedWindowSize / 2;
        float fftBinWidth = (float) (sampleFrequency / paddedWindowSize);
        double melLow = melScale(lowFreq);
        double melHigh = melScale(highFreq);
        float melLowF = (float) melLow;
        float melDeltaF = (float) ((melHigh - melLow) / (numBins + 1));
        float[] fftBinMel = new float[numFftBins];
        for (int k = 0; k < numFftBins; k++) {
            float freq = fftBinWidth * (float) k;
            fftBinMel[k] = 1127.0f * (float) Math.log(1.0f + freq / 700.0f);
        }
        this.firstBin = new int[numBins];
        this.weightStart = new int[numBins + 1];
        double[][] rows = new double[numBins][];
        float[] dense = new float[numFftBins];
        for (int m = 0; m < numBins; m++) {
            float left = melLowF + (float) m * melDeltaF;
            float center = melLowF + ((float) m + 1.0f) * melDeltaF;
            float right = melLowF + ((float) m + 2.0f) * melDeltaF;
            int first = -1;
            int last = -1;
            for (int k = 0; k < numFftBins; k++) {
                float up = (fftBinMel[k] - left) / (center - left);
                float down = (right - fftBinMel[k]) / (right - center);
                float w = Math.max(0.0f, Math.min(up, down));
                dense[k] = w;
                if (w > 0.0f) {
                    if (first < 0) {
                        first = k;
                    }
                    last = k;
                }
            }
            if (first < 0) {
                firstBin[m] = 0;
                rows[m] = new double[0];
            } else {
                firstBin[m] = first;
                rows[m] = new double[last - first + 1];
                for (int k = first; k <= last; k++) {
                    rows[m][k - first] = dense[k];
                }
            }
            weightStart[m + 1] = weightStart[m] + rows[m].length;
        }
        this.weights = new double[weightStart[numBins]];
        for (int m = 0; m < numBins; m++) {
            System.arraycopy(rows[m], 0, weights, weightStart[m], rows[m].length);
        }
    }

    /** Kaldi's mel scale {@code 1127 ln(1 + f / 700)}. */
    static double melScale(double hz) {
        return 1127.0 * Math.log(1.0 + hz / 700.0);
    }

    int numBins() {
        return numBins;
    }

    /** Weight of filter {@code m} at FFT bin {@code k} (0 outside its support). */
    double weight(int m, int k) {
        int i = k - firstBin[m];
        return i >= 0 && i < weightStart[m + 1] - weightStart[m] ? weights[weightStart[m] + i] : 0.0;
    }

    /**
     * Writes {@code log(max(sum_k w[m][k] power[k], floor))} for every filter m into {@code logMel}. Four partial
     * sums per filter keep the additions from forming one long latency chain.
     */
    void applyLog(double[] power, double floor, double[] logMel) {
        double[] w = weights;
        int[] start = weightStart;
        for (int m = 0; m < numBins; m++) {
            int i = start[m];
            int end = start[m + 1];
            int shift = firstBin[m] - i;
            double e0 = 0.0;
            double e1 = 0.0;
            double e2 = 0.0;
            double e3 = 0.0;
            for (; i + 3 < end; i += 4) {
                e0 += w[i] * power[shift + i];
                e1 += w[i + 1] * power[shift + i + 1];
                e2 += w[i + 2] * power[shift + i + 2];
                e3 += w[i + 3] * power[shift + i + 3];
            }
            for (; i < end; i++) {
                e0 += w[i] * power[shift + i];
            }
            logMel[m] = Math.log(Math.max((e0 + e1) + (e2 + e3), floor));
        }
    }
}
