package ai.hubert.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hubert.model.HubertModel;
import ai.hubert.model.config.ConvLayerSpec;
import ai.hubert.model.config.ExtractorMode;
import ai.hubert.model.config.HubertConfig;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export to and import from Hugging Face transformers' HubertModel folder layout. */
class HuggingFaceCheckpointTest {

    @TempDir
    Path dir;

    private static HubertConfig small(ExtractorMode mode, int convChannels, int embed) {
        List<ConvLayerSpec> conv = new ArrayList<>();
        for (ConvLayerSpec c : HubertConfig.base().convLayers()) {
            conv.add(new ConvLayerSpec(convChannels, c.kernel(), c.stride()));
        }
        HubertConfig.Builder b = (mode == ExtractorMode.LAYER_NORM ? HubertConfig.large() : HubertConfig.base()).toBuilder()
                .extractorMode(mode).layerNormFirst(mode == ExtractorMode.LAYER_NORM).convBias(mode == ExtractorMode.LAYER_NORM)
                .convLayers(conv).encoder(2, embed, 64, 4).posConv(8, 4).normalize(mode == ExtractorMode.LAYER_NORM);
        return b.build();
    }

    private static float[] hidden(HubertModel model) {
        Random r = new Random(3);
        float[] audio = new float[2 * 4000];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) r.nextGaussian() * 0.1f;
        }
        try (NDManager step = model.newStepManager()) {
            return model.extract(step.create(audio, new Shape(2, 4000)), 0).toFloatArray();
        }
    }

    @Test
    void exportsTransformersNamesAndConfigAndLoadsBackToTheSameHiddenStates() throws Exception {
        for (ExtractorMode mode : ExtractorMode.values()) {
            HubertConfig c = small(mode, 16, 32);
            Path out = dir.resolve(mode.name());
            try (NDManager root = NDManager.newBaseManager(); HubertModel model = HubertModel.create(root, c, 11)) {
                HuggingFaceCheckpoint.save(model, out);
                JsonObject cfg = JsonParser.parseString(Files.readString(out.resolve("config.json"), StandardCharsets.UTF_8))
                        .getAsJsonObject();
                assertEquals("hubert", cfg.get("model_type").getAsString());
                assertEquals("HubertModel", cfg.getAsJsonArray("architectures").get(0).getAsString());
                assertEquals(32, cfg.get("hidden_size").getAsInt());
                assertEquals(2, cfg.get("num_hidden_layers").getAsInt());
                assertEquals(mode == ExtractorMode.LAYER_NORM, cfg.get("do_stable_layer_norm").getAsBoolean());
                assertEquals(mode == ExtractorMode.LAYER_NORM ? "layer" : "group", cfg.get("feat_extract_norm").getAsString());
                assertEquals("[5,2,2,2,2,2,2]", cfg.get("conv_stride").toString());
                assertEquals("[10,3,3,3,3,2,2]", cfg.get("conv_kernel").toString());
                assertEquals(8, cfg.get("num_conv_pos_embeddings").getAsInt());
                JsonObject pre = JsonParser.parseString(Files.readString(out.resolve("preprocessor_config.json"),
                        StandardCharsets.UTF_8)).getAsJsonObject();
                assertEquals(mode == ExtractorMode.LAYER_NORM, pre.get("do_normalize").getAsBoolean());

                TreeSet<String> keys;
                try (NDManager scratch = root.newSubManager()) {
                    keys = new TreeSet<>(Safetensors.read(scratch, out.resolve("model.safetensors")).tensors().keySet());
                }
                assertTrue(keys.contains("encoder.pos_conv_embed.conv.parametrizations.weight.original0"), keys.toString());
                assertTrue(keys.contains("encoder.pos_conv_embed.conv.parametrizations.weight.original1"));
                assertTrue(keys.contains("feature_projection.layer_norm.weight"));
                assertTrue(keys.contains("feature_projection.projection.weight"));
                assertTrue(keys.contains("masked_spec_embed"));
                assertTrue(keys.contains("encoder.layers.1.feed_forward.intermediate_dense.weight"));
                assertTrue(keys.contains("encoder.layers.0.attention.out_proj.bias"));
                assertTrue(keys.contains("feature_extractor.conv_layers.0.layer_norm.weight"));
                assertEquals(mode == ExtractorMode.LAYER_NORM, keys.contains("feature_extractor.conv_layers.6.layer_norm.bias"));
                assertFalse(keys.stream().anyMatch(k -> k.contains("final_proj") || k.contains("label_embs")),
                        "HF has no pre-training head: " + keys);

                assertTrue(HuggingFaceCheckpoint.isHuggingFace(out));
                assertFalse(HuggingFaceCheckpoint.isHuggingFace(dir), "no config.json");
                try (HubertModel loaded = Checkpoints.load(root, out)) {
                    HubertConfig lc = loaded.config();
                    assertEquals(c.extractorMode(), lc.extractorMode());
                    assertEquals(c.convLayers(), lc.convLayers());
                    assertEquals(c.convBias(), lc.convBias());
                    assertEquals(c.layerNormFirst(), lc.layerNormFirst());
                    assertEquals(c.normalize(), lc.normalize());
                    assertEquals(c.embedDim(), lc.embedDim());
                    for (Map.Entry<String, NDArray> e : model.stateDict().entrySet()) {
                        if (!KeyMapper.headKeys().contains(e.getKey())) {
                            assertArrayEquals(e.getValue().toFloatArray(), loaded.stateDict().get(e.getKey()).toFloatArray(),
                                    e.getKey());
                        }
                    }
                    assertArrayEquals(hidden(model), hidden(loaded), 0f, "same hidden states after the round trip");
                }
            }
        }
    }

    @Test
    void equalWidthsExportAnIdentityProjectionAndALearnedOneIsRefused() throws Exception {
        HubertConfig c = small(ExtractorMode.GROUP_NORM, 32, 32); // conv width = encoder width: fairseq has no projection
        Path out = dir.resolve("eq");
        try (NDManager root = NDManager.newBaseManager(); HubertModel model = HubertModel.create(root, c, 5)) {
            assertFalse(model.stateDict().containsKey("post_extract_proj.weight"));
            HuggingFaceCheckpoint.save(model, out);
            try (HubertModel loaded = Checkpoints.load(root, out)) {
                assertArrayEquals(hidden(model), hidden(loaded), 0f);
            }
            Map<String, NDArray> tensors;
            NDManager scratch = root.newSubManager();
            tensors = new java.util.LinkedHashMap<>(Safetensors.read(scratch, out.resolve("model.safetensors")).tensors());
            tensors.put("feature_projection.projection.weight", scratch.ones(new Shape(32, 32)));
            Safetensors.write(out.resolve("model.safetensors"), tensors, Map.of());
            scratch.close();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.load(root, out));
            assertTrue(e.getMessage().contains("identity feature projection"), e.getMessage());
        }
    }

    @Test
    void unsupportedConfigsAreRefusedNamingTheField() {
        String json = HuggingFaceCheckpoint.configJson(small(ExtractorMode.GROUP_NORM, 16, 32))
                .replace("\"conv_pos_batch_norm\": false", "\"conv_pos_batch_norm\": true");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HuggingFaceCheckpoint.parseConfig(json, false, HubertConfig.base()));
        assertTrue(e.getMessage().contains("conv_pos_batch_norm"), e.getMessage());
        String relu = HuggingFaceCheckpoint.configJson(small(ExtractorMode.GROUP_NORM, 16, 32))
                .replace("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"relu\"");
        e = assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpoint.parseConfig(relu, false, HubertConfig.base()));
        assertTrue(e.getMessage().contains("hidden_act=gelu") && e.getMessage().contains("relu"), e.getMessage());
    }
}
