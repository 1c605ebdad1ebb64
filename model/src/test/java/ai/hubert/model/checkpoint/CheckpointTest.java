package ai.hubert.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hubert.model.HubertModel;
import ai.hubert.model.config.ConvLayerSpec;
import ai.hubert.model.config.ExtractorMode;
import ai.hubert.model.config.HubertConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;

    private static HubertConfig small(ExtractorMode mode) {
        List<ConvLayerSpec> conv = new ArrayList<>();
        for (ConvLayerSpec c : HubertConfig.base().convLayers()) {
            conv.add(new ConvLayerSpec(16, c.kernel(), c.stride()));
        }
        return HubertConfig.builder().extractorMode(mode).layerNormFirst(mode == ExtractorMode.LAYER_NORM)
                .convLayers(conv).encoder(2, 32, 64, 4).posConv(8, 4).finalDim(8).numClasses(10).build();
    }

    @Test
    void saveAndLoadRoundTrip() throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                HubertModel model = HubertModel.create(root, small(ExtractorMode.LAYER_NORM), 11)) {
            HubertCheckpoint.save(model, "{\"step\":3,\"labels\":\"km100\"}", dir.resolve("ckpt"));
            try (HubertModel loaded = HubertCheckpoint.load(root, dir.resolve("ckpt"))) {
                assertEquals(model.config(), loaded.config());
                for (Map.Entry<String, NDArray> e : model.stateDict().entrySet()) {
                    assertArrayEquals(e.getValue().toFloatArray(), loaded.stateDict().get(e.getKey()).toFloatArray(),
                            e.getKey());
                }
            }
            assertEquals("{\"step\":3,\"labels\":\"km100\"}", HubertCheckpoint.lineage(dir.resolve("ckpt")));
        }
    }

    @Test
    void importsHuggingFaceWithEitherWeightNormSpelling() throws Exception {
        HubertConfig c = small(ExtractorMode.GROUP_NORM);
        try (NDManager root = NDManager.newBaseManager();
                HubertModel source = HubertModel.create(root, c, 1);
                HubertModel target = HubertModel.create(root, c, 2)) {
            for (boolean legacy : new boolean[] {false, true}) {
                Map<String, NDArray> hf = new LinkedHashMap<>();
                for (Map.Entry<String, NDArray> e : source.stateDict().entrySet()) {
                    KeyMapper.map(e.getKey(), StateDictFormat.FAIRSEQ, StateDictFormat.HUGGING_FACE, c.extractorMode())
                            .ifPresent(k -> hf.put("hubert." + (legacy ? k.replace(
                                    "parametrizations.weight.original0", "weight_g").replace(
                                    "parametrizations.weight.original1", "weight_v") : k), e.getValue()));
                }
                hf.put("lm_head.weight", root.zeros(new ai.djl.ndarray.types.Shape(3, 32)));
                Path f = dir.resolve("hf" + legacy + ".safetensors");
                Safetensors.write(f, hf, Map.of());
                try (NDManager scratch = root.newSubManager()) {
                    Map<String, NDArray> fs = StateDictImporter.toFairseq(Safetensors.read(scratch, f).tensors(),
                            StateDictFormat.HUGGING_FACE, c.extractorMode());
                    Set<String> head = new HashSet<>(KeyMapper.headKeys());
                    target.loadStateDict(fs, head);
                }
                for (Map.Entry<String, NDArray> e : source.stateDict().entrySet()) {
                    if (!KeyMapper.headKeys().contains(e.getKey())) {
                        assertArrayEquals(e.getValue().toFloatArray(),
                                target.stateDict().get(e.getKey()).toFloatArray(), e.getKey());
                    }
                }
            }
        }
    }

    @Test
    void importErrorsNameTheOffendingKeys() {
        try (NDManager root = NDManager.newBaseManager()) {
            Map<String, NDArray> hf = new LinkedHashMap<>();
            hf.put("encoder.layers.0.attention.q_proj.weight", root.zeros(new ai.djl.ndarray.types.Shape(1)));
            hf.put("encoder.layers.0.attention.qq_proj.weight", root.zeros(new ai.djl.ndarray.types.Shape(1)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StateDictImporter
                    .toFairseq(hf, StateDictFormat.HUGGING_FACE, ExtractorMode.GROUP_NORM));
            assertTrue(e.getMessage().contains("encoder.layers.0.attention.qq_proj.weight"), e.getMessage());
        }
    }
}
