package ai.hubert.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hubert.model.checkpoint.FairseqCheckpoint;
import ai.hubert.model.checkpoint.Safetensors;
import ai.hubert.model.checkpoint.SafetensorsContent;
import ai.hubert.model.config.HubertConfig;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * fairseq {@code .pt} checkpoints read in Java (fixtures from scripts/fixtures/make_fairseq_checkpoint_fixture.py):
 * inferred configuration, weights equal to the source, forward parity with torchaudio.
 */
class FairseqCheckpointParityTest {

    private static final double TOL = 1e-4;

    private static Path fixture(String name) throws Exception {
        return Path.of(FairseqCheckpointParityTest.class.getResource("/fixtures/" + name).toURI());
    }

    private static HubertConfig expectedConfig(String checkpointName) throws Exception {
        JsonObject all = JsonParser.parseString(Files.readString(fixture("fairseq_checkpoints.expected.json"),
                StandardCharsets.UTF_8)).getAsJsonObject();
        return HubertConfig.fromJson(all.getAsJsonObject(checkpointName).toString());
    }

    private static void assertSameTensors(Map<String, NDArray> expected, Map<String, NDArray> actual) {
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(actual.keySet()), "state dict keys");
        for (Map.Entry<String, NDArray> e : expected.entrySet()) {
            NDArray a = actual.get(e.getKey());
            assertEquals(e.getValue().getShape(), a.getShape(), e.getKey());
            assertArrayEquals(e.getValue().toFloatArray(), a.toFloatArray(), e.getKey()); // bit-exact
        }
    }

    @Test
    void readsCfgCheckpointWithFloat32Weights() throws Exception {
        String name = "hubert_tiny_base_fairseq.pt";
        try (NDManager root = NDManager.newBaseManager()) {
            TorchaudioFixture fx = TorchaudioFixture.load(root, "hubert_tiny_base");
            FairseqCheckpoint ckpt = FairseqCheckpoint.read(root, fixture(name));
            assertEquals(expectedConfig(name), ckpt.config());
            assertEquals(fx.config.numClasses(), ckpt.config().numClasses());
            assertSameTensors(fx.fairseqStateDict(), ckpt.stateDict());

            try (HubertModel model = FairseqCheckpoint.load(root, fixture(name));
                    NDManager step = model.newStepManager()) {
                NDArray wav = fx.get("input.waveform").duplicate();
                wav.attach(step);
                List<NDArray> hidden = model.hiddenStates(wav);
                for (int i = 0; i < hidden.size(); i++) {
                    Parity.assertClose(name + " hidden state " + i, hidden.get(i), fx.get("nomask.layer." + i), TOL);
                }
                Parity.assertClose(name + " encoder output", model.extract(wav, 0), fx.get("nomask.final"), TOL);
            }
        }
    }

    @Test
    void readsNamespaceCheckpointWithHalfWeightsAndStridedViews() throws Exception {
        String name = "hubert_mini_large_args_fp16.pt";
        try (NDManager root = NDManager.newBaseManager()) {
            SafetensorsContent ref = Safetensors.read(root, fixture("hubert_mini_large_args_fp16.reference.safetensors"));
            Map<String, NDArray> expected = new java.util.LinkedHashMap<>();
            ref.tensors().forEach((k, v) -> {
                if (k.startsWith("param.")) {
                    expected.put(k.substring("param.".length()), v);
                }
            });
            FairseqCheckpoint ckpt = FairseqCheckpoint.read(root, fixture(name));
            assertEquals(expectedConfig(name), ckpt.config());
            assertSameTensors(expected, ckpt.stateDict());

            try (HubertModel model = FairseqCheckpoint.load(root, fixture(name));
                    NDManager step = model.newStepManager()) {
                NDArray wav = ref.get("input.waveform").duplicate();
                wav.attach(step);
                Parity.assertClose(name + " encoder output", model.extract(wav, 0), ref.get("nomask.final"), TOL);
            }
        }
    }

    @Test
    void namesMissingAndUnexpectedKeys() throws Exception {
        try (NDManager root = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FairseqCheckpoint.load(root, fixture("hubert_mini_missing_key.pt")));
            assertTrue(e.getMessage().contains("missing keys [encoder.layers.1.fc2.bias]"), e.getMessage());
            assertTrue(e.getMessage().contains("unexpected keys [encoder.layers.9.fc1.bias]"), e.getMessage());
            assertTrue(e.getMessage().contains("hubert_mini_missing_key.pt"), e.getMessage());
        }
    }
}
