package ai.hubert.model.pretrain;

/**
 * fairseq {@code HubertModel.forward_targets} (hubert-spec.md section 4.4): with
 * {@code ratio = label_rate * stride / sample_rate} (2.0 at 100 Hz, 1.0 at 50 Hz), if {@code ratio * T > Tt} the
 * features are trimmed to {@code T = int(Tt / ratio)}, and frame {@code t} takes label {@code (long) (t * ratio)}
 * (float32 arithmetic as in {@code arange(T).float() * ratio}).
 *
 * @param frames number of feature frames kept
 * @param labelIndex label index per kept frame
 */
public record LabelAlignment(int frames, int[] labelIndex) {

    /**
     * Aligns {@code frames} conv frames with label sequences of length {@code labelFrames}.
     *
     * @param frames conv frames T
     * @param labelFrames shortest label sequence length Tt
     * @param labelRate label rate in Hz
     * @param totalStride samples per conv frame (320)
     * @param sampleRate audio sample rate (16000)
     */
    public static LabelAlignment of(int frames, int labelFrames, int labelRate, int totalStride, int sampleRate) {
        double ratio = (double) labelRate * totalStride / sampleRate;
        int t = frames;
        if (ratio * t > labelFrames) {
            t = (int) (labelFrames / ratio);
        }
        int[] idx = new int[t];
        float r = (float) ratio;
        for (int i = 0; i < t; i++) {
            idx[i] = (int) ((float) i * r);
        }
        return new LabelAlignment(t, idx);
    }

    /** Gathers the aligned labels of each row: {@code out[b][t] = labels[b][labelIndex[t]]}. */
    public long[][] gather(int[][] labels) {
        long[][] out = new long[labels.length][frames];
        for (int b = 0; b < labels.length; b++) {
            for (int t = 0; t < frames; t++) {
                out[b][t] = labels[b][labelIndex[t]];
            }
        }
        return out;
    }
}
