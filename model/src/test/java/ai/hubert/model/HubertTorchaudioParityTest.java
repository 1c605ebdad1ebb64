package ai.hubert.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.hubert.model.pretrain.PretrainForward;
import ai.hubert.model.pretrain.PretrainOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Forward and backward parity with torchaudio's {@code hubert_pretrain_model} (fixtures from
 * scripts/fixtures/make_model_fixture.py): every hidden state, logits, losses and all parameter gradients.
 */
class HubertTorchaudioParityTest {

    private static final double TOL = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"hubert_tiny_base", "hubert_tiny_large"})
    void matchesTorchaudio(String fixtureName) throws Exception {
        try (NDManager root = NDManager.newBaseManager()) {
            TorchaudioFixture fx = TorchaudioFixture.load(root, fixtureName);
            try (HubertModel model = HubertModel.fromStateDict(root, fx.config, fx.fairseqStateDict())) {
                inference(fixtureName, fx, model);
                pretraining(fixtureName, fx, model);
            }
        }
    }

    private static void inference(String name, TorchaudioFixture fx, HubertModel model) {
        try (NDManager step = model.newStepManager()) {
            NDArray wav = fx.get("input.waveform").duplicate();
            wav.attach(step);
            Parity.assertClose(name + " conv features", model.features(wav).transpose(0, 2, 1),
                    fx.get("nomask.features"), TOL);
            List<NDArray> hidden = model.hiddenStates(wav);
            assertEquals(fx.config.numLayers() + 1, hidden.size());
            for (int i = 0; i < hidden.size(); i++) {
                Parity.assertClose(name + " hidden state " + i, hidden.get(i), fx.get("nomask.layer." + i), TOL);
            }
            Parity.assertClose(name + " encoder output", model.extract(wav, 0), fx.get("nomask.final"), TOL);
            Parity.assertClose(name + " extract(layer 1)", model.extract(wav, 1), fx.get("nomask.layer.1"), TOL);
        }
    }

    private static void pretraining(String name, TorchaudioFixture fx, HubertModel model) {
        long[] maskFlat = fx.get("input.mask").toLongArray();
        long[] labelFlat = fx.get("input.labels").toLongArray();
        int b = (int) fx.get("input.mask").getShape().get(0);
        int t = (int) fx.get("input.mask").getShape().get(1);
        boolean[][] mask = new boolean[b][t];
        int[][] labels = new int[b][t];
        for (int i = 0; i < b * t; i++) {
            mask[i / t][i % t] = maskFlat[i] != 0;
            labels[i / t][i % t] = (int) labelFlat[i];
        }
        model.zeroGradients();
        try (NDManager step = model.newStepManager()) {
            NDArray wav = fx.get("input.waveform").duplicate();
            wav.attach(step);
            PretrainOutput out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                out = new PretrainForward(model).forward(wav, labels, (bb, tt) -> mask, true);
                gc.backward(out.loss());
            }
            Parity.assertClose(name + " features_pen", out.featuresPen(), fx.get("pretrain.features_pen"), TOL);
            Parity.assertClose(name + " loss_m", out.lossMasked(), fx.get("pretrain.loss_m"), TOL);
            Parity.assertClose(name + " loss_u", out.lossUnmasked(), fx.get("pretrain.loss_u"), TOL);
            Parity.assertClose(name + " loss", out.loss(), fx.get("pretrain.loss"), TOL);
            float[] logits = out.logits().toFloatArray();
            int classes = fx.config.numClasses();
            Parity.assertClose(name + " logits_m", select(logits, maskFlat, classes, true),
                    fx.get("pretrain.logits_m").toFloatArray(), TOL);
            Parity.assertClose(name + " logits_u", select(logits, maskFlat, classes, false),
                    fx.get("pretrain.logits_u").toFloatArray(), TOL);
            assertEquals(fx.get("pretrain.logits_m").getShape().get(0), out.metrics().sampleSize());
            for (Map.Entry<String, NDArray> e : model.stateDict().entrySet()) {
                Parity.assertClose(name + " grad " + e.getKey(), e.getValue().getGradient(),
                        fx.gradient(e.getKey()), TOL);
            }
        }
    }

    private static float[] select(float[] logits, long[] mask, int classes, boolean masked) {
        List<Float> out = new ArrayList<>();
        for (int f = 0; f < mask.length; f++) {
            if ((mask[f] != 0) == masked) {
                for (int c = 0; c < classes; c++) {
                    out.add(logits[f * classes + c]);
                }
            }
        }
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }
}
