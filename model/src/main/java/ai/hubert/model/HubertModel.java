package ai.hubert.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.encoder.ConvFeatureExtractor;
import ai.hubert.model.encoder.TransformerEncoder;
import ai.hubert.model.nn.Dropout;
import ai.hubert.model.nn.GradMultiply;
import ai.hubert.model.nn.LayerNorm;
import ai.hubert.model.nn.Linear;
import ai.hubert.model.nn.Weights;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * HuBERT (fairseq {@code HubertModel}) on DJL's PyTorch engine: parameters in a name-to-{@link Parameter} map keyed
 * by fairseq state-dict names, forward pass written from NDArray operations (hubert-spec.md sections 5.2 and 5.3).
 *
 * <p>Memory: the parameters live in a manager owned by this model. Run every step inside
 * {@link #newStepManager()}: it borrows the parameter arrays, so every temporary of the step (including arrays
 * derived from parameters and gradient views) is freed when the step manager closes. Use one step manager at a
 * time. Gradients are collected with DJL's {@code GradientCollector}; the parameter arrays require gradients.
 */
public final class HubertModel implements AutoCloseable {

    /** Key of the mask embedding. */
    public static final String MASK_EMB = "mask_emb";
    /** Key of the label embeddings (C x final_dim; with several label sets their tables stacked in set order). */
    public static final String LABEL_EMBS = "label_embs_concat";

    private final HubertConfig config;
    private final NDManager manager;
    private final Map<String, Parameter> parameters;
    private final ConvFeatureExtractor extractor;
    private final TransformerEncoder encoder;
    private final Weights weights;
    private Random layerDropRandom;

    private final long seed;

    private HubertModel(HubertConfig config, NDManager manager, Map<String, Parameter> parameters, long seed) {
        this.config = config;
        this.manager = manager;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.extractor = new ConvFeatureExtractor(config);
        this.encoder = new TransformerEncoder(config);
        this.seed = seed;
        this.layerDropRandom = new Random(seed ^ 0x5DEECE66DL);
        this.weights = key -> {
            Parameter p = this.parameters.get(key);
            if (p == null) {
                throw new IllegalArgumentException("No parameter '" + key + "' in this model");
            }
            return p.getArray();
        };
    }

    /**
     * Parameter names and shapes of a model with {@code config}, in fairseq state-dict order
     * (hubert-spec.md section 9.1). {@code post_extract_proj} exists only when the embedding dimension differs from
     * the conv channels, as in fairseq.
     */
    public static Map<String, Shape> layout(HubertConfig config) {
        Map<String, Shape> layout = new LinkedHashMap<>();
        layout.put(MASK_EMB, new Shape(config.embedDim()));
        new ConvFeatureExtractor(config).declare(layout);
        layout.put("layer_norm.weight", new Shape(config.featureDim()));
        layout.put("layer_norm.bias", new Shape(config.featureDim()));
        if (hasPostExtractProj(config)) {
            layout.put("post_extract_proj.weight", new Shape(config.embedDim(), config.featureDim()));
            layout.put("post_extract_proj.bias", new Shape(config.embedDim()));
        }
        new TransformerEncoder(config).declare(layout);
        layout.put("final_proj.weight", new Shape(config.finalProjDim(), config.embedDim()));
        layout.put("final_proj.bias", new Shape(config.finalProjDim()));
        layout.put(LABEL_EMBS, new Shape(config.numClasses(), config.finalDim()));
        return layout;
    }

    /** Total number of scalar parameters of a model with {@code config} (no allocation). */
    public static long parameterCount(HubertConfig config) {
        return layout(config).values().stream().mapToLong(Shape::size).sum();
    }

    private static boolean hasPostExtractProj(HubertConfig config) {
        return config.embedDim() != config.featureDim();
    }

    /**
     * Creates a model with fairseq's from-scratch initialisation (section 5.4) drawn from {@code seed}.
     *
     * @param parent manager that will own the model's sub-manager
     * @param config configuration
     * @param seed seed of the initial weights and of LayerDrop decisions
     */
    public static HubertModel create(NDManager parent, HubertConfig config, long seed) {
        NDManager m = parent.newSubManager();
        HubertInitializer init = new HubertInitializer(config, seed);
        Map<String, Shape> layout = layout(config);
        Map<String, float[]> done = new HashMap<>();
        for (Map.Entry<String, Shape> e : layout.entrySet()) {
            if (!e.getKey().endsWith("weight_g")) { // g is derived from weight_v: second pass
                done.put(e.getKey(), init.values(e.getKey(), e.getValue(), done));
            }
        }
        Map<String, Parameter> params = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : layout.entrySet()) {
            float[] values = done.computeIfAbsent(e.getKey(), k -> init.values(k, e.getValue(), done));
            params.put(e.getKey(), parameter(e.getKey(), m.create(values, e.getValue())));
        }
        return new HubertModel(config, m, params, seed);
    }

    /**
     * Creates a model holding copies of {@code state} (fairseq keys, float arrays of the layout's shapes).
     *
     * @throws IllegalArgumentException listing missing keys, unexpected keys and shape mismatches
     */
    public static HubertModel fromStateDict(NDManager parent, HubertConfig config, Map<String, NDArray> state) {
        validate(config, state, Set.of());
        NDManager m = parent.newSubManager();
        Map<String, Parameter> params = new LinkedHashMap<>();
        for (String key : layout(config).keySet()) {
            params.put(key, parameter(key, copyInto(m, state.get(key))));
        }
        return new HubertModel(config, m, params, 0L);
    }

    /**
     * Creates a working copy of this model's parameters in {@code dtype} (e.g. float16 for fairseq-style mixed
     * precision: the copy computes forward and backward, the float32 original stays the optimizer's master copy).
     * The copy shares the configuration and LayerDrop seed; refresh it with {@link #copyParametersFrom} after each
     * update of the master.
     */
    public HubertModel workingCopy(NDManager parent, DataType dtype) {
        NDManager m = parent.newSubManager();
        Map<String, Parameter> params = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            NDArray copy = e.getValue().getArray().toType(dtype, true);
            if (copy.getDataType() == DataType.FLOAT32) {
                copy = copy.duplicate(); // toType(FLOAT32, copy=true) on float32 returns an alias
            }
            copy.attach(m);
            params.put(e.getKey(), parameter(e.getKey(), copy));
        }
        return new HubertModel(config, m, params, seed);
    }

    /**
     * Overwrites every parameter with {@code source}'s value of the same key, converted to this model's dtype (no
     * gradient is recorded).
     *
     * @throws IllegalArgumentException if the two models have different layouts
     */
    public void copyParametersFrom(HubertModel source) {
        if (!source.parameters.keySet().equals(parameters.keySet())) {
            throw new IllegalArgumentException("Expected models of the same layout, found " + parameters.size()
                    + " and " + source.parameters.size() + " parameters");
        }
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            NDArray target = e.getValue().getArray();
            NDArray src = source.parameters.get(e.getKey()).getArray();
            try (NDManager scratch = manager.newSubManager()) {
                scratch.tempAttachAll(src);
                target.set(new ai.djl.ndarray.index.NDIndex("..."), src.toType(target.getDataType(), false));
            }
        }
    }

    private static NDArray copyInto(NDManager m, NDArray src) {
        // A real copy: DJL's toType(FLOAT32, copy=true) on a float32 array returns an alias, and arrays read
        // from a checkpoint may view a direct buffer that is freed after loading.
        NDArray copy = src.getDataType() == DataType.FLOAT32 ? src.duplicate() : src.toType(DataType.FLOAT32, true);
        copy.attach(m);
        return copy;
    }

    private static Parameter parameter(String key, NDArray array) {
        array.setName(key);
        array.setRequiresGradient(true);
        Parameter.Type type = key.endsWith("bias") ? Parameter.Type.BIAS
                : key.endsWith("weight") || key.endsWith("weight_v") ? Parameter.Type.WEIGHT : Parameter.Type.OTHER;
        return Parameter.builder().setName(key).setType(type).optArray(array).build();
    }

    /**
     * Checks {@code state} against the layout of {@code config}.
     *
     * @param optional keys that may be absent
     * @throws IllegalArgumentException naming every missing key, unexpected key and shape mismatch
     */
    static void validate(HubertConfig config, Map<String, NDArray> state, Set<String> optional) {
        Map<String, Shape> layout = layout(config);
        Set<String> missing = new TreeSet<>();
        Set<String> unexpected = new TreeSet<>(state.keySet());
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, Shape> e : layout.entrySet()) {
            NDArray a = state.get(e.getKey());
            unexpected.remove(e.getKey());
            if (a == null) {
                if (!optional.contains(e.getKey())) {
                    missing.add(e.getKey());
                }
            } else if (!a.getShape().equals(e.getValue())) {
                mismatched.add(e.getKey() + " expected " + e.getValue() + " found " + a.getShape());
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            throw new IllegalArgumentException("State dict does not match the model layout: missing keys "
                    + missing + "; unexpected keys " + unexpected + "; shape mismatches " + mismatched);
        }
    }

    /** Returns the configuration. */
    public HubertConfig config() {
        return config;
    }

    /** Returns the manager that owns the parameters. */
    public NDManager manager() {
        return manager;
    }

    /** Parameters by fairseq key, in state-dict order (unmodifiable). */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /** Parameter lookup used by the blocks. */
    public Weights weights() {
        return weights;
    }

    /**
     * Returns the live parameter arrays by fairseq key (no copies; do not close them).
     */
    public Map<String, NDArray> stateDict() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        parameters.forEach((k, p) -> out.put(k, p.getArray()));
        return out;
    }

    /**
     * Copies {@code state} into the parameters (strict: same keys and shapes as {@link #layout}).
     *
     * @throws IllegalArgumentException listing missing keys, unexpected keys and shape mismatches
     */
    public void loadStateDict(Map<String, NDArray> state) {
        loadStateDict(state, Set.of());
    }

    /**
     * Copies {@code state} into the parameters; keys in {@code optional} may be absent and keep their values.
     *
     * @throws IllegalArgumentException listing missing keys, unexpected keys and shape mismatches
     */
    public void loadStateDict(Map<String, NDArray> state, Set<String> optional) {
        validate(config, state, optional);
        for (Map.Entry<String, NDArray> e : state.entrySet()) {
            NDArray target = parameters.get(e.getKey()).getArray();
            NDArray src = e.getValue();
            if (src.getDataType() == DataType.FLOAT32) {
                target.set(src.toFloatArray());
            } else {
                try (NDArray converted = src.toType(DataType.FLOAT32, true)) {
                    target.set(converted.toFloatArray());
                }
            }
        }
    }

    /**
     * Opens a step scope: a sub-manager that temporarily holds the parameter arrays, so that everything computed
     * in the step (also from parameters) is freed on close, after which the parameters return to the model.
     */
    public NDManager newStepManager() {
        NDManager step = manager.newSubManager();
        step.tempAttachAll(parameters.values().stream().map(Parameter::getArray).toArray(NDArray[]::new));
        return step;
    }

    /** Replaces the LayerDrop random source (LayerDrop keeps a layer iff {@code nextDouble() > layerdrop}). */
    public void setLayerDropRandom(Random random) {
        this.layerDropRandom = random;
    }

    /**
     * Conv feature extractor followed by GradMultiply({@code feature_grad_mult}).
     *
     * @param waveform {@code [B, L]} float32
     * @return features {@code [B, C, T]}
     */
    public NDArray features(NDArray waveform) {
        return GradMultiply.apply(extractor.forward(weights, waveform), config.featureGradMult());
    }

    /**
     * Feature LayerNorm, {@code post_extract_proj} and {@code dropout_input}.
     *
     * @param features {@code [B, C, T]}
     * @param training enables dropout
     * @return {@code [B, T, D]}
     */
    public NDArray project(NDArray features, boolean training) {
        NDArray x = LayerNorm.apply(features.transpose(0, 2, 1), weights.get("layer_norm.weight"),
                weights.get("layer_norm.bias"), config.layerNormEps());
        if (hasPostExtractProj(config)) {
            x = Linear.apply(x, weights.get("post_extract_proj.weight"), weights.get("post_extract_proj.bias"));
        }
        return Dropout.apply(x, config.dropoutInput(), training);
    }

    /**
     * Replaces masked frames by the mask embedding ({@code x[mask] = mask_emb}).
     *
     * @param x {@code [B, T, D]}
     * @param mask boolean {@code [B, T]}
     * @return {@code [B, T, D]}
     */
    public NDArray applyMask(NDArray x, NDArray mask) {
        Shape s = x.getShape();
        if (!mask.getShape().equals(new Shape(s.get(0), s.get(1)))) {
            throw new IllegalArgumentException("Expected mask [" + s.get(0) + ", " + s.get(1) + "], found "
                    + mask.getShape());
        }
        NDArray cond = mask.toType(DataType.BOOLEAN, false).expandDims(2).broadcast(s);
        return NDArrays.where(cond, weights.get(MASK_EMB).broadcast(s), x);
    }

    /**
     * Transformer encoder.
     *
     * @param x {@code [B, T, D]}
     * @param training enables dropout and LayerDrop
     * @param outputLayer 1-based layer to stop after (no final LayerNorm), 0 for the full stack
     * @param hiddenStates receives the layer input and each layer output when not null
     */
    public NDArray encode(NDArray x, boolean training, int outputLayer, List<NDArray> hiddenStates) {
        return encoder.forward(weights, x, training, outputLayer, layerDropRandom, hiddenStates);
    }

    /**
     * Inference features (fairseq {@code extract_features(output_layer=layer)}): no masking, no dropout, stops after
     * transformer layer {@code layer} (1-based); {@code layer == 0} runs the full stack (with the final LayerNorm of
     * pre-LN models).
     *
     * @param waveform {@code [B, L]} float32
     * @return {@code [B, T, D]}
     */
    public NDArray extract(NDArray waveform, int layer) {
        return encode(project(features(waveform), false), false, layer, null);
    }

    /**
     * Inference hidden states: index 0 is the transformer input (after the positional conv, and LayerNorm for
     * post-LN models), index i the output of layer i.
     */
    public List<NDArray> hiddenStates(NDArray waveform) {
        List<NDArray> out = new ArrayList<>();
        encode(project(features(waveform), false), false, config.numLayers(), out);
        return out;
    }

    /** Resets every parameter gradient to zero (gradients accumulate across backward calls). */
    public void zeroGradients() {
        for (Parameter p : parameters.values()) {
            NDArray a = p.getArray();
            if (a.hasGradient()) {
                JniUtils.zeroGrad((PtNDArray) a);
            }
        }
    }

    /** Frees the parameters. */
    @Override
    public void close() {
        manager.close();
    }
}
