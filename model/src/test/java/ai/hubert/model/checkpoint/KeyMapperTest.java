package ai.hubert.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.model.HubertModel;
import ai.hubert.model.config.ExtractorMode;
import ai.hubert.model.config.HubertConfig;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class KeyMapperTest {

    private static final StateDictFormat FS = StateDictFormat.FAIRSEQ;
    private static final StateDictFormat TA = StateDictFormat.TORCHAUDIO;
    private static final StateDictFormat HF = StateDictFormat.HUGGING_FACE;

    /** fairseq | torchaudio | Hugging Face ("-" = none) | extractor mode; from hubert-spec.md section 9. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mask_emb | mask_generator.mask_embedding | masked_spec_embed | GROUP_NORM",
        "feature_extractor.conv_layers.0.0.weight | wav2vec2.feature_extractor.conv_layers.0.conv.weight"
                + " | feature_extractor.conv_layers.0.conv.weight | GROUP_NORM",
        "feature_extractor.conv_layers.6.0.weight | wav2vec2.feature_extractor.conv_layers.6.conv.weight"
                + " | feature_extractor.conv_layers.6.conv.weight | LAYER_NORM",
        "feature_extractor.conv_layers.0.2.weight | wav2vec2.feature_extractor.conv_layers.0.layer_norm.weight"
                + " | feature_extractor.conv_layers.0.layer_norm.weight | GROUP_NORM",
        "feature_extractor.conv_layers.0.2.bias | wav2vec2.feature_extractor.conv_layers.0.layer_norm.bias"
                + " | feature_extractor.conv_layers.0.layer_norm.bias | GROUP_NORM",
        "feature_extractor.conv_layers.0.2.1.weight | wav2vec2.feature_extractor.conv_layers.0.layer_norm.weight"
                + " | feature_extractor.conv_layers.0.layer_norm.weight | LAYER_NORM",
        "feature_extractor.conv_layers.5.2.1.bias | wav2vec2.feature_extractor.conv_layers.5.layer_norm.bias"
                + " | feature_extractor.conv_layers.5.layer_norm.bias | LAYER_NORM",
        "layer_norm.weight | wav2vec2.encoder.feature_projection.layer_norm.weight"
                + " | feature_projection.layer_norm.weight | GROUP_NORM",
        "post_extract_proj.bias | wav2vec2.encoder.feature_projection.projection.bias"
                + " | feature_projection.projection.bias | GROUP_NORM",
        "encoder.pos_conv.0.bias | wav2vec2.encoder.transformer.pos_conv_embed.conv.bias"
                + " | encoder.pos_conv_embed.conv.bias | GROUP_NORM",
        "encoder.pos_conv.0.weight_g | wav2vec2.encoder.transformer.pos_conv_embed.conv.weight_g"
                + " | encoder.pos_conv_embed.conv.parametrizations.weight.original0 | GROUP_NORM",
        "encoder.pos_conv.0.weight_v | wav2vec2.encoder.transformer.pos_conv_embed.conv.weight_v"
                + " | encoder.pos_conv_embed.conv.parametrizations.weight.original1 | LAYER_NORM",
        "encoder.layer_norm.bias | wav2vec2.encoder.transformer.layer_norm.bias | encoder.layer_norm.bias | LAYER_NORM",
        "encoder.layers.11.self_attn.q_proj.weight | wav2vec2.encoder.transformer.layers.11.attention.q_proj.weight"
                + " | encoder.layers.11.attention.q_proj.weight | GROUP_NORM",
        "encoder.layers.3.self_attn.out_proj.bias | wav2vec2.encoder.transformer.layers.3.attention.out_proj.bias"
                + " | encoder.layers.3.attention.out_proj.bias | GROUP_NORM",
        "encoder.layers.0.self_attn_layer_norm.weight | wav2vec2.encoder.transformer.layers.0.layer_norm.weight"
                + " | encoder.layers.0.layer_norm.weight | GROUP_NORM",
        "encoder.layers.23.fc1.weight | wav2vec2.encoder.transformer.layers.23.feed_forward.intermediate_dense.weight"
                + " | encoder.layers.23.feed_forward.intermediate_dense.weight | LAYER_NORM",
        "encoder.layers.7.fc2.bias | wav2vec2.encoder.transformer.layers.7.feed_forward.output_dense.bias"
                + " | encoder.layers.7.feed_forward.output_dense.bias | GROUP_NORM",
        "encoder.layers.7.final_layer_norm.bias | wav2vec2.encoder.transformer.layers.7.final_layer_norm.bias"
                + " | encoder.layers.7.final_layer_norm.bias | GROUP_NORM",
        "final_proj.weight | logit_generator.final_proj.weight | - | GROUP_NORM",
        "label_embs_concat | logit_generator.label_embeddings | - | LAYER_NORM",
    })
    void mapsBetweenAllThreeFormats(String fairseq, String torchaudio, String hf, ExtractorMode mode) {
        Optional<String> none = Optional.empty();
        assertEquals(Optional.of(torchaudio), KeyMapper.map(fairseq, FS, TA, mode));
        assertEquals(Optional.of(fairseq), KeyMapper.map(torchaudio, TA, FS, mode));
        if (hf.equals("-")) {
            assertEquals(none, KeyMapper.map(fairseq, FS, HF, mode));
            assertEquals(none, KeyMapper.map(torchaudio, TA, HF, mode));
        } else {
            assertEquals(Optional.of(hf), KeyMapper.map(fairseq, FS, HF, mode));
            assertEquals(Optional.of(fairseq), KeyMapper.map(hf, HF, FS, mode));
            assertEquals(Optional.of(torchaudio), KeyMapper.map(hf, HF, TA, mode));
        }
        assertTrue(KeyMapper.recognises(fairseq, FS, mode));
    }

    @Test
    void acceptsBothWeightNormSpellings() {
        ExtractorMode m = ExtractorMode.GROUP_NORM;
        assertEquals(Optional.of("encoder.pos_conv.0.weight_g"),
                KeyMapper.map("encoder.pos_conv_embed.conv.weight_g", HF, FS, m));
        assertEquals(Optional.of("encoder.pos_conv.0.weight_v"),
                KeyMapper.map("wav2vec2.encoder.transformer.pos_conv_embed.conv.parametrizations.weight.original1",
                        TA, FS, m));
    }

    @Test
    void normKeysDependOnExtractorMode() {
        assertFalse(KeyMapper.recognises("feature_extractor.conv_layers.3.2.weight", FS, ExtractorMode.GROUP_NORM));
        assertFalse(KeyMapper.recognises("feature_extractor.conv_layers.0.2.weight", FS, ExtractorMode.LAYER_NORM));
        assertEquals(Optional.empty(), KeyMapper.map("wav2vec2.feature_extractor.conv_layers.3.layer_norm.weight",
                TA, FS, ExtractorMode.GROUP_NORM));
        assertEquals(Optional.empty(), KeyMapper.map("encoder.layers.0.self_attn.z_proj.weight", FS, TA,
                ExtractorMode.GROUP_NORM));
    }

    @Test
    void everyLayoutKeyRoundTripsThroughTorchaudio() {
        for (HubertConfig c : new HubertConfig[] {HubertConfig.base(), HubertConfig.large()}) {
            for (String k : HubertModel.layout(c).keySet()) {
                String ta = KeyMapper.map(k, FS, TA, c.extractorMode()).orElseThrow(() -> new AssertionError(k));
                assertEquals(k, KeyMapper.map(ta, TA, FS, c.extractorMode()).orElseThrow());
            }
        }
    }
}
