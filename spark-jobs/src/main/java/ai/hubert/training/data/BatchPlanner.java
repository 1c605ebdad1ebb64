package ai.hubert.training.data;

import ai.hubert.training.config.PretrainConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * fairseq's HuBERT pre-training data plan without Spark (hubert-spec.md section 4): the {@code min_sample_size}
 * filter of {@code load_audio}, {@code HubertDataset.ordered_indices} (descending length, random tie-break), the
 * Cython {@code batch_by_size} (greedy, {@code max_tokens}, {@code required_batch_size_multiple}), then per epoch
 * the batch shuffle, the split across ranks, crops and label crops ({@link BatchPlan#epoch}).
 *
 * <p>Like fairseq, the batch composition is computed once (seed {@code seed}) and reused every epoch; only the
 * batch order (seed {@code seed + epoch}) and the crops change between epochs. Random streams are Java's, so the
 * draws follow fairseq's distributions but not numpy's exact sequence.
 */
public final class BatchPlanner {

    /**
     * Batching settings.
     *
     * @param sampleRate audio samples per second (16000)
     * @param labelRate label frames per second (50 or 100)
     * @param maxSampleSize crop cap ({@code task.max_sample_size})
     * @param minSampleSize utterances shorter than this are dropped ({@code task.min_sample_size})
     * @param maxTokens samples per batch ({@code dataset.max_tokens}), at least {@code maxSampleSize}
     * @param requiredBatchSizeMultiple fairseq {@code bsz_mult} ({@code dataset.required_batch_size_multiple}, 8)
     * @param randomCrop random crop start ({@code task.random_crop}); false: crops start at 0
     * @param seed {@code common.seed}
     */
    public record Options(int sampleRate, int labelRate, int maxSampleSize, int minSampleSize, long maxTokens,
            int requiredBatchSizeMultiple, boolean randomCrop, long seed) {

        /** Validates. */
        public Options {
            if (sampleRate <= 0 || labelRate <= 0) {
                throw new IllegalArgumentException("Batching expects positive sample and label rates, found "
                        + sampleRate + " and " + labelRate);
            }
            if (maxSampleSize <= 0 || minSampleSize < 0) {
                throw new IllegalArgumentException("Batching expects max_sample_size > 0 and min_sample_size >= 0,"
                        + " found " + maxSampleSize + " and " + minSampleSize);
            }
            if (maxTokens < maxSampleSize) {
                throw new IllegalArgumentException("Batching expects max_tokens >= max_sample_size ("
                        + maxSampleSize + "), found " + maxTokens);
            }
            if (requiredBatchSizeMultiple < 1) {
                throw new IllegalArgumentException("Batching expects required_batch_size_multiple >= 1, found "
                        + requiredBatchSizeMultiple);
            }
        }

        /** The settings of a pre-training configuration. */
        public static Options of(PretrainConfig c) {
            return new Options(c.sampleRate(), c.labelRate(), c.maxSampleSize(), c.minSampleSize(), c.maxTokens(),
                    c.requiredBatchSizeMultiple(), c.randomCrop(), c.seed());
        }
    }

    private final Options options;

    public BatchPlanner(Options options) {
        this.options = options;
    }

    /** A planner for {@code config}'s task and dataset sections. */
    public static BatchPlanner of(PretrainConfig config) {
        return new BatchPlanner(Options.of(config));
    }

    public Options options() {
        return options;
    }

    /**
     * Plans the batches of a dataset.
     *
     * @param lengths samples per utterance (manifest {@code num_samples}), indexed by utterance
     * @param labelLengths label frames per utterance (same indexing; the shortest label sequence when there are
     *     several label sets)
     * @return the epoch-independent plan; {@link BatchPlan#epoch} gives each rank's batches of an epoch
     */
    public BatchPlan plan(long[] lengths, int[] labelLengths) {
        if (lengths.length != labelLengths.length) {
            throw new IllegalArgumentException("Expected one label length per utterance, found " + lengths.length
                    + " utterances and " + labelLengths.length + " label lengths");
        }
        List<Integer> dropped = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 0 || labelLengths[i] < 0) {
                throw new IllegalArgumentException("Utterance " + i + " has a negative length (" + lengths[i]
                        + " samples, " + labelLengths[i] + " labels)");
            }
            if (lengths[i] < options.minSampleSize()) {
                dropped.add(i);
            } else {
                kept.add(i);
            }
        }
        int[] order = orderedIndices(lengths, kept, new Random(options.seed()));
        List<int[]> batches = batchBySize(order, lengths);
        List<Integer> mismatched = new ArrayList<>();
        for (int i : kept) {
            double d = Math.abs((double) lengths[i] / options.sampleRate()
                    - (double) labelLengths[i] / options.labelRate());
            if (d > 0.1) {
                mismatched.add(i);
            }
        }
        return new BatchPlan(options, lengths.clone(), labelLengths.clone(), dropped, order, batches, mismatched);
    }

    /**
     * {@code np.lexsort([np.random.permutation(n), sizes])[::-1]}: descending length; equal lengths in descending
     * order of a random permutation value (the permutation is over the kept utterances, as in fairseq).
     */
    static int[] orderedIndices(long[] lengths, List<Integer> kept, Random rng) {
        int n = kept.size();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        Integer[] pos = new Integer[n];
        for (int i = 0; i < n; i++) {
            pos[i] = i;
        }
        Arrays.sort(pos, Comparator.<Integer>comparingLong(p -> lengths[kept.get(p)])
                .thenComparingInt(p -> perm[p]).reversed());
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = kept.get(pos[i]);
        }
        return out;
    }

    /**
     * fairseq {@code data_utils_fast.batch_by_size_fast} with {@code max_sentences} unset: an utterance's cost is
     * {@code min(len, max_sample_size)}; a batch is full when adding the next utterance would make
     * {@code (n + 1) * max_cost > max_tokens}; a full batch of {@code n >= bsz_mult} utterances emits its first
     * {@code bsz_mult * (n / bsz_mult)} and carries the rest into the next batch.
     */
    List<int[]> batchBySize(int[] order, long[] lengths) {
        int mult = options.requiredBatchSizeMultiple();
        List<int[]> batches = new ArrayList<>();
        List<Integer> batch = new ArrayList<>();
        List<Long> sampleLens = new ArrayList<>();
        long sampleLen = 0;
        for (int idx : order) {
            long numTokens = Math.min(lengths[idx], options.maxSampleSize());
            sampleLens.add(numTokens);
            sampleLen = Math.max(sampleLen, numTokens);
            long cost = (batch.size() + 1L) * sampleLen;
            if (!batch.isEmpty() && cost > options.maxTokens()) {
                int modLen = Math.max(mult * (batch.size() / mult), batch.size() % mult);
                batches.add(batch.subList(0, modLen).stream().mapToInt(Integer::intValue).toArray());
                batch = new ArrayList<>(batch.subList(modLen, batch.size()));
                sampleLens = new ArrayList<>(sampleLens.subList(modLen, sampleLens.size()));
                sampleLen = sampleLens.stream().mapToLong(Long::longValue).max().orElse(0);
            }
            batch.add(idx);
        }
        if (!batch.isEmpty()) {
            batches.add(batch.stream().mapToInt(Integer::intValue).toArray());
        }
        return batches;
    }
}
