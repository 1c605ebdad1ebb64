package ai.hubert.model.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.hubert.model.HubertModel;
import ai.hubert.model.config.ConvLayerSpec;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.train.Autograd;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Several label sets in one model (a cluster ensemble or product k-means, spec section 5.2): one final_proj chunk and
 * one label-embedding block per set, the loss summed over the sets, label sets at different rates.
 */
class MultiLabelSetTest {

    private static final int FRAMES = 60; // conv frames of SAMPLES samples
    private static final int SAMPLES = 400 + 320 * (FRAMES - 1);

    /** Two sets: 12 classes at 50 Hz and 7 classes at 100 Hz; no dropout so that passes are deterministic. */
    private static HubertConfig twoSets(float masked, float nomask, float pen) {
        List<ConvLayerSpec> conv = new ArrayList<>();
        for (ConvLayerSpec c : HubertConfig.base().convLayers()) {
            conv.add(new ConvLayerSpec(32, c.kernel(), c.stride()));
        }
        return HubertConfig.builder().convLayers(conv).encoder(2, 64, 128, 4).posConv(16, 4).finalDim(16)
                .dropouts(0f, 0f, 0f, 0f, 0f).layerDrop(0f).lossWeights(masked, nomask, pen)
                .labelSets(List.of(12, 7), List.of(50, 100)).build();
    }

    private static NDArray waveform(NDManager m, long seed) {
        Random r = new Random(seed);
        float[] v = new float[2 * SAMPLES];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.1 * r.nextGaussian());
        }
        return m.create(v, new Shape(2, SAMPLES));
    }

    private static int[][] labels(int frames, int classes, long seed) {
        Random r = new Random(seed);
        int[][] out = new int[2][frames];
        for (int[] row : out) {
            for (int t = 0; t < frames; t++) {
                row[t] = r.nextInt(classes);
            }
        }
        return out;
    }

    private static MaskSource fixedMask() {
        return (b, t) -> {
            boolean[][] m = new boolean[b][t];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < t; j++) {
                    m[i][j] = (j / 7 + i) % 2 == 0;
                }
            }
            return m;
        };
    }

    private record Pass(PretrainMetrics metrics, float loss, List<Shape> logitShapes, Map<String, float[]> grads) {}

    private static Pass run(HubertModel model, List<int[][]> labels) {
        model.zeroGradients();
        try (NDManager step = model.newStepManager()) {
            NDArray wav = waveform(step, 7);
            PretrainOutput out = Autograd.forwardBackward(
                    () -> new PretrainForward(model).forward(wav, labels, fixedMask(), false), PretrainOutput::loss);
            List<Shape> shapes = new ArrayList<>();
            out.setLogits().forEach(l -> shapes.add(l.getShape()));
            Map<String, float[]> grads = new LinkedHashMap<>();
            model.stateDict().forEach((k, v) -> grads.put(k, v.getGradient().toFloatArray()));
            return new Pass(out.metrics(), out.loss().getFloat(), shapes, grads);
        }
    }

    @Test
    void forwardAndBackwardShapesPerLabelSet() {
        HubertConfig c = twoSets(1f, 0f, 10f);
        assertEquals(new Shape(32, 64), HubertModel.layout(c).get("final_proj.weight"));
        assertEquals(new Shape(19, 16), HubertModel.layout(c).get(HubertModel.LABEL_EMBS));
        assertEquals(c, HubertConfig.fromJson(c.toJson()));
        try (NDManager root = NDManager.newBaseManager(); HubertModel model = HubertModel.create(root, c, 3)) {
            // 50 Hz labels: one per conv frame; 100 Hz labels: two per conv frame, one short -> T = int(117/2) = 58
            Pass p = run(model, List.of(labels(FRAMES, 12, 1), labels(2 * FRAMES - 3, 7, 2)));
            assertEquals(List.of(new Shape(2, 58, 12), new Shape(2, 58, 7)), p.logitShapes());
            assertEquals(2, p.metrics().labelSets().size());
            long masked = p.metrics().sampleSize();
            for (LabelSetMetrics s : p.metrics().labelSets()) {
                assertEquals(masked, s.countMasked());
                assertEquals(116 - masked, s.countUnmasked());
                assertTrue(s.lossMasked() > 0 && s.accuracyMasked() >= 0 && s.accuracyMasked() <= 1, s.toString());
            }
            assertEquals(2 * masked, p.metrics().countMasked());
            float[] projGrad = p.grads().get("final_proj.weight");
            float[] embGrad = p.grads().get(HubertModel.LABEL_EMBS);
            assertTrue(absSum(projGrad, 0, 16 * 64) > 0 && absSum(projGrad, 16 * 64, 32 * 64) > 0,
                    "both final_proj chunks receive gradient");
            assertTrue(absSum(embGrad, 0, 12 * 16) > 0 && absSum(embGrad, 12 * 16, 19 * 16) > 0,
                    "both label-embedding blocks receive gradient");

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> run(model, List.of(labels(FRAMES, 12, 1), labels(2 * FRAMES, 9, 2))));
            assertTrue(e.getMessage().contains("[0, 7)") && e.getMessage().contains("label set 1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> run(model, List.<int[][]>of(labels(FRAMES, 12, 1))));
            assertTrue(e.getMessage().contains("2 label set(s), found 1"), e.getMessage());
        }
    }

    @Test
    void lossAndGradientsAreTheSumOfSingleSetModelsBuiltFromTheChunks() {
        for (float[] weights : new float[][] {{1f, 0f}, {0.5f, 0.5f}, {0f, 1f}}) {
            HubertConfig c = twoSets(weights[0], weights[1], 0f);
            List<int[][]> labels = List.of(labels(FRAMES, 12, 11), labels(2 * FRAMES, 7, 12));
            try (NDManager root = NDManager.newBaseManager(); HubertModel multi = HubertModel.create(root, c, 5)) {
                Pass whole = run(multi, labels);
                double lossSum = 0;
                Map<String, float[]> gradSum = new LinkedHashMap<>();
                for (int set = 0; set < 2; set++) {
                    HubertConfig sc = c.toBuilder().numClasses(c.labelSetClasses().get(set))
                            .labelRate(c.labelSetRates().get(set)).build();
                    Map<String, NDArray> sd = new LinkedHashMap<>(multi.stateDict());
                    int from = c.labelSetOffset(set);
                    sd.put("final_proj.weight", sd.get("final_proj.weight").get(new NDIndex(set * 16 + ":" + (set + 1) * 16)));
                    sd.put("final_proj.bias", sd.get("final_proj.bias").get(new NDIndex(set * 16 + ":" + (set + 1) * 16)));
                    sd.put(HubertModel.LABEL_EMBS, sd.get(HubertModel.LABEL_EMBS)
                            .get(new NDIndex(from + ":" + (from + c.labelSetClasses().get(set)))));
                    try (HubertModel single = HubertModel.fromStateDict(root, sc, sd)) {
                        Pass one = run(single, List.<int[][]>of(labels.get(set)));
                        assertEquals(one.metrics().sampleSize(), whole.metrics().sampleSize());
                        LabelSetMetrics m = whole.metrics().labelSets().get(set);
                        assertEquals(one.metrics().lossMasked(), m.lossMasked(), 1e-5);
                        assertEquals(one.metrics().lossUnmasked(), m.lossUnmasked(), 1e-5);
                        assertEquals(one.metrics().correctMasked(), m.correctMasked());
                        lossSum += one.loss();
                        one.grads().forEach((k, g) -> {
                            if (!k.startsWith("final_proj") && !k.equals(HubertModel.LABEL_EMBS)) {
                                float[] acc = gradSum.computeIfAbsent(k, x -> new float[g.length]);
                                for (int i = 0; i < g.length; i++) {
                                    acc[i] += g[i];
                                }
                            }
                        });
                    }
                }
                assertEquals(lossSum, whole.loss(), 1e-4 * Math.abs(lossSum));
                for (Map.Entry<String, float[]> e : gradSum.entrySet()) {
                    float[] expected = e.getValue();
                    float scale = 0;
                    for (float v : expected) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    assertArrayEquals(expected, whole.grads().get(e.getKey()), 1e-4f * Math.max(scale, 1e-3f),
                            "gradient of " + e.getKey() + " at weights " + weights[0] + "/" + weights[1]);
                }
            }
        }
    }

    @Test
    void maskedWeightOneIgnoresUnmaskedLabelsAndZeroIgnoresMaskedLabels() {
        for (float alpha : new float[] {1f, 0f}) {
            HubertConfig c = twoSets(alpha, 1f - alpha, 10f);
            try (NDManager root = NDManager.newBaseManager(); HubertModel model = HubertModel.create(root, c, 8)) {
                List<int[][]> labels = List.of(labels(FRAMES, 12, 21), labels(2 * FRAMES, 7, 22));
                Pass base = run(model, labels);
                PretrainMetrics m = base.metrics();
                long masked = m.labelSets().get(0).countMasked();
                long unmasked = m.labelSets().get(0).countUnmasked();
                assertEquals(alpha == 1f ? masked : unmasked, m.sampleSize());
                double ce = alpha == 1f ? m.lossMasked() : m.lossUnmasked();
                assertEquals(ce + m.lossFeaturesPen(), m.loss(), 1e-4 * m.loss());
                // relabel only the frames the loss must ignore: loss and gradients stay the same
                boolean[][] mask = fixedMask().mask(2, FRAMES);
                List<int[][]> changed = new ArrayList<>();
                for (int set = 0; set < 2; set++) {
                    int[][] rows = labels.get(set);
                    int[][] copy = new int[2][];
                    int stride = c.labelSetRates().get(set) / 50;
                    for (int b = 0; b < 2; b++) {
                        copy[b] = rows[b].clone();
                        for (int t = 0; t < FRAMES; t++) {
                            if (mask[b][t] != (alpha == 1f)) {
                                copy[b][t * stride] = (copy[b][t * stride] + 1) % c.labelSetClasses().get(set);
                            }
                        }
                    }
                    changed.add(copy);
                }
                Pass other = run(model, changed);
                assertEquals(base.loss(), other.loss(), 0f, "alpha " + alpha);
                assertArrayEquals(base.grads().get("encoder.layers.0.fc1.weight"),
                        other.grads().get("encoder.layers.0.fc1.weight"), "alpha " + alpha);
                double otherCe = alpha == 1f ? other.metrics().lossUnmasked() : other.metrics().lossMasked();
                assertTrue(Math.abs(otherCe - (alpha == 1f ? m.lossUnmasked() : m.lossMasked())) > 1e-6,
                        "the ignored frames' loss is still measured and did change");
            }
        }
    }

    @Test
    void skipFlagsFollowFairseq() {
        HubertConfig c = twoSets(0f, 1f, 0f).toBuilder().skip(true, false).build();
        try (NDManager root = NDManager.newBaseManager(); HubertModel model = HubertModel.create(root, c, 8)) {
            PretrainMetrics m = run(model, List.of(labels(FRAMES, 12, 31), labels(2 * FRAMES, 7, 32))).metrics();
            assertEquals(0, m.countMasked());
            assertTrue(Double.isNaN(m.accuracyMasked()) && Double.isNaN(m.labelSets().get(1).lossMasked()));
            assertEquals(m.labelSets().get(0).countUnmasked(), m.sampleSize());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> twoSets(1f, 0f, 0f).toBuilder().skip(true, false).build());
        assertTrue(e.getMessage().contains("skip_masked"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> twoSets(1f, 0.5f, 0f).toBuilder().skip(false, true).build());
        assertTrue(e.getMessage().contains("skip_nomask"), e.getMessage());
    }

    private static double absSum(float[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += Math.abs(v[i]);
        }
        return s;
    }
}
