package ai.hubert.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hubert.model.checkpoint.KeyMapper;
import ai.hubert.model.checkpoint.Safetensors;
import ai.hubert.model.checkpoint.SafetensorsContent;
import ai.hubert.model.checkpoint.StateDictFormat;
import ai.hubert.model.config.ConvLayerSpec;
import ai.hubert.model.config.ExtractorMode;
import ai.hubert.model.config.HubertConfig;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A fixture written by scripts/fixtures/make_model_fixture.py (torchaudio reference values). */
final class TorchaudioFixture {

    final SafetensorsContent content;
    final HubertConfig config;

    private TorchaudioFixture(SafetensorsContent content, HubertConfig config) {
        this.content = content;
        this.config = config;
    }

    static TorchaudioFixture load(NDManager manager, String name) throws IOException, URISyntaxException {
        Path path = Path.of(TorchaudioFixture.class.getResource("/fixtures/" + name + ".safetensors").toURI());
        SafetensorsContent c = Safetensors.read(manager, path);
        JsonObject o = JsonParser.parseString(c.metadata().get("config")).getAsJsonObject();
        List<ConvLayerSpec> conv = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("conv_layers")) {
            var a = e.getAsJsonArray();
            conv.add(new ConvLayerSpec(a.get(0).getAsInt(), a.get(1).getAsInt(), a.get(2).getAsInt()));
        }
        HubertConfig config = HubertConfig.builder()
                .extractorMode(ExtractorMode.parse(o.get("extractor_mode").getAsString()))
                .convLayers(conv)
                .encoder(o.get("num_layers").getAsInt(), o.get("embed_dim").getAsInt(), o.get("ffn_dim").getAsInt(),
                        o.get("num_heads").getAsInt())
                .posConv(o.get("pos_conv_kernel").getAsInt(), o.get("pos_conv_groups").getAsInt())
                .layerNormFirst(o.get("layer_norm_first").getAsBoolean())
                .finalDim(o.get("final_dim").getAsInt())
                .numClasses(o.get("num_classes").getAsInt())
                .featureGradMult(o.get("feature_grad_mult").getAsFloat())
                .logitTemp(o.get("logit_temp").getAsFloat())
                .lossWeights(1f, 0f, o.get("feature_pen_weight").getAsFloat())
                .dropouts(0f, 0f, 0f, 0f, 0f)
                .layerDrop(0f)
                .labelRate(50) // fixture labels are at the 50 Hz frame rate: alignment is the identity
                .build();
        return new TorchaudioFixture(c, config);
    }

    /** torchaudio parameters renamed to fairseq keys through {@link KeyMapper}. */
    Map<String, NDArray> fairseqStateDict() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : content.tensors().entrySet()) {
            if (!e.getKey().startsWith("param.")) {
                continue;
            }
            String ta = e.getKey().substring("param.".length());
            String fs = KeyMapper.map(ta, StateDictFormat.TORCHAUDIO, StateDictFormat.FAIRSEQ,
                    config.extractorMode()).orElseThrow(() -> new AssertionError("unmapped torchaudio key " + ta));
            out.put(fs, e.getValue());
        }
        return out;
    }

    /** Reference gradient of fairseq parameter {@code key}. */
    NDArray gradient(String fairseqKey) {
        String ta = KeyMapper.map(fairseqKey, StateDictFormat.FAIRSEQ, StateDictFormat.TORCHAUDIO,
                config.extractorMode()).orElseThrow();
        return content.get("grad." + ta);
    }

    NDArray get(String name) {
        return content.get(name);
    }
}
