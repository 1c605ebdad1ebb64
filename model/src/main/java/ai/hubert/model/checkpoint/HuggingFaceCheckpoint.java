package ai.hubert.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hubert.model.HubertModel;
import ai.hubert.model.config.ConvLayerSpec;
import ai.hubert.model.config.ExtractorMode;
import ai.hubert.model.config.HubertConfig;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hugging Face transformers' {@code HubertModel} checkpoint folder: {@code config.json} ({@code model_type: hubert})
 * and {@code model.safetensors} with HF key names (hubert-spec.md section 9.3), as {@code save_pretrained} writes and
 * {@code from_pretrained} reads. HF has no pre-training head: the export drops {@code final_proj} and
 * {@code label_embs_concat} (they stay in this project's own format), and the import initialises them freshly. A
 * {@code preprocessor_config.json} with {@code do_normalize} sets the waveform normalisation of Large/X-Large models.
 */
public final class HuggingFaceCheckpoint {

    /** Config file name. */
    public static final String CONFIG = "config.json";
    /** Weights file name. */
    public static final String WEIGHTS = "model.safetensors";
    /** Feature-extractor config file name. */
    public static final String PREPROCESSOR = "preprocessor_config.json";

    private HuggingFaceCheckpoint() {}

    /** Returns whether {@code dir} holds a Hugging Face HuBERT folder (its config says {@code model_type: hubert}). */
    public static boolean isHuggingFace(Path dir) throws IOException {
        Path config = dir.resolve(CONFIG);
        if (!Files.isRegularFile(config)) {
            return false;
        }
        JsonElement e = JsonParser.parseString(Files.readString(config, StandardCharsets.UTF_8));
        return e.isJsonObject() && e.getAsJsonObject().has("model_type")
                && "hubert".equals(e.getAsJsonObject().get("model_type").getAsString());
    }

    /**
     * Writes {@code model} as a Hugging Face folder (weight norm spelled {@code parametrizations.weight.original0/1},
     * as current transformers saves it).
     *
     * @throws IOException on write failure
     */
    public static void save(HubertModel model, Path dir) throws IOException {
        HubertConfig c = model.config();
        Files.createDirectories(dir);
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (NDManager scratch = model.manager().newSubManager()) {
            for (Map.Entry<String, NDArray> e : model.stateDict().entrySet()) {
                KeyMapper.map(e.getKey(), StateDictFormat.FAIRSEQ, StateDictFormat.HUGGING_FACE, c.extractorMode())
                        .ifPresent(k -> out.put(k, e.getValue()));
            }
            if (!model.stateDict().containsKey("post_extract_proj.weight")) {
                // HF always projects; fairseq skips the projection when the conv and encoder widths are equal.
                out.put("feature_projection.projection.weight", scratch.eye(c.embedDim()));
                out.put("feature_projection.projection.bias", scratch.zeros(new ai.djl.ndarray.types.Shape(c.embedDim())));
            }
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            Safetensors.write(dir.resolve(WEIGHTS), out, meta);
        }
        Files.writeString(dir.resolve(CONFIG), configJson(c), StandardCharsets.UTF_8);
        JsonObject pre = new JsonObject();
        pre.addProperty("feature_extractor_type", "Wav2Vec2FeatureExtractor");
        pre.addProperty("feature_size", 1);
        pre.addProperty("sampling_rate", c.sampleRate());
        pre.addProperty("padding_value", 0.0);
        pre.addProperty("do_normalize", c.normalize());
        pre.addProperty("return_attention_mask", c.extractorMode() == ExtractorMode.LAYER_NORM);
        Files.writeString(dir.resolve(PREPROCESSOR), new GsonBuilder().setPrettyPrinting().create().toJson(pre),
                StandardCharsets.UTF_8);
    }

    /**
     * The transformers {@code HubertConfig} of {@code c} (field names of transformers' configuration_hubert.py).
     */
    public static String configJson(HubertConfig c) {
        JsonObject o = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add("HubertModel");
        o.add("architectures", arch);
        o.addProperty("model_type", "hubert");
        o.addProperty("hidden_size", c.embedDim());
        o.addProperty("num_hidden_layers", c.numLayers());
        o.addProperty("num_attention_heads", c.numHeads());
        o.addProperty("intermediate_size", c.ffnDim());
        o.addProperty("hidden_act", "gelu");
        o.addProperty("hidden_dropout", c.dropout());
        o.addProperty("activation_dropout", c.activationDropout());
        o.addProperty("attention_dropout", c.attentionDropout());
        o.addProperty("feat_proj_layer_norm", true);
        o.addProperty("feat_proj_dropout", c.dropoutInput());
        o.addProperty("final_dropout", 0.0);
        o.addProperty("layerdrop", c.layerDrop());
        o.addProperty("initializer_range", 0.02);
        o.addProperty("layer_norm_eps", c.layerNormEps());
        o.addProperty("feat_extract_norm", c.extractorMode().huggingFaceName());
        o.addProperty("feat_extract_activation", "gelu");
        JsonArray dim = new JsonArray();
        JsonArray stride = new JsonArray();
        JsonArray kernel = new JsonArray();
        for (ConvLayerSpec l : c.convLayers()) {
            dim.add(l.channels());
            stride.add(l.stride());
            kernel.add(l.kernel());
        }
        o.add("conv_dim", dim);
        o.add("conv_stride", stride);
        o.add("conv_kernel", kernel);
        o.addProperty("conv_bias", c.convBias());
        o.addProperty("num_conv_pos_embeddings", c.posConvKernel());
        o.addProperty("num_conv_pos_embedding_groups", c.posConvGroups());
        o.addProperty("conv_pos_batch_norm", false);
        o.addProperty("do_stable_layer_norm", c.layerNormFirst());
        o.addProperty("apply_spec_augment", true);
        o.addProperty("mask_time_prob", 0.05);
        o.addProperty("mask_time_length", c.maskLength());
        o.addProperty("mask_time_min_masks", c.minMasks());
        o.addProperty("mask_feature_prob", 0.0);
        o.addProperty("mask_feature_length", 10);
        o.addProperty("mask_feature_min_masks", 0);
        o.addProperty("vocab_size", 32);
        o.addProperty("pad_token_id", 0);
        o.addProperty("bos_token_id", 1);
        o.addProperty("eos_token_id", 2);
        o.addProperty("torch_dtype", "float32");
        return new GsonBuilder().setPrettyPrinting().create().toJson(o);
    }

    /**
     * Reads a transformers {@code HubertConfig} into this project's config; the pre-training head takes
     * {@code headDefaults}' {@code final_dim}, class count, label rate and loss settings.
     *
     * @throws IllegalArgumentException naming a field whose value this model cannot represent
     */
    public static HubertConfig parseConfig(String json, boolean normalize, HubertConfig headDefaults) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        requireValue(o, "model_type", "hubert");
        requireValue(o, "hidden_act", "gelu");
        requireValue(o, "feat_extract_activation", "gelu");
        if (o.has("conv_pos_batch_norm") && o.get("conv_pos_batch_norm").getAsBoolean()) {
            throw new IllegalArgumentException("Unsupported Hugging Face config: conv_pos_batch_norm=true (fairseq HuBERT "
                    + "uses weight norm on the positional convolution)");
        }
        if (o.has("feat_proj_layer_norm") && !o.get("feat_proj_layer_norm").getAsBoolean()) {
            throw new IllegalArgumentException("Unsupported Hugging Face config: feat_proj_layer_norm=false (HuBERT "
                    + "normalises the conv features before the projection)");
        }
        int[] dim = ints(o, "conv_dim");
        int[] stride = ints(o, "conv_stride");
        int[] kernel = ints(o, "conv_kernel");
        if (dim.length != stride.length || dim.length != kernel.length) {
            throw new IllegalArgumentException("Expected conv_dim, conv_stride and conv_kernel of equal length, found "
                    + dim.length + ", " + stride.length + " and " + kernel.length);
        }
        List<ConvLayerSpec> conv = new ArrayList<>();
        for (int i = 0; i < dim.length; i++) {
            conv.add(new ConvLayerSpec(dim[i], kernel[i], stride[i]));
        }
        return headDefaults.toBuilder()
                .extractorMode(ExtractorMode.parse(str(o, "feat_extract_norm", "group")))
                .convLayers(conv)
                .convBias(bool(o, "conv_bias", false))
                .encoder(integer(o, "num_hidden_layers"), integer(o, "hidden_size"), integer(o, "intermediate_size"),
                        integer(o, "num_attention_heads"))
                .layerNormFirst(bool(o, "do_stable_layer_norm", false))
                .posConv(integer(o, "num_conv_pos_embeddings"), integer(o, "num_conv_pos_embedding_groups"))
                .dropouts(flt(o, "hidden_dropout", 0.1f), flt(o, "attention_dropout", 0.1f),
                        flt(o, "activation_dropout", 0.1f), flt(o, "feat_proj_dropout", 0.0f),
                        headDefaults.dropoutFeatures())
                .layerDrop(flt(o, "layerdrop", 0.1f))
                .layerNormEps(flt(o, "layer_norm_eps", 1e-5f))
                .normalize(normalize)
                .build();
    }

    /**
     * Loads a Hugging Face folder with a fresh pre-training head of Base's sizes (Large's for pre-LN models), seed 0.
     *
     * @throws IOException if a file is missing or unreadable
     */
    public static HubertModel load(NDManager parent, Path dir) throws IOException {
        boolean preLn = false;
        if (Files.isRegularFile(dir.resolve(CONFIG))) {
            JsonObject o = JsonParser.parseString(Files.readString(dir.resolve(CONFIG), StandardCharsets.UTF_8))
                    .getAsJsonObject();
            preLn = bool(o, "do_stable_layer_norm", false);
        }
        return load(parent, dir, preLn ? HubertConfig.large() : HubertConfig.base(), 0L);
    }

    /**
     * Loads a Hugging Face folder ({@code HubertModel} or {@code HubertForCTC}; the CTC head is ignored); the
     * pre-training head is freshly initialised from {@code seed} with {@code headDefaults}' sizes.
     *
     * @throws IOException if a file is missing or unreadable
     * @throws IllegalArgumentException naming unexpected keys, missing keys and shape mismatches
     */
    public static HubertModel load(NDManager parent, Path dir, HubertConfig headDefaults, long seed) throws IOException {
        for (String f : new String[] {CONFIG, WEIGHTS}) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IOException("Expected Hugging Face checkpoint file " + dir.resolve(f) + ", found none");
            }
        }
        boolean normalize = false;
        Path pre = dir.resolve(PREPROCESSOR);
        if (Files.isRegularFile(pre)) {
            JsonObject p = JsonParser.parseString(Files.readString(pre, StandardCharsets.UTF_8)).getAsJsonObject();
            normalize = p.has("do_normalize") && p.get("do_normalize").getAsBoolean();
        }
        HubertConfig config = parseConfig(Files.readString(dir.resolve(CONFIG), StandardCharsets.UTF_8), normalize,
                headDefaults);
        HubertModel model = HubertModel.create(parent, config, seed);
        try (NDManager scratch = parent.newSubManager()) {
            Map<String, NDArray> state = StateDictImporter.toFairseq(Safetensors.read(scratch, dir.resolve(WEIGHTS))
                    .tensors(), StateDictFormat.HUGGING_FACE, config.extractorMode());
            Set<String> optional = new HashSet<>(KeyMapper.headKeys());
            if (!HubertModel.layout(config).containsKey("post_extract_proj.weight")) {
                NDArray w = state.remove("post_extract_proj.weight");
                NDArray b = state.remove("post_extract_proj.bias");
                if (w != null && !isIdentity(w, b)) {
                    throw new IllegalArgumentException("Expected an identity feature projection (conv width "
                            + config.featureDim() + " equals hidden_size), found a learned one in " + dir);
                }
            }
            optional.add(HubertModel.MASK_EMB); // absent when mask_time_prob = mask_feature_prob = 0
            model.loadStateDict(state, optional);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    private static boolean isIdentity(NDArray w, NDArray b) {
        float[] v = w.toFloatArray();
        int n = (int) Math.round(Math.sqrt(v.length));
        for (int i = 0; i < v.length; i++) {
            if (v[i] != (i / n == i % n ? 1f : 0f)) {
                return false;
            }
        }
        if (b != null) {
            for (float x : b.toFloatArray()) {
                if (x != 0f) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void requireValue(JsonObject o, String key, String expected) {
        if (o.has(key) && !expected.equals(o.get(key).getAsString())) {
            throw new IllegalArgumentException("Unsupported Hugging Face config: expected " + key + "=" + expected
                    + ", found " + o.get(key).getAsString());
        }
    }

    private static int[] ints(JsonObject o, String key) {
        if (!o.has(key)) {
            throw new IllegalArgumentException("Hugging Face config lacks " + key);
        }
        JsonArray a = o.getAsJsonArray(key);
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    private static int integer(JsonObject o, String key) {
        if (!o.has(key)) {
            throw new IllegalArgumentException("Hugging Face config lacks " + key);
        }
        return o.get(key).getAsInt();
    }

    private static boolean bool(JsonObject o, String key, boolean dflt) {
        return o.has(key) ? o.get(key).getAsBoolean() : dflt;
    }

    private static float flt(JsonObject o, String key, float dflt) {
        return o.has(key) ? o.get(key).getAsFloat() : dflt;
    }

    private static String str(JsonObject o, String key, String dflt) {
        return o.has(key) ? o.get(key).getAsString() : dflt;
    }
}
