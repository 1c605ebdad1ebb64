package ai.hubert.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hubert.model.checkpoint.Checkpoints;
import ai.hubert.model.checkpoint.FairseqCheckpoint;
import ai.hubert.model.checkpoint.HubertCheckpoint;
import ai.hubert.model.checkpoint.Safetensors;
import ai.hubert.model.checkpoint.SafetensorsContent;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.pretrain.PretrainCriterion;
import ai.hubert.model.pretrain.PretrainOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fairseq multi-target checkpoint (two label sets; scripts/fixtures/make_multitarget_fixture.py): the reader splits
 * the head per fairseq's dictionaries, the criterion reproduces fairseq's per-set compute_nce losses and weighted
 * total, and the model round-trips through this project's checkpoint format.
 */
class MultiTargetCheckpointTest {

    private static final double TOL = 1e-4;

    @TempDir
    Path dir;

    private static Path fixture(String name) throws Exception {
        return Path.of(MultiTargetCheckpointTest.class.getResource("/fixtures/" + name).toURI());
    }

    @Test
    void readsSplitsComputesFairseqLossesAndRoundTrips() throws Exception {
        try (NDManager root = NDManager.newBaseManager()) {
            SafetensorsContent ref = Safetensors.read(root, fixture("hubert_mini_multitarget.reference.safetensors"));
            Map<String, NDArray> r = ref.tensors();
            HubertConfig config;
            float[] loss;
            try (HubertModel model = FairseqCheckpoint.load(root, fixture("hubert_mini_multitarget_fairseq.pt"))) {
                config = model.config();
                assertEquals(2, config.numLabelSets());
                assertEquals(List.of(14, 9), config.labelSetClasses());
                assertEquals(List.of(50, 50), config.labelSetRates());
                assertEquals(23, config.numClasses());
                assertEquals(8, config.finalDim());
                assertEquals(1f, config.predMaskedWeight());
                assertEquals(0.5f, config.predNomaskWeight());
                assertEquals(10f, config.featurePenWeight());
                loss = criterion(model, r);
                HubertCheckpoint.save(model, "{}", dir.resolve("ckpt"));
            }
            try (HubertModel reloaded = Checkpoints.load(root, dir.resolve("ckpt"))) {
                assertEquals(config, reloaded.config());
                assertArrayEquals(loss, criterion(reloaded, r), "same losses after the round trip");
                try (NDManager scratch = root.newSubManager()) {
                    FairseqCheckpoint original = FairseqCheckpoint.read(scratch,
                            fixture("hubert_mini_multitarget_fairseq.pt"));
                    for (Map.Entry<String, NDArray> e : original.stateDict().entrySet()) {
                        assertArrayEquals(e.getValue().toFloatArray(),
                                reloaded.stateDict().get(e.getKey()).toFloatArray(), e.getKey());
                    }
                }
            }
        }
    }

    /** Runs the criterion on the fixture's encoder output; returns {loss, loss_m_0, loss_u_0, loss_m_1, loss_u_1}. */
    private static float[] criterion(HubertModel model, Map<String, NDArray> r) {
        try (NDManager step = model.newStepManager()) {
            NDArray x = r.get("final").duplicate();
            x.attach(step);
            NDArray mask = r.get("input.mask").toType(ai.djl.ndarray.types.DataType.BOOLEAN, false);
            mask.attach(step);
            List<NDArray> targets = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                NDArray t = r.get("input.targets." + i).duplicate();
                t.attach(step);
                targets.add(t);
            }
            NDArray pen = r.get("features_pen").duplicate().reshape();
            pen.attach(step);
            PretrainOutput out = new PretrainCriterion(model.config()).compute(model.weights(), x, targets, mask, pen);
            float[] result = new float[5];
            result[0] = out.loss().getFloat();
            double norm = out.metrics().sampleSize() * Math.log(2);
            for (int i = 0; i < 2; i++) {
                Parity.assertClose("set " + i + " logits", out.setLogits().get(i), r.get("set." + i + ".logits"), TOL);
                result[1 + 2 * i] = (float) (out.metrics().labelSets().get(i).lossMasked() * norm);
                result[2 + 2 * i] = (float) (out.metrics().labelSets().get(i).lossUnmasked() * norm);
                Parity.assertClose("set " + i + " loss_m", new float[] {result[1 + 2 * i]},
                        r.get("set." + i + ".loss_m").toFloatArray(), TOL);
                Parity.assertClose("set " + i + " loss_u", new float[] {result[2 + 2 * i]},
                        r.get("set." + i + ".loss_u").toFloatArray(), TOL);
            }
            Parity.assertClose("weighted loss", new float[] {result[0]}, r.get("loss").toFloatArray(), TOL);
            return result;
        }
    }
}
