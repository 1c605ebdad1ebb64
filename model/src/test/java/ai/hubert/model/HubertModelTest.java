package ai.hubert.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.hubert.model.config.ConvLayerSpec;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.nn.WeightNorm;
import ai.hubert.model.pretrain.MaskSampler;
import ai.hubert.model.pretrain.PretrainForward;
import ai.hubert.model.pretrain.PretrainMetrics;
import ai.hubert.model.pretrain.PretrainOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HubertModelTest {

    /** Small model with the standard kernels (fast on CPU). */
    static HubertConfig small() {
        List<ConvLayerSpec> conv = new ArrayList<>();
        for (ConvLayerSpec c : HubertConfig.base().convLayers()) {
            conv.add(new ConvLayerSpec(32, c.kernel(), c.stride()));
        }
        return HubertConfig.builder().convLayers(conv).encoder(2, 64, 128, 4).posConv(16, 4).finalDim(16)
                .numClasses(12).build();
    }

    private static NDArray waveform(NDManager m, int batch, int samples, long seed) {
        Random r = new Random(seed);
        float[] v = new float[batch * samples];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.1 * r.nextGaussian());
        }
        return m.create(v, new Shape(batch, samples));
    }

    @Test
    void initialisationFollowsFairseq() {
        HubertConfig c = HubertConfig.tiny();
        try (NDManager root = NDManager.newBaseManager(); HubertModel model = HubertModel.create(root, c, 1)) {
            Map<String, NDArray> sd = model.stateDict();
            assertEquals(HubertModel.layout(c).keySet(), sd.keySet());
            // pos_conv: g = ||V|| per tap, so the effective weight equals V initially
            NDArray g = sd.get("encoder.pos_conv.0.weight_g");
            assertArrayEquals(WeightNorm.norm(sd.get("encoder.pos_conv.0.weight_v"), 2).toFloatArray(),
                    g.toFloatArray(), 1e-4f);
            assertEquals(0.02, std(sd.get("encoder.layers.0.fc1.weight")), 0.001);
            assertEquals(Math.sqrt(2.0 / (128 * 3)), std(sd.get("feature_extractor.conv_layers.1.0.weight")), 0.002);
            assertEquals(Math.sqrt(4.0 / (128 * 256)), std(sd.get("encoder.pos_conv.0.weight_v")), 0.0005);
            float[] emb = sd.get("label_embs_concat").toFloatArray();
            for (float e : emb) {
                assertTrue(e >= 0f && e < 1f);
            }
            assertArrayEquals(new float[] {1f, 1f}, java.util.Arrays.copyOf(
                    sd.get("encoder.layers.0.final_layer_norm.weight").toFloatArray(), 2));
        }
        try (NDManager root = NDManager.newBaseManager();
                HubertModel a = HubertModel.create(root, small(), 9);
                HubertModel b = HubertModel.create(root, small(), 9);
                HubertModel d = HubertModel.create(root, small(), 10)) {
            String k = "encoder.layers.1.fc2.weight";
            assertArrayEquals(a.stateDict().get(k).toFloatArray(), b.stateDict().get(k).toFloatArray());
            assertNotEquals(a.stateDict().get(k).getFloat(0, 0), d.stateDict().get(k).getFloat(0, 0));
        }
    }

    private static double std(NDArray a) {
        float[] v = a.toFloatArray();
        double s = 0;
        double sq = 0;
        for (float x : v) {
            s += x;
            sq += x * x;
        }
        double mean = s / v.length;
        return Math.sqrt(sq / v.length - mean * mean);
    }

    @Test
    void trainingStepsLeaveNoArraysBehindAndProduceSaneMetrics() {
        HubertConfig c = small();
        try (NDManager root = NDManager.newBaseManager(); HubertModel model = HubertModel.create(root, c, 3)) {
            int before = model.manager().getManagedArrays().size();
            MaskSampler masks = new MaskSampler(c.maskProb(), c.maskLength(), c.minMasks(), new Random(4));
            int samples = 400 + 320 * 59;
            int[][] labels = new int[2][60];
            for (int t = 0; t < 60; t++) {
                labels[0][t] = t % c.numClasses();
                labels[1][t] = (3 * t) % c.numClasses();
            }
            for (int stepNo = 0; stepNo < 3; stepNo++) {
                model.zeroGradients();
                try (NDManager step = model.newStepManager()) {
                    NDArray wav = waveform(step, 2, samples, stepNo);
                    PretrainOutput out;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        out = new PretrainForward(model).forward(wav, labels, masks, true);
                        gc.backward(out.loss());
                    }
                    PretrainMetrics m = out.metrics();
                    assertTrue(Double.isFinite(m.loss()) && m.loss() > 0, "loss " + m.loss());
                    assertEquals(m.sampleSize(), m.countMasked());
                    assertEquals(120, m.countMasked() + m.countUnmasked());
                    assertTrue(m.accuracyMasked() >= 0 && m.accuracyMasked() <= 1);
                    assertEquals(new Shape(2, 60, c.numClasses()), out.logits().getShape());
                    NDArray grad = model.stateDict().get("feature_extractor.conv_layers.0.0.weight").getGradient();
                    assertTrue(grad.abs().sum().getFloat() > 0f, "conv stack receives gradient");
                }
                assertEquals(before, model.manager().getManagedArrays().size(), "step " + stepNo + " leaked");
            }
        }
    }

    @Test
    void extractStopsEarlyAndMatchesHiddenStates() {
        try (NDManager root = NDManager.newBaseManager(); HubertModel model = HubertModel.create(root, small(), 5);
                NDManager step = model.newStepManager()) {
            NDArray wav = waveform(step, 1, 400 + 320 * 30, 1);
            List<NDArray> hidden = model.hiddenStates(wav);
            assertEquals(3, hidden.size());
            assertArrayEquals(hidden.get(1).toFloatArray(), model.extract(wav, 1).toFloatArray(), 1e-6f);
            assertArrayEquals(hidden.get(2).toFloatArray(), model.extract(wav, 2).toFloatArray(), 1e-6f);
            assertEquals(new Shape(1, 31, 64), model.extract(wav, 0).getShape());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.extract(wav, 3));
            assertTrue(e.getMessage().contains("[1, 2]"), e.getMessage());
        }
    }

    @Test
    void layerDropSkipsLayersOnlyWhenTraining() {
        HubertConfig c = small().toBuilder().layerDrop(0.999f).dropouts(0f, 0f, 0f, 0f, 0f).build();
        try (NDManager root = NDManager.newBaseManager(); HubertModel model = HubertModel.create(root, c, 5);
                NDManager step = model.newStepManager()) {
            NDArray x = model.project(model.features(waveform(step, 1, 400 + 320 * 20, 2)), false);
            List<NDArray> trained = new ArrayList<>();
            model.encode(x, true, 0, trained);
            assertEquals(1, trained.size(), "all layers dropped, only the layer input recorded");
            List<NDArray> eval = new ArrayList<>();
            model.encode(x, false, 0, eval);
            assertEquals(3, eval.size());
        }
    }

    @Test
    void strictLoadNamesMissingUnexpectedAndMismatchedKeys() {
        try (NDManager root = NDManager.newBaseManager(); HubertModel model = HubertModel.create(root, small(), 5)) {
            Map<String, NDArray> sd = new java.util.LinkedHashMap<>(model.stateDict());
            sd.remove("mask_emb");
            sd.put("encoder.layers.9.fc1.weight", root.zeros(new Shape(1)));
            sd.put("final_proj.bias", root.zeros(new Shape(3)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(sd));
            assertTrue(e.getMessage().contains("missing keys [mask_emb]"), e.getMessage());
            assertTrue(e.getMessage().contains("unexpected keys [encoder.layers.9.fc1.weight]"), e.getMessage());
            assertTrue(e.getMessage().contains("final_proj.bias expected (16) found (3)"), e.getMessage());
        }
    }
}
