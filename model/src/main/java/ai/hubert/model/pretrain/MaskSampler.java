package ai.hubert.model.pretrain;

import java.util.Random;
import java.util.TreeSet;

/**
 * fairseq's HuBERT-era {@code compute_mask_indices} (hubert-spec.md section 6.1) for static span lengths with
 * overlaps allowed: per row {@code num = max(min_masks, int(mask_prob * sz / mask_length + U[0,1)))} distinct span
 * starts drawn from {@code [0, sz - mask_length)}, the union of the spans, then every row is cut down to the
 * smallest row's count by a random subset. Same distribution as fairseq; the random stream is Java's.
 */
public final class MaskSampler implements MaskSource {

    private final double maskProb;
    private final int maskLength;
    private final int minMasks;
    private final Random random;

    /**
     * Creates a sampler.
     *
     * @param maskProb fairseq {@code mask_prob} (0.8)
     * @param maskLength span length (10)
     * @param minMasks minimum number of spans per row (2)
     * @param random random source (seed it for reproducible masks)
     */
    public MaskSampler(double maskProb, int maskLength, int minMasks, Random random) {
        if (maskProb < 0 || maskProb > 1 || maskLength <= 0 || minMasks < 0) {
            throw new IllegalArgumentException("Expected mask_prob in [0,1], mask_length > 0, min_masks >= 0; found "
                    + maskProb + ", " + maskLength + ", " + minMasks);
        }
        this.maskProb = maskProb;
        this.maskLength = maskLength;
        this.minMasks = minMasks;
        this.random = random;
    }

    @Override
    public boolean[][] mask(int batch, int frames) {
        return mask(batch, frames, null);
    }

    /**
     * Samples a mask.
     *
     * @param batch rows
     * @param frames frames per row
     * @param padding {@code padding[b][t]} true for padded frames (never masked), or null for none
     * @return {@code mask[b][t]}
     * @throws IllegalArgumentException if a row is too short to place the spans
     */
    public boolean[][] mask(int batch, int frames, boolean[][] padding) {
        boolean[][] mask = new boolean[batch][frames];
        if (maskProb == 0) {
            return mask;
        }
        int[][] rows = new int[batch][];
        int minCount = Integer.MAX_VALUE;
        for (int b = 0; b < batch; b++) {
            int sz = frames;
            if (padding != null) {
                for (int t = 0; t < frames; t++) {
                    if (padding[b][t]) {
                        sz--;
                    }
                }
            }
            int num = Math.max(minMasks, (int) (maskProb * sz / maskLength + random.nextDouble()));
            int minLen = maskLength;
            if (sz - minLen <= num) {
                minLen = sz - num - 1;
            }
            int range = sz - minLen;
            if (range < num) {
                throw new IllegalArgumentException("Cannot place " + num + " distinct mask spans in a row of " + sz
                        + " unpadded frames (starts range " + range + ")");
            }
            int[] starts = choose(range, num);
            TreeSet<Integer> idc = new TreeSet<>();
            for (int s : starts) {
                for (int o = 0; o < maskLength; o++) {
                    if (s + o < sz) {
                        idc.add(s + o);
                    }
                }
            }
            rows[b] = idc.stream().mapToInt(Integer::intValue).toArray();
            minCount = Math.min(minCount, rows[b].length);
        }
        for (int b = 0; b < batch; b++) {
            int[] idc = rows[b];
            if (idc.length > minCount) {
                int[] pick = choose(idc.length, minCount);
                int[] kept = new int[minCount];
                for (int i = 0; i < minCount; i++) {
                    kept[i] = idc[pick[i]];
                }
                idc = kept;
            }
            for (int t : idc) {
                mask[b][t] = true;
            }
        }
        return mask;
    }

    /** {@code k} distinct values from {@code [0, n)} (partial Fisher-Yates, like {@code choice(replace=False)}). */
    private int[] choose(int n, int k) {
        int[] pool = new int[n];
        for (int i = 0; i < n; i++) {
            pool[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            int tmp = pool[i];
            pool[i] = pool[j];
            pool[j] = tmp;
        }
        int[] out = new int[k];
        System.arraycopy(pool, 0, out, 0, k);
        return out;
    }
}
