package ai.hubert.training.config;

import ai.hubert.model.config.ConvLayerSpec;
import ai.hubert.model.config.ExtractorMode;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.training.config.YamlSubset.Node;
import ai.hubert.training.config.YamlSubset.Scalar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@link PretrainConfig} from a fairseq-style YAML file ({@code conf/pretrain/*.yaml}) with optional
 * {@code section.field=value} overrides (like fairseq's hydra command-line overrides).
 *
 * <p>Strict: unknown sections and fields are errors (with a "did you mean" suggestion), required fields must be
 * present, every value is type- and range-checked; every error names the file, the line, the field path and what
 * was expected versus what was found. {@code ${section.field}} interpolation (fairseq's
 * {@code label_rate: ${model.label_rate}}) is supported for scalars.
 */
public final class PretrainConfigLoader {

    /** Fields each section may hold (in the order the committed YAMLs write them). */
    static final Map<String, List<String>> SCHEMA = schema();

    /** Fields that must be present. */
    static final Set<String> REQUIRED = Set.of("hubert.model_preset", "model.label_rate", "dataset.max_tokens",
            "optimization.max_update", "optimization.lr", "lr_scheduler.warmup_updates",
            "distributed_training.distributed_world_size");

    private static final Map<String, String> NAMES = Map.of("task._name", "hubert_pretraining", "criterion._name",
            "hubert", "model._name", "hubert", "optimizer._name", "adam", "lr_scheduler._name", "polynomial_decay");

    private static final Pattern INT = Pattern.compile("[-+]?\\d+");
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z0-9_.]+)}");

    private final String source;
    private final Node root;
    private final Map<String, String> overrideText = new LinkedHashMap<>();

    private PretrainConfigLoader(String source, Node root) {
        this.source = source;
        this.root = root;
    }

    private static Map<String, List<String>> schema() {
        Map<String, List<String>> s = new LinkedHashMap<>();
        s.put("common", List.of("seed", "fp16", "log_interval"));
        s.put("checkpoint", List.of("dir", "save_interval_updates", "keep_interval_updates",
                "no_epoch_checkpoints"));
        s.put("distributed_training", List.of("distributed_world_size", "nprocs_per_node"));
        s.put("task", List.of("_name", "sample_rate", "max_sample_size", "min_sample_size", "label_rate",
                "normalize", "pad_audio", "random_crop"));
        s.put("dataset", List.of("max_tokens", "required_batch_size_multiple", "skip_invalid_size_inputs_valid_test",
                "validate_interval_updates"));
        s.put("criterion", List.of("_name", "pred_masked_weight", "pred_nomask_weight", "loss_weights"));
        s.put("optimization", List.of("max_update", "lr", "update_freq", "clip_norm"));
        s.put("optimizer", List.of("_name", "adam_betas", "adam_eps", "weight_decay"));
        s.put("lr_scheduler", List.of("_name", "warmup_updates", "end_learning_rate", "power", "total_num_update"));
        s.put("model", List.of("_name", "label_rate", "skip_masked", "skip_nomask", "mask_prob", "mask_length",
                "mask_min_masks", "extractor_mode", "conv_feature_layers", "conv_bias", "encoder_layers",
                "encoder_embed_dim", "encoder_ffn_embed_dim", "encoder_attention_heads", "layer_norm_first",
                "conv_pos", "conv_pos_groups", "final_dim", "encoder_layerdrop", "dropout_input", "dropout_features",
                "dropout", "attention_dropout", "activation_dropout", "feature_grad_mult", "untie_final_proj",
                "logit_temp"));
        s.put("hubert", List.of("model_preset", "num_clusters", "dataset", "label_set", "label_rates"));
        s.put("spark", List.of("use_gpu", "cpus_per_task", "data_per_rank_gb"));
        return s;
    }

    /** Loads {@code file} without overrides. */
    public static PretrainConfig load(Path file) {
        return load(file, List.of());
    }

    /**
     * Loads {@code file} and applies {@code overrides} ({@code "optimization.max_update=250000"}, values in YAML
     * syntax) before validation.
     *
     * @throws ConfigException for any invalid, unknown or missing field, naming file, line and field
     * @throws UncheckedIOException if the file cannot be read
     */
    public static PretrainConfig load(Path file, List<String> overrides) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read pre-training config " + file + ": " + e.getMessage(), e);
        }
        return parse(file.toString(), text, overrides);
    }

    /**
     * Parses YAML {@code text}; {@code source} names it in error messages.
     *
     * @throws ConfigException for any invalid, unknown or missing field
     */
    public static PretrainConfig parse(String source, String text, List<String> overrides) {
        PretrainConfigLoader l = new PretrainConfigLoader(source, YamlSubset.parse(source, text));
        for (String o : overrides) {
            l.applyOverride(o);
        }
        return l.read();
    }

    private void applyOverride(String override) {
        int eq = override.indexOf('=');
        String src = "override '" + override + "'";
        if (eq <= 0) {
            throw new ConfigException(src, 0, "", "expected section.field=value, found no '='");
        }
        String path = override.substring(0, eq).strip();
        int dot = path.indexOf('.');
        if (dot <= 0 || dot != path.lastIndexOf('.')) {
            throw new ConfigException(src, 0, path, "expected a path of the form section.field, found '" + path + "'");
        }
        String section = path.substring(0, dot);
        String field = path.substring(dot + 1);
        checkKnown(section, field, 0, src);
        Node value = YamlSubset.parseValue(src, override.substring(eq + 1));
        Node sec = root.map().get(section);
        if (sec == null || !sec.isMap()) {
            sec = new Node(0, new LinkedHashMap<String, Node>());
            root.map().put(section, sec);
        }
        sec.map().put(field, new Node(0, value.value()));
        overrideText.put(path, src);
    }

    private PretrainConfig read() {
        for (Map.Entry<String, Node> e : root.map().entrySet()) {
            String section = e.getKey();
            if (!SCHEMA.containsKey(section)) {
                throw new ConfigException(source, e.getValue().line(), section,
                        "expected a section among " + SCHEMA.keySet() + ", found unknown section '" + section + "'"
                                + suggest(section, SCHEMA.keySet(), null));
            }
            if (!e.getValue().isMap()) {
                throw err(section, e.getValue(), "a mapping of fields", e.getValue().describe());
            }
            for (Map.Entry<String, Node> f : e.getValue().map().entrySet()) {
                checkKnown(section, f.getKey(), f.getValue().line(), source);
            }
        }
        for (String path : REQUIRED) {
            if (node(path) == null) {
                throw new ConfigException(source, 0, path, "expected a value (required field), found none");
            }
        }
        for (Map.Entry<String, String> e : NAMES.entrySet()) {
            String v = string(e.getKey(), e.getValue());
            if (!v.equals(e.getValue())) {
                throw err(e.getKey(), node(e.getKey()), "'" + e.getValue() + "'", "'" + v + "'");
            }
        }

        HubertConfig model = readModel();
        PretrainConfig.Builder b = PretrainConfig.builder(model)
                .modelPreset(string("hubert.model_preset", null))
                .skipMasked(bool("model.skip_masked", false))
                .skipNomask(bool("model.skip_nomask", false))
                .untieFinalProj(bool("model.untie_final_proj", true))
                .seed(integer("common.seed", 1))
                .fp16(bool("common.fp16", false))
                .logInterval(int32("common.log_interval", 100))
                .checkpointDir(string("checkpoint.dir", null))
                .saveIntervalUpdates(int32("checkpoint.save_interval_updates", 0))
                .keepIntervalUpdates(int32("checkpoint.keep_interval_updates", -1))
                .noEpochCheckpoints(bool("checkpoint.no_epoch_checkpoints", false))
                .worldSize(int32("distributed_training.distributed_world_size", 1))
                .nprocsPerNode(int32("distributed_training.nprocs_per_node", 1))
                .maxSampleSize(int32("task.max_sample_size", 250_000))
                .minSampleSize(int32("task.min_sample_size", 32_000))
                .padAudio(bool("task.pad_audio", false))
                .randomCrop(bool("task.random_crop", true))
                .maxTokens(integer("dataset.max_tokens", 0))
                .requiredBatchSizeMultiple(int32("dataset.required_batch_size_multiple", 8))
                .skipInvalidSizeInputsValidTest(bool("dataset.skip_invalid_size_inputs_valid_test", false))
                .validateIntervalUpdates(int32("dataset.validate_interval_updates", 0))
                .maxUpdate(int32("optimization.max_update", 0))
                .lr(doubles("optimization.lr", null))
                .updateFreq(ints("optimization.update_freq", List.of(1)))
                .clipNorm(dbl("optimization.clip_norm", 0.0))
                .adamEps(dbl("optimizer.adam_eps", 1e-8))
                .weightDecay(dbl("optimizer.weight_decay", 0.0))
                .warmupUpdates(int32("lr_scheduler.warmup_updates", 0))
                .endLearningRate(dbl("lr_scheduler.end_learning_rate", 0.0))
                .power(dbl("lr_scheduler.power", 1.0))
                .totalNumUpdate(int32("lr_scheduler.total_num_update", 0))
                .dataset(string("hubert.dataset", null))
                .labelSet(labelSets())
                .useGpu(bool("spark.use_gpu", false))
                .cpusPerTask(int32("spark.cpus_per_task", 1))
                .dataPerRankGb(dbl("spark.data_per_rank_gb", 4.0));
        double[] betas = betas("optimizer.adam_betas");
        b.adamBetas(betas[0], betas[1]);
        int taskRate = int32("task.label_rate", model.labelRate());
        if (taskRate != model.labelRate()) {
            throw err("task.label_rate", node("task.label_rate"),
                    "the value of model.label_rate (" + model.labelRate() + ")", taskRate);
        }
        try {
            return b.build();
        } catch (ConfigException e) {
            throw locate(e);
        }
    }

    private HubertConfig readModel() {
        String preset = string("hubert.model_preset", null);
        HubertConfig p = switch (preset) {
            case "base" -> HubertConfig.base();
            case "large" -> HubertConfig.large();
            case "xlarge" -> HubertConfig.xlarge();
            case "tiny" -> HubertConfig.tiny();
            default -> throw err("hubert.model_preset", node("hubert.model_preset"),
                    "one of " + PretrainConfig.PRESETS, "'" + preset + "'");
        };
        HubertConfig.Builder m = p.toBuilder();
        if (node("model.extractor_mode") != null) {
            String mode = string("model.extractor_mode", null);
            try {
                m.extractorMode(ExtractorMode.parse(mode));
            } catch (IllegalArgumentException e) {
                throw err("model.extractor_mode", node("model.extractor_mode"), "default or layer_norm",
                        "'" + mode + "'");
            }
        }
        if (node("model.conv_feature_layers") != null) {
            m.convLayers(convLayers("model.conv_feature_layers"));
        }
        int labelRate = int32("model.label_rate", p.labelRate());
        if (labelRate != 50 && labelRate != 100) {
            throw err("model.label_rate", node("model.label_rate"), "50 or 100", labelRate);
        }
        double maskProb = dbl("model.mask_prob", p.maskProb());
        if (!(maskProb >= 0 && maskProb <= 1)) {
            throw err("model.mask_prob", node("model.mask_prob"), "a value in [0, 1]", maskProb);
        }
        List<Double> lossWeights = doubles("criterion.loss_weights", List.of((double) p.featurePenWeight()));
        if (lossWeights.size() != 1) {
            throw err("criterion.loss_weights", node("criterion.loss_weights"),
                    "one weight (features_pen), like [10,]", lossWeights);
        }
        int numClasses = p.numClasses();
        List<Integer> clusters = List.of();
        if (node("hubert.num_clusters") != null) {
            Node n = node("hubert.num_clusters");
            clusters = n.isList() ? ints("hubert.num_clusters", List.of()) : List.of(int32("hubert.num_clusters", 0));
            for (int k : clusters) {
                if (k < 1) {
                    throw err("hubert.num_clusters", n, "cluster counts >= 1", k);
                }
            }
            if (clusters.isEmpty()) {
                throw err("hubert.num_clusters", n, "a cluster count or one per label set", "an empty list");
            }
            numClasses = clusters.get(0) + 4;
        }
        List<Integer> rates = ints("hubert.label_rates", null);
        if (rates != null) {
            for (int r : rates) {
                if (r != 50 && r != 100) {
                    throw err("hubert.label_rates", node("hubert.label_rates"), "rates of 50 or 100 Hz", r);
                }
            }
            if (rates.size() != clusters.size()) {
                throw err("hubert.label_rates", node("hubert.label_rates"), "one rate per entry of hubert.num_clusters ("
                        + clusters.size() + ")", rates.size() + " rates");
            }
            if (rates.get(0) != labelRate) {
                throw err("hubert.label_rates", node("hubert.label_rates"), "the first set at model.label_rate ("
                        + labelRate + " Hz)", rates.get(0));
            }
        }
        m.convBias(bool("model.conv_bias", p.convBias()))
                .encoder(int32("model.encoder_layers", p.numLayers()), int32("model.encoder_embed_dim", p.embedDim()),
                        int32("model.encoder_ffn_embed_dim", p.ffnDim()),
                        int32("model.encoder_attention_heads", p.numHeads()))
                .layerNormFirst(bool("model.layer_norm_first", p.layerNormFirst()))
                .posConv(int32("model.conv_pos", p.posConvKernel()), int32("model.conv_pos_groups", p.posConvGroups()))
                .finalDim(int32("model.final_dim", p.finalDim()))
                .layerDrop(flt("model.encoder_layerdrop", p.layerDrop()))
                .dropouts(flt("model.dropout", p.dropout()), flt("model.attention_dropout", p.attentionDropout()),
                        flt("model.activation_dropout", p.activationDropout()),
                        flt("model.dropout_input", p.dropoutInput()),
                        flt("model.dropout_features", p.dropoutFeatures()))
                .featureGradMult(flt("model.feature_grad_mult", p.featureGradMult()))
                .logitTemp(flt("model.logit_temp", p.logitTemp()))
                .masking((float) maskProb, int32("model.mask_length", p.maskLength()),
                        int32("model.mask_min_masks", p.minMasks()))
                .labelRate(labelRate)
                .sampleRate(int32("task.sample_rate", p.sampleRate()))
                .normalize(bool("task.normalize", p.normalize()))
                .lossWeights(flt("criterion.pred_masked_weight", p.predMaskedWeight()),
                        flt("criterion.pred_nomask_weight", p.predNomaskWeight()), lossWeights.get(0).floatValue())
                .skip(bool("model.skip_masked", false), bool("model.skip_nomask", false))
                .numClasses(numClasses);
        if (clusters.size() > 1) {
            List<Integer> classes = new ArrayList<>();
            clusters.forEach(k -> classes.add(k + 4)); // fairseq: one Dictionary (4 specials + K) per label set
            m.labelSets(classes, rates != null ? rates : java.util.Collections.nCopies(clusters.size(), labelRate));
        }
        try {
            return m.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, root.map().get("model") == null ? 0 : root.map().get("model").line(),
                    "model", "expected a consistent model (preset '" + preset + "' with the model section applied): "
                            + e.getMessage());
        }
    }

    /** {@code hubert.label_set}: one tag or ensemble name, or a list of them; kept comma-joined (tags hold no comma). */
    private String labelSets() {
        Node n = node("hubert.label_set");
        if (n == null || !n.isList()) {
            return string("hubert.label_set", null);
        }
        List<String> names = new ArrayList<>();
        for (Node item : list("hubert.label_set", n, "a label-set tag or a list of tags like [mfcc-k50, mfcc-k100]")) {
            Scalar s = scalar("hubert.label_set", item, "label-set tags");
            if (s.isNull() || s.text().isBlank() || s.text().contains(",")) {
                throw err("hubert.label_set", item, "label-set tags or ensemble names", "'" + s.text() + "'");
            }
            names.add(s.text());
        }
        if (names.isEmpty()) {
            throw err("hubert.label_set", n, "at least one label set", "an empty list");
        }
        return String.join(",", names);
    }

    // ---------------------------------------------------------------- typed access

    private Node node(String path) {
        int dot = path.indexOf('.');
        Node sec = root.map().get(path.substring(0, dot));
        if (sec == null || !sec.isMap()) {
            return null;
        }
        Node n = sec.map().get(path.substring(dot + 1));
        return n == null ? null : resolve(path, n, 0);
    }

    private Node resolve(String path, Node n, int depth) {
        if (n.value() instanceof Scalar s && !s.quoted()) {
            Matcher m = INTERPOLATION.matcher(s.text());
            if (m.matches()) {
                String target = m.group(1);
                if (depth > 8 || target.equals(path)) {
                    throw err(path, n, "an interpolation that resolves to a value", "a cycle via ${" + target + "}");
                }
                int dot = target.indexOf('.');
                Node sec = dot <= 0 ? null : root.map().get(target.substring(0, dot));
                Node t = sec == null || !sec.isMap() ? null : sec.map().get(target.substring(dot + 1));
                if (t == null) {
                    throw err(path, n, "${" + target + "} to name a field that is set", "no such value");
                }
                Node r = resolve(target, t, depth + 1);
                return new Node(n.line(), r.value());
            }
        }
        return n;
    }

    private Scalar scalar(String path, Node n, String expected) {
        if (!(n.value() instanceof Scalar s)) {
            throw err(path, n, expected, n.describe());
        }
        return s;
    }

    private String string(String path, String dflt) {
        Node n = node(path);
        if (n == null) {
            return dflt;
        }
        Scalar s = scalar(path, n, "a string");
        if (s.isNull()) {
            if (REQUIRED.contains(path)) {
                throw err(path, n, "a value (required field)", "nothing");
            }
            return dflt;
        }
        return s.text();
    }

    private boolean bool(String path, boolean dflt) {
        Node n = node(path);
        if (n == null) {
            return dflt;
        }
        Scalar s = scalar(path, n, "true or false");
        return switch (s.quoted() ? "" : s.text()) {
            case "true", "True", "TRUE" -> true;
            case "false", "False", "FALSE" -> false;
            default -> throw err(path, n, "true or false", "'" + s.text() + "'");
        };
    }

    private long integer(String path, long dflt) {
        Node n = node(path);
        if (n == null) {
            return dflt;
        }
        return parseLong(path, n, scalar(path, n, "an integer"));
    }

    private long parseLong(String path, Node n, Scalar s) {
        if (s.quoted() || !INT.matcher(s.text()).matches()) {
            throw err(path, n, "an integer", "'" + s.text() + "'");
        }
        try {
            return Long.parseLong(s.text());
        } catch (NumberFormatException e) {
            throw err(path, n, "an integer within 64 bits", "'" + s.text() + "'");
        }
    }

    private int int32(String path, int dflt) {
        long v = integer(path, dflt);
        if (v != (int) v) {
            throw err(path, node(path), "an integer within 32 bits", v);
        }
        return (int) v;
    }

    private double dbl(String path, double dflt) {
        Node n = node(path);
        if (n == null) {
            return dflt;
        }
        return parseDouble(path, n, scalar(path, n, "a number"));
    }

    private float flt(String path, float dflt) {
        return (float) dbl(path, dflt);
    }

    private double parseDouble(String path, Node n, Scalar s) {
        String t = s.text();
        if (!s.quoted() && !t.isEmpty() && (Character.isDigit(t.charAt(0)) || "+-.".indexOf(t.charAt(0)) >= 0)) {
            try {
                double v = Double.parseDouble(t);
                if (Double.isFinite(v) && !t.endsWith("d") && !t.endsWith("f") && !t.endsWith("D")
                        && !t.endsWith("F")) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw err(path, n, "a number", "'" + t + "'");
    }

    private List<Node> list(String path, Node n, String expected) {
        if (!n.isList()) {
            throw err(path, n, expected, n.describe());
        }
        if (n.list().isEmpty()) {
            throw err(path, n, expected, "an empty list");
        }
        return n.list();
    }

    private List<Double> doubles(String path, List<Double> dflt) {
        Node n = node(path);
        if (n == null) {
            return dflt;
        }
        List<Double> out = new ArrayList<>();
        for (Node item : list(path, n, "a list of numbers like [0.0005]")) {
            out.add(parseDouble(path, item, scalar(path, item, "a list of numbers")));
        }
        return out;
    }

    private List<Integer> ints(String path, List<Integer> dflt) {
        Node n = node(path);
        if (n == null) {
            return dflt;
        }
        List<Integer> out = new ArrayList<>();
        for (Node item : list(path, n, "a list of integers like [1]")) {
            long v = parseLong(path, item, scalar(path, item, "a list of integers"));
            if (v != (int) v) {
                throw err(path, item, "integers within 32 bits", v);
            }
            out.add((int) v);
        }
        return out;
    }

    /** fairseq writes {@code adam_betas: (0.9,0.98)} (a string evaluated by Python); a list is accepted too. */
    private double[] betas(String path) {
        Node n = node(path);
        if (n == null) {
            return new double[] {0.9, 0.999};
        }
        String expected = "two numbers like (0.9,0.98) or [0.9, 0.98]";
        List<String> parts = new ArrayList<>();
        if (n.isList()) {
            for (Node item : n.list()) {
                parts.add(scalar(path, item, expected).text());
            }
        } else {
            String t = scalar(path, n, expected).text().strip();
            if (!t.startsWith("(") || !t.endsWith(")")) {
                throw err(path, n, expected, "'" + t + "'");
            }
            for (String s : t.substring(1, t.length() - 1).split(",", -1)) {
                parts.add(s.strip());
            }
        }
        if (parts.size() != 2) {
            throw err(path, n, expected, n.describe());
        }
        double[] out = new double[2];
        for (int i = 0; i < 2; i++) {
            out[i] = parseDouble(path, n, new Scalar(parts.get(i), false));
        }
        return out;
    }

    /**
     * fairseq's {@code conv_feature_layers} string, e.g. {@code [(512,10,5)] + [(512,3,2)] * 4 + [(512,2,2)] * 2}:
     * a sum of lists of {@code (channels, kernel, stride)} tuples, each optionally repeated.
     */
    private List<ConvLayerSpec> convLayers(String path) {
        Node n = node(path);
        String text = scalar(path, n, "a string like '[(512,10,5)] + [(512,3,2)] * 4'").text();
        String expected = "a sum of [(channels,kernel,stride), ...] lists, each optionally '* count', like "
                + "'[(512,10,5)] + [(512,3,2)] * 4 + [(512,2,2)] * 2'";
        String compact = text.replaceAll("\\s+", "");
        List<ConvLayerSpec> out = new ArrayList<>();
        Pattern term = Pattern.compile("\\[((?:\\(\\d+,\\d+,\\d+\\),?)+)](?:\\*(\\d+))?");
        Pattern tuple = Pattern.compile("\\((\\d+),(\\d+),(\\d+)\\)");
        for (String t : compact.split("\\+", -1)) {
            Matcher m = term.matcher(t);
            if (!m.matches()) {
                throw err(path, n, expected, "'" + text + "'");
            }
            List<ConvLayerSpec> group = new ArrayList<>();
            Matcher tm = tuple.matcher(m.group(1));
            while (tm.find()) {
                try {
                    group.add(new ConvLayerSpec(Integer.parseInt(tm.group(1)), Integer.parseInt(tm.group(2)),
                            Integer.parseInt(tm.group(3))));
                } catch (IllegalArgumentException e) {
                    throw err(path, n, "positive (channels,kernel,stride) values", "'" + tm.group() + "'");
                }
            }
            int times = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
            if (times < 1) {
                throw err(path, n, "a repeat count >= 1", "'" + text + "'");
            }
            for (int i = 0; i < times; i++) {
                out.addAll(group);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- errors

    private void checkKnown(String section, String field, int line, String src) {
        List<String> fields = SCHEMA.get(section);
        if (fields == null) {
            throw new ConfigException(src, line, section + "." + field, "expected a section among " + SCHEMA.keySet()
                    + ", found unknown section '" + section + "'" + suggest(section, SCHEMA.keySet(), null));
        }
        if (!fields.contains(field)) {
            throw new ConfigException(src, line, section + "." + field, "expected one of the fields of '" + section
                    + "' " + fields + ", found unknown field '" + field + "'" + suggest(field, fields, section));
        }
    }

    /** " (did you mean X?)" for the nearest known name, or the same field in another section; else "". */
    static String suggest(String name, Iterable<String> candidates, String section) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = levenshtein(name, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        if (best != null && bestDistance <= Math.max(2, name.length() / 3)) {
            return " (did you mean '" + best + "'?)";
        }
        for (String c : candidates) {
            if (name.length() >= 4 && (c.startsWith(name) || name.startsWith(c))) {
                return " (did you mean '" + c + "'?)";
            }
        }
        if (section != null) {
            for (Map.Entry<String, List<String>> e : SCHEMA.entrySet()) {
                if (!e.getKey().equals(section) && e.getValue().contains(name)) {
                    return " (did you mean '" + e.getKey() + "." + name + "'?)";
                }
            }
        }
        return "";
    }

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private ConfigException err(String path, Node n, String expected, Object found) {
        String src = overrideText.getOrDefault(path, source);
        return new ConfigException(src, n == null ? 0 : n.line(), path, "expected " + expected + ", found " + found);
    }

    /** Ties a builder error to the file and the line of its field. */
    private ConfigException locate(ConfigException e) {
        String path = e.path();
        Node n = path == null || path.indexOf('.') <= 0 ? null : node(path);
        if (n == null && "common.fp16".equals(path)) {
            n = node("spark.use_gpu");
        }
        return e.at(overrideText.getOrDefault(path, source), n == null ? 0 : n.line());
    }

    /** Every field path the loader knows ({@code section.field}). */
    static Set<String> knownPaths() {
        Set<String> s = new HashSet<>();
        SCHEMA.forEach((sec, fields) -> fields.forEach(f -> s.add(sec + "." + f)));
        return s;
    }
}
