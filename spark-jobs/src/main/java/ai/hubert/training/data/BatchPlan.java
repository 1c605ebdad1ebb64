package ai.hubert.training.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The batches of one dataset ({@link BatchPlanner#plan}): fixed batch composition, and per epoch the shuffled,
 * rank-sharded, cropped batches.
 */
public final class BatchPlan {

    private final BatchPlanner.Options options;
    private final long[] lengths;
    private final int[] labelLengths;
    private final List<Integer> dropped;
    private final int[] order;
    private final List<int[]> batches;
    private final List<Integer> labelLengthMismatches;

    BatchPlan(BatchPlanner.Options options, long[] lengths, int[] labelLengths, List<Integer> dropped, int[] order,
            List<int[]> batches, List<Integer> labelLengthMismatches) {
        this.options = options;
        this.lengths = lengths;
        this.labelLengths = labelLengths;
        this.dropped = List.copyOf(dropped);
        this.order = order;
        this.batches = batches;
        this.labelLengthMismatches = List.copyOf(labelLengthMismatches);
    }

    /** Utterances dropped for being shorter than {@code min_sample_size}, ascending. */
    public List<Integer> droppedTooShort() {
        return dropped;
    }

    /** Kept utterances in fairseq's {@code ordered_indices} order (descending length). */
    public int[] orderedIndices() {
        return order.clone();
    }

    /** Number of kept utterances. */
    public int keptCount() {
        return order.length;
    }

    /** Batch composition (utterance indices per batch), the same every epoch; do not modify the arrays. */
    public List<int[]> batches() {
        return Collections.unmodifiableList(batches);
    }

    /**
     * Kept utterances whose label count disagrees with their duration by more than 0.1 s (fairseq
     * {@code verify_label_lengths} warns about these and trains on them anyway).
     */
    public List<Integer> labelLengthMismatches() {
        return labelLengthMismatches;
    }

    /** Batches each rank runs per epoch: {@code floor(batches / worldSize)} (the remainder is dropped). */
    public int batchesPerRank(int worldSize) {
        checkRank(0, worldSize);
        return batches.size() / worldSize;
    }

    /** Batches left out of every epoch so that all ranks run the same number of steps. */
    public int droppedPerEpoch(int worldSize) {
        return batches.size() - batchesPerRank(worldSize) * worldSize;
    }

    /**
     * The batches rank {@code rank} of {@code worldSize} runs in {@code epoch}: the batch list shuffled with seed
     * {@code seed + epoch} (fairseq {@code EpochBatchIterator}), positions {@code rank, rank + worldSize, ...}
     * below {@code batchesPerRank(worldSize) * worldSize}; each batch cropped with a random stream of
     * {@code (seed, epoch, batchId)}, so crops do not depend on the rank layout.
     *
     * @param epoch 1-based epoch
     */
    public List<Batch> epoch(int epoch, int rank, int worldSize) {
        if (epoch < 1) {
            throw new IllegalArgumentException("Epochs count from 1, found " + epoch);
        }
        checkRank(rank, worldSize);
        int[] shuffled = shuffledBatchIds(epoch);
        int usable = batchesPerRank(worldSize) * worldSize;
        List<Batch> out = new ArrayList<>();
        for (int p = rank; p < usable; p += worldSize) {
            out.add(collate(epoch, shuffled[p]));
        }
        return out;
    }

    /**
     * {@link #epoch} grouped into updates of {@code updateFreq} batches (fairseq {@code GroupedIterator}); the
     * last group may be shorter.
     */
    public List<List<Batch>> updates(int epoch, int rank, int worldSize, int updateFreq) {
        if (updateFreq < 1) {
            throw new IllegalArgumentException("update_freq must be >= 1, found " + updateFreq);
        }
        List<Batch> all = epoch(epoch, rank, worldSize);
        List<List<Batch>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += updateFreq) {
            out.add(List.copyOf(all.subList(i, Math.min(all.size(), i + updateFreq))));
        }
        return out;
    }

    /** Ids of {@link #batches()} in {@code epoch}'s order (Fisher-Yates with seed {@code seed + epoch}). */
    int[] shuffledBatchIds(int epoch) {
        int n = batches.size();
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        Random rng = new Random(options.seed() + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
        }
        return ids;
    }

    /**
     * {@code HubertDataset.collater} with {@code pad_audio=false}: crop length {@code min(shortest, max_sample_size)};
     * start uniform in {@code [0, len - crop]} ({@code np.random.randint(0, diff + 1)}) when random_crop, else 0;
     * label start {@code int(round(start * s2f))} and label length
     * {@code min(int(round(crop * s2f)), min_i(labels_i - labelStart_i))} with Python's half-to-even rounding.
     */
    Batch collate(int epoch, int batchId) {
        int[] utts = batches.get(batchId);
        long shortest = Long.MAX_VALUE;
        for (int u : utts) {
            shortest = Math.min(shortest, lengths[u]);
        }
        int crop = (int) Math.min(shortest, options.maxSampleSize());
        SplittableRandom rng = new SplittableRandom(mix(options.seed(), epoch, batchId));
        double s2f = (double) options.labelRate() / options.sampleRate();
        long[] starts = new long[utts.length];
        int[] labelStarts = new int[utts.length];
        int labelLength = (int) Math.rint(crop * s2f);
        for (int i = 0; i < utts.length; i++) {
            long diff = lengths[utts[i]] - crop;
            starts[i] = diff > 0 && options.randomCrop() ? rng.nextLong(diff + 1) : 0;
            labelStarts[i] = (int) Math.rint(starts[i] * s2f);
            labelLength = Math.min(labelLength, labelLengths[utts[i]] - labelStarts[i]);
        }
        return new Batch(epoch, batchId, utts.clone(), starts, crop, labelStarts, Math.max(0, labelLength));
    }

    private static long mix(long seed, int epoch, int batchId) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + batchId * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void checkRank(int rank, int worldSize) {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("Expected 0 <= rank < worldSize, found rank " + rank + " of "
                    + worldSize);
        }
    }
}
