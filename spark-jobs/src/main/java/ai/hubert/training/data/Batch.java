package ai.hubert.training.data;

import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.pretrain.LabelAlignment;
import java.util.Arrays;

/**
 * One collated batch of fairseq's {@code HubertDataset.collater} with {@code pad_audio=false}: every utterance is
 * cropped to {@link #cropLength()} samples starting at its {@link #cropStarts()} entry, and its label sequence to
 * {@link #labelLength()} frames starting at its {@link #labelStarts()} entry (hubert-spec.md section 4.3).
 *
 * @param epoch 1-based epoch the crops were drawn for
 * @param batchId index of the batch in the epoch-independent batch list ({@link BatchPlan#batches()})
 * @param utterances utterance indices (positions in the planner's input arrays), longest first
 * @param cropStarts first sample kept per utterance
 * @param cropLength samples kept per utterance: {@code min(shortest in batch, max_sample_size)}
 * @param labelStarts first label frame kept per utterance: {@code rint(cropStart * label_rate / sample_rate)}
 * @param labelLength label frames kept per utterance: {@code min(rint(cropLength * s2f), min_i(labels_i - start_i))}
 */
public record Batch(int epoch, int batchId, int[] utterances, long[] cropStarts, int cropLength, int[] labelStarts,
        int labelLength) {

    /** Number of utterances. */
    public int size() {
        return utterances.length;
    }

    /** Samples fed to the model: {@code size() * cropLength()}. */
    public long audioSamples() {
        return (long) utterances.length * cropLength;
    }

    /**
     * fairseq {@code forward_targets} for this batch (hubert-spec.md section 4.4): conv frames of the crop aligned
     * with the {@link #labelLength()} label frames; its {@code frames()} is the number of frames the loss sees.
     */
    public LabelAlignment alignment(HubertConfig model) {
        return LabelAlignment.of(model.convFrames(cropLength), labelLength, model.labelRate(), model.totalStride(),
                model.sampleRate());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Batch b && b.epoch == epoch && b.batchId == batchId && b.cropLength == cropLength
                && b.labelLength == labelLength && Arrays.equals(b.utterances, utterances)
                && Arrays.equals(b.cropStarts, cropStarts) && Arrays.equals(b.labelStarts, labelStarts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(utterances) + Arrays.hashCode(cropStarts)) + epoch * 7 + batchId;
    }

    @Override
    public String toString() {
        return "Batch{epoch=" + epoch + ", id=" + batchId + ", utterances=" + Arrays.toString(utterances)
                + ", cropStarts=" + Arrays.toString(cropStarts) + ", cropLength=" + cropLength + ", labelStarts="
                + Arrays.toString(labelStarts) + ", labelLength=" + labelLength + "}";
    }
}
