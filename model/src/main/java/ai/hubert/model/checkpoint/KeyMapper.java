package ai.hubert.model.checkpoint;

import ai.hubert.model.config.ExtractorMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Table-driven renaming of state-dict keys between fairseq, torchaudio and Hugging Face (hubert-spec.md sections
 * 9.1 to 9.3). Templates use {@code {i}} (layer index), {@code {p}} (q, k, v or out) and {@code {wb}} (weight or
 * bias). The conv-extractor norm keys depend on the {@link ExtractorMode}: fairseq names the group norm
 * {@code conv_layers.0.2.*} and the layer norms {@code conv_layers.N.2.1.*}, the others {@code layer_norm.*}.
 * Weight-norm tensors are emitted as {@code weight_g/weight_v} for fairseq and torchaudio and as
 * {@code parametrizations.weight.original0/1} for Hugging Face; both spellings are accepted as input.
 */
public final class KeyMapper {

    private static final String TA = "wav2vec2.";
    private static final String TA_T = TA + "encoder.transformer.";

    private record Rule(String fairseq, String torchaudio, String huggingFace, ExtractorMode mode, boolean alias) {}

    private static final List<Rule> RULES = List.of(
            rule("mask_emb", "mask_generator.mask_embedding", "masked_spec_embed"),
            rule("feature_extractor.conv_layers.{i}.0.{wb}", TA + "feature_extractor.conv_layers.{i}.conv.{wb}",
                    "feature_extractor.conv_layers.{i}.conv.{wb}"),
            new Rule("feature_extractor.conv_layers.0.2.{wb}", TA + "feature_extractor.conv_layers.0.layer_norm.{wb}",
                    "feature_extractor.conv_layers.0.layer_norm.{wb}", ExtractorMode.GROUP_NORM, false),
            new Rule("feature_extractor.conv_layers.{i}.2.1.{wb}",
                    TA + "feature_extractor.conv_layers.{i}.layer_norm.{wb}",
                    "feature_extractor.conv_layers.{i}.layer_norm.{wb}", ExtractorMode.LAYER_NORM, false),
            rule("layer_norm.{wb}", TA + "encoder.feature_projection.layer_norm.{wb}",
                    "feature_projection.layer_norm.{wb}"),
            rule("post_extract_proj.{wb}", TA + "encoder.feature_projection.projection.{wb}",
                    "feature_projection.projection.{wb}"),
            rule("encoder.pos_conv.0.bias", TA_T + "pos_conv_embed.conv.bias", "encoder.pos_conv_embed.conv.bias"),
            rule("encoder.pos_conv.0.weight_g", TA_T + "pos_conv_embed.conv.weight_g",
                    "encoder.pos_conv_embed.conv.parametrizations.weight.original0"),
            rule("encoder.pos_conv.0.weight_v", TA_T + "pos_conv_embed.conv.weight_v",
                    "encoder.pos_conv_embed.conv.parametrizations.weight.original1"),
            alias("encoder.pos_conv.0.weight_g", TA_T + "pos_conv_embed.conv.parametrizations.weight.original0",
                    "encoder.pos_conv_embed.conv.weight_g"),
            alias("encoder.pos_conv.0.weight_v", TA_T + "pos_conv_embed.conv.parametrizations.weight.original1",
                    "encoder.pos_conv_embed.conv.weight_v"),
            rule("encoder.layer_norm.{wb}", TA_T + "layer_norm.{wb}", "encoder.layer_norm.{wb}"),
            rule("encoder.layers.{i}.self_attn.{p}_proj.{wb}", TA_T + "layers.{i}.attention.{p}_proj.{wb}",
                    "encoder.layers.{i}.attention.{p}_proj.{wb}"),
            rule("encoder.layers.{i}.self_attn_layer_norm.{wb}", TA_T + "layers.{i}.layer_norm.{wb}",
                    "encoder.layers.{i}.layer_norm.{wb}"),
            rule("encoder.layers.{i}.fc1.{wb}", TA_T + "layers.{i}.feed_forward.intermediate_dense.{wb}",
                    "encoder.layers.{i}.feed_forward.intermediate_dense.{wb}"),
            rule("encoder.layers.{i}.fc2.{wb}", TA_T + "layers.{i}.feed_forward.output_dense.{wb}",
                    "encoder.layers.{i}.feed_forward.output_dense.{wb}"),
            rule("encoder.layers.{i}.final_layer_norm.{wb}", TA_T + "layers.{i}.final_layer_norm.{wb}",
                    "encoder.layers.{i}.final_layer_norm.{wb}"),
            rule("final_proj.{wb}", "logit_generator.final_proj.{wb}", null),
            rule("label_embs_concat", "logit_generator.label_embeddings", null));

    private static final String[] PLACEHOLDERS = {"{i}", "{p}", "{wb}"};
    private static final String[] GROUPS = {"(?<i>\\d+)", "(?<p>q|k|v|out)", "(?<wb>weight|bias)"};

    private KeyMapper() {}

    private static Rule rule(String fairseq, String torchaudio, String huggingFace) {
        return new Rule(fairseq, torchaudio, huggingFace, null, false);
    }

    private static Rule alias(String fairseq, String torchaudio, String huggingFace) {
        return new Rule(fairseq, torchaudio, huggingFace, null, true);
    }

    /**
     * Renames {@code key} from format {@code from} to format {@code to}.
     *
     * @param mode extractor mode of the model (decides the conv-norm names)
     * @return the renamed key, or empty when the key is unknown in {@code from} or has no counterpart in {@code to}
     *     (e.g. {@code final_proj} for Hugging Face)
     */
    public static Optional<String> map(String key, StateDictFormat from, StateDictFormat to, ExtractorMode mode) {
        for (Rule r : RULES) {
            if (r.mode() != null && r.mode() != mode) {
                continue;
            }
            String src = template(r, from);
            if (src == null) {
                continue;
            }
            Matcher m = compile(src).matcher(key);
            if (!m.matches()) {
                continue;
            }
            Rule target = r.alias() ? canonical(r) : r;
            String dst = template(target, to);
            if (dst == null) {
                return Optional.empty();
            }
            for (int i = 0; i < PLACEHOLDERS.length; i++) {
                String name = PLACEHOLDERS[i].substring(1, PLACEHOLDERS[i].length() - 1);
                if (dst.contains(PLACEHOLDERS[i])) {
                    dst = dst.replace(PLACEHOLDERS[i], m.group(name));
                }
            }
            return Optional.of(dst);
        }
        return Optional.empty();
    }

    /** Returns whether {@code key} is a known key of {@code format} under {@code mode}. */
    public static boolean recognises(String key, StateDictFormat format, ExtractorMode mode) {
        for (Rule r : RULES) {
            String src = template(r, format);
            if ((r.mode() == null || r.mode() == mode) && src != null && compile(src).matcher(key).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Keys of the pre-training head, absent from Hugging Face checkpoints (fairseq names). */
    public static List<String> headKeys() {
        List<String> out = new ArrayList<>();
        out.add("final_proj.weight");
        out.add("final_proj.bias");
        out.add("label_embs_concat");
        return out;
    }

    private static Rule canonical(Rule alias) {
        for (Rule r : RULES) {
            if (!r.alias() && r.fairseq().equals(alias.fairseq())) {
                return r;
            }
        }
        throw new IllegalStateException("No canonical rule for " + alias.fairseq());
    }

    private static String template(Rule r, StateDictFormat f) {
        switch (f) {
            case FAIRSEQ: return r.alias() ? null : r.fairseq();
            case TORCHAUDIO: return r.torchaudio();
            case HUGGING_FACE: return r.huggingFace();
            default: throw new IllegalArgumentException("Unknown format " + f);
        }
    }

    private static Pattern compile(String template) {
        StringBuilder re = new StringBuilder();
        int pos = 0;
        while (pos < template.length()) {
            int next = -1;
            int which = -1;
            for (int i = 0; i < PLACEHOLDERS.length; i++) {
                int at = template.indexOf(PLACEHOLDERS[i], pos);
                if (at >= 0 && (next < 0 || at < next)) {
                    next = at;
                    which = i;
                }
            }
            if (next < 0) {
                re.append(Pattern.quote(template.substring(pos)));
                break;
            }
            re.append(Pattern.quote(template.substring(pos, next))).append(GROUPS[which]);
            pos = next + PLACEHOLDERS[which].length();
        }
        return Pattern.compile(re.toString());
    }
}
