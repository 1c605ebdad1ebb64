package ai.hubert.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.pretrain.LabelAlignment;
import ai.hubert.training.config.PretrainConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {

    private static BatchPlanner planner(int maxSample, int minSample, long maxTokens, int mult, boolean randomCrop,
            int labelRate) {
        return new BatchPlanner(new BatchPlanner.Options(16000, labelRate, maxSample, minSample, maxTokens, mult,
                randomCrop, 1337));
    }

    private static int[] labels(long[] lengths, int hop) {
        int[] out = new int[lengths.length];
        for (int i = 0; i < lengths.length; i++) {
            out[i] = lengths[i] < 400 ? 0 : (int) (1 + (lengths[i] - 400) / hop);
        }
        return out;
    }

    @Test
    void greedyBatchingByHand() {
        // descending: 10 (u0), 8 (u1/u2 tie), 8, 5 (u3), 3 (u4); max_tokens 20
        // [10] -> +8: 2*10=20 ok -> +8: 3*10=30 > 20, emit -> [8] -> +5: 16 ok -> +3: 3*8=24 > 20, emit -> [3]
        long[] len = {10, 8, 8, 5, 3};
        BatchPlan plan = planner(10, 0, 20, 1, false, 100).plan(len, new int[5]);
        List<int[]> b = plan.batches();
        assertEquals(3, b.size());
        assertEquals(0, b.get(0)[0]);
        assertEquals(2, b.get(0).length);
        assertEquals(2, b.get(1).length);
        assertEquals(3, b.get(1)[1]);
        assertArrayEquals(new int[] {4}, b.get(2));
        int[] ties = {b.get(0)[1], b.get(1)[0]};
        Arrays.sort(ties);
        assertArrayEquals(new int[] {1, 2}, ties);
    }

    @Test
    void batchSizeMultipleCarriesTheRemainder() {
        // fairseq bsz_mult=8: 9 fit (9*10 <= 90); the 10th overflows -> emit 8, carry 1, then add the 10th
        long[] len = new long[10];
        Arrays.fill(len, 10);
        List<int[]> b = planner(10, 0, 90, 8, false, 100).plan(len, new int[10]).batches();
        assertEquals(List.of(8, 2), b.stream().map(a -> a.length).toList());
        // below the multiple the whole batch is emitted: bsz_mult=8 and 5 fit -> 5, 5
        List<int[]> c = planner(10, 0, 50, 8, false, 100).plan(len, new int[10]).batches();
        assertEquals(List.of(5, 5), c.stream().map(a -> a.length).toList());
    }

    @Test
    void costUsesLengthsCappedAtMaxSampleSize() {
        long[] len = {300, 200};
        BatchPlan plan = planner(100, 0, 200, 1, false, 100).plan(len, new int[] {100, 100});
        assertEquals(1, plan.batches().size());
        Batch batch = plan.epoch(1, 0, 1).get(0);
        assertEquals(100, batch.cropLength());
        assertArrayEquals(new long[] {0, 0}, batch.cropStarts());
    }

    @Test
    void tooShortUtterancesAreDroppedAndReported() {
        long[] len = {31_999, 32_000, 50_000, 100};
        BatchPlan plan = planner(250_000, 32_000, 1_400_000, 8, true, 50).plan(len, labels(len, 320));
        assertEquals(List.of(0, 3), plan.droppedTooShort());
        assertEquals(2, plan.keptCount());
        assertArrayEquals(new int[] {2, 1}, plan.orderedIndices());
    }

    @Test
    void labelCropRoundsHalfToEvenLikePython() {
        // 250000 * (100/16000) = 1562.5 exactly in doubles -> 1562; 50 Hz: 781.25 -> 781
        long[] len = {300_000, 260_000};
        BatchPlan p100 = planner(250_000, 0, 1_400_000, 8, true, 100).plan(len, new int[] {5000, 5000});
        Batch b = p100.epoch(1, 0, 1).get(0);
        assertEquals(250_000, b.cropLength());
        assertEquals(1562, b.labelLength());
        BatchPlan p50 = planner(250_000, 0, 1_400_000, 8, true, 50).plan(len, new int[] {5000, 5000});
        assertEquals(781, p50.epoch(1, 0, 1).get(0).labelLength());
        // starts that end in .5 frames go to the even frame (Math.rint, not Math.round)
        long[] many = new long[64];
        Arrays.fill(many, 20_000);
        many[0] = 4_000;
        BatchPlan p = planner(4_000, 0, 4_000 * 64, 1, true, 100).plan(many, labels(many, 160));
        int ties = 0;
        for (int epoch = 1; epoch <= 40; epoch++) {
            for (Batch batch : p.epoch(epoch, 0, 1)) {
                for (int i = 0; i < batch.size(); i++) {
                    long s = batch.cropStarts()[i];
                    assertEquals((long) Math.rint(s / 160.0), batch.labelStarts()[i]);
                    if (s % 160 == 80) {
                        ties++;
                        assertEquals(0, batch.labelStarts()[i] % 2, "tie at start " + s);
                    }
                }
            }
        }
        assertTrue(ties > 0, "no .5 label starts drawn");
    }

    @Test
    void labelLengthIsLimitedByTheShortestRemainingLabels() {
        long[] len = {48_000, 48_000};
        // crop 48000 -> rint(300) = 300 frames at 100 Hz; utterance 1 has only 250 labels
        Batch b = planner(250_000, 0, 1_400_000, 8, false, 100).plan(len, new int[] {300, 250})
                .epoch(1, 0, 1).get(0);
        assertEquals(250, b.labelLength());
    }

    @Test
    void invariantsOverARandomCorpus() {
        Random r = new Random(7);
        int n = 700;
        long[] len = new long[n];
        for (int i = 0; i < n; i++) {
            len[i] = 8_000 + r.nextInt(320_000);
        }
        for (int labelRate : new int[] {50, 100}) {
            int[] lab = labels(len, 16000 / labelRate);
            BatchPlanner planner = planner(250_000, 32_000, 1_400_000, 8, true, labelRate);
            BatchPlan plan = planner.plan(len, lab);
            HubertConfig model = HubertConfig.base().toBuilder().labelRate(labelRate).build();
            int kept = 0;
            for (long l : len) {
                kept += l >= 32_000 ? 1 : 0;
            }
            assertEquals(kept, plan.keptCount());
            assertEquals(n - kept, plan.droppedTooShort().size());
            // descending length order
            int[] order = plan.orderedIndices();
            for (int i = 1; i < order.length; i++) {
                assertTrue(len[order[i - 1]] >= len[order[i]]);
            }
            for (int[] b : plan.batches()) {
                long max = 0;
                for (int u : b) {
                    max = Math.max(max, Math.min(len[u], 250_000));
                }
                assertTrue(b.length * max <= 1_400_000, "cost " + b.length * max);
            }
            for (int world : new int[] {1, 3, 4}) {
                for (int epoch = 1; epoch <= 2; epoch++) {
                    int[] seen = new int[n];
                    int steps = -1;
                    for (int rank = 0; rank < world; rank++) {
                        List<Batch> mine = planner.plan(len, lab).epoch(epoch, rank, world);
                        if (steps >= 0) {
                            assertEquals(steps, mine.size(), "ranks run the same number of steps");
                        }
                        steps = mine.size();
                        for (Batch b : mine) {
                            checkBatch(b, len, lab, model);
                            for (int u : b.utterances()) {
                                seen[u]++;
                            }
                        }
                    }
                    assertEquals(plan.batchesPerRank(world), steps);
                    int covered = 0;
                    for (int i = 0; i < n; i++) {
                        assertTrue(seen[i] <= 1, "utterance " + i + " seen " + seen[i] + " times");
                        covered += seen[i];
                        if (len[i] < 32_000) {
                            assertEquals(0, seen[i]);
                        }
                    }
                    int droppedUtts = kept - covered;
                    if (plan.droppedPerEpoch(world) == 0) {
                        assertEquals(0, droppedUtts);
                    } else {
                        assertTrue(droppedUtts > 0);
                    }
                }
            }
        }
    }

    private static void checkBatch(Batch b, long[] len, int[] lab, HubertConfig model) {
        long shortest = Long.MAX_VALUE;
        for (int u : b.utterances()) {
            shortest = Math.min(shortest, len[u]);
        }
        assertEquals(Math.min(shortest, 250_000), b.cropLength());
        for (int i = 0; i < b.size(); i++) {
            int u = b.utterances()[i];
            assertTrue(b.cropStarts()[i] >= 0 && b.cropStarts()[i] + b.cropLength() <= len[u]);
            assertTrue(b.labelStarts()[i] >= 0 && b.labelStarts()[i] + b.labelLength() <= lab[u]);
        }
        // spec 4.4: with label files of the usual length the model keeps all conv frames of the crop, or one
        // fewer when a crop start rounds up by half a label frame; every kept frame has a label
        int frames = model.convFrames(b.cropLength());
        LabelAlignment a = b.alignment(model);
        assertTrue(a.frames() == frames || a.frames() == frames - 1, a.frames() + " of " + frames);
        assertTrue(a.frames() == 0 || a.labelIndex()[a.frames() - 1] < b.labelLength());
    }

    @Test
    void plentyOfLabelsKeepEveryConvFrame() {
        long[] len = {70_001, 90_000, 123_457};
        for (int rate : new int[] {50, 100}) {
            Batch b = planner(250_000, 0, 1_400_000, 8, true, rate).plan(len, new int[] {9999, 9999, 9999})
                    .epoch(3, 0, 1).get(0);
            HubertConfig model = HubertConfig.base().toBuilder().labelRate(rate).build();
            assertEquals(model.convFrames(b.cropLength()), b.alignment(model).frames());
        }
    }

    @Test
    void epochsShuffleBatchesButNotTheirComposition() {
        Random r = new Random(3);
        long[] len = new long[300];
        for (int i = 0; i < len.length; i++) {
            len[i] = 32_000 + r.nextInt(200_000);
        }
        BatchPlanner planner = planner(250_000, 32_000, 1_400_000, 8, true, 50);
        BatchPlan plan = planner.plan(len, labels(len, 320));
        BatchPlan again = planner.plan(len, labels(len, 320));
        assertEquals(plan.epoch(1, 0, 2), again.epoch(1, 0, 2));
        assertNotEquals(ids(plan.epoch(1, 0, 1)), ids(plan.epoch(2, 0, 1)));
        List<Batch> e1 = plan.epoch(1, 0, 1);
        List<Batch> e2 = plan.epoch(2, 0, 1);
        Batch first = e1.get(0);
        Batch sameInE2 = e2.stream().filter(b -> b.batchId() == first.batchId()).findFirst().orElseThrow();
        assertArrayEquals(first.utterances(), sameInE2.utterances());
        assertEquals(first.cropLength(), sameInE2.cropLength());
        // crops depend on (seed, epoch, batch), not on the rank layout
        for (Batch b : plan.epoch(1, 1, 3)) {
            Batch single = e1.stream().filter(x -> x.batchId() == b.batchId()).findFirst().orElseThrow();
            assertEquals(single, b);
        }
    }

    @Test
    void updatesGroupUpdateFreqBatches() {
        long[] len = new long[11];
        Arrays.fill(len, 40_000);
        BatchPlan plan = planner(40_000, 32_000, 40_000, 1, true, 50).plan(len, labels(len, 320));
        assertEquals(11, plan.batches().size());
        assertEquals(5, plan.batchesPerRank(2));
        assertEquals(1, plan.droppedPerEpoch(2));
        List<List<Batch>> updates = plan.updates(1, 1, 2, 2);
        assertEquals(List.of(2, 2, 1), updates.stream().map(List::size).toList());
        assertThrows(IllegalArgumentException.class, () -> plan.epoch(0, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> plan.epoch(1, 2, 2));
    }

    @Test
    void labelLengthMismatchesAreReported() {
        long[] len = {48_000, 48_000};
        BatchPlan plan = planner(250_000, 0, 1_400_000, 8, true, 100).plan(len, new int[] {298, 200});
        assertEquals(List.of(1), plan.labelLengthMismatches());
    }

    @Test
    void optionsComeFromTheConfig() {
        PretrainConfig c = PretrainConfig.builder(HubertConfig.tiny()).maxSampleSize(64_000).minSampleSize(16_000)
                .maxTokens(512_000).seed(5).build();
        BatchPlanner.Options o = BatchPlanner.of(c).options();
        assertEquals(new BatchPlanner.Options(16000, 50, 64_000, 16_000, 512_000, 8, true, 5), o);
        assertThrows(IllegalArgumentException.class,
                () -> new BatchPlanner.Options(16000, 50, 64_000, 0, 1000, 8, true, 1));
    }

    private static List<Integer> ids(List<Batch> batches) {
        List<Integer> out = new ArrayList<>();
        batches.forEach(b -> out.add(b.batchId()));
        return out;
    }
}
