package ai.hubert.model.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Immutable HuBERT model and pre-training-head configuration (fairseq {@code HubertConfig} field names in JSON).
 *
 * <p>Use {@link #base()}, {@link #large()}, {@link #xlarge()} or {@link #tiny()} and {@link #toBuilder()} to
 * derive variants. Values of the presets follow hubert-spec.md section 5.1.
 */
public final class HubertConfig {

    private static final List<ConvLayerSpec> STANDARD_KERNELS = List.of(
            new ConvLayerSpec(512, 10, 5), new ConvLayerSpec(512, 3, 2), new ConvLayerSpec(512, 3, 2),
            new ConvLayerSpec(512, 3, 2), new ConvLayerSpec(512, 3, 2), new ConvLayerSpec(512, 2, 2),
            new ConvLayerSpec(512, 2, 2));

    private final ExtractorMode extractorMode;
    private final List<ConvLayerSpec> convLayers;
    private final boolean convBias;
    private final int embedDim;
    private final int numLayers;
    private final int numHeads;
    private final int ffnDim;
    private final boolean layerNormFirst;
    private final int posConvKernel;
    private final int posConvGroups;
    private final float dropout;
    private final float attentionDropout;
    private final float activationDropout;
    private final float dropoutInput;
    private final float dropoutFeatures;
    private final float layerDrop;
    private final float featureGradMult;
    private final int finalDim;
    private final int numClasses;
    private final float logitTemp;
    private final float maskProb;
    private final int maskLength;
    private final int minMasks;
    private final int labelRate;
    private final int sampleRate;
    private final float featurePenWeight;
    private final float predMaskedWeight;
    private final float predNomaskWeight;
    private final float layerNormEps;
    private final boolean normalize;
    private final List<Integer> labelSetClasses;
    private final List<Integer> labelSetRates;
    private final boolean skipMasked;
    private final boolean skipNomask;

    private HubertConfig(Builder b) {
        extractorMode = Objects.requireNonNull(b.extractorMode, "extractorMode");
        convLayers = Collections.unmodifiableList(new ArrayList<>(b.convLayers));
        convBias = b.convBias;
        embedDim = b.embedDim;
        numLayers = b.numLayers;
        numHeads = b.numHeads;
        ffnDim = b.ffnDim;
        layerNormFirst = b.layerNormFirst;
        posConvKernel = b.posConvKernel;
        posConvGroups = b.posConvGroups;
        dropout = b.dropout;
        attentionDropout = b.attentionDropout;
        activationDropout = b.activationDropout;
        dropoutInput = b.dropoutInput;
        dropoutFeatures = b.dropoutFeatures;
        layerDrop = b.layerDrop;
        featureGradMult = b.featureGradMult;
        finalDim = b.finalDim;
        numClasses = b.numClasses;
        logitTemp = b.logitTemp;
        maskProb = b.maskProb;
        maskLength = b.maskLength;
        minMasks = b.minMasks;
        labelRate = b.labelRate;
        sampleRate = b.sampleRate;
        featurePenWeight = b.featurePenWeight;
        predMaskedWeight = b.predMaskedWeight;
        predNomaskWeight = b.predNomaskWeight;
        layerNormEps = b.layerNormEps;
        normalize = b.normalize;
        labelSetClasses = List.copyOf(b.labelSetClasses != null ? b.labelSetClasses : List.of(b.numClasses));
        labelSetRates = List.copyOf(b.labelSetRates != null ? b.labelSetRates
                : Collections.nCopies(labelSetClasses.size(), b.labelRate));
        skipMasked = b.skipMasked;
        skipNomask = b.skipNomask;
    }

    /** HuBERT Base (it2 labels: 500 clusters + 4 = 504 classes at 50 Hz). */
    public static HubertConfig base() {
        return builder().build();
    }

    /** HuBERT Large (pre-LN, layer-norm extractor, 24 x 1024). */
    public static HubertConfig large() {
        return builder()
                .extractorMode(ExtractorMode.LAYER_NORM)
                .encoder(24, 1024, 4096, 16)
                .layerNormFirst(true)
                .dropouts(0f, 0f, 0f, 0f, 0f)
                .layerDrop(0f)
                .featureGradMult(1f)
                .finalDim(768)
                .normalize(true)
                .build();
    }

    /** HuBERT X-Large (pre-LN, layer-norm extractor, 48 x 1280). */
    public static HubertConfig xlarge() {
        return large().toBuilder().encoder(48, 1280, 5120, 16).finalDim(1024).build();
    }

    /**
     * A 4 M-parameter model for tests and CPU demos: conv 128 channels x 7 layers with the standard kernels and
     * strides, 4 layers of dimension 256 with 4 heads and FFN 1024, final_dim 64, pos-conv kernel 128 / 16 groups,
     * Base layout (group-norm extractor, post-LN) otherwise.
     */
    public static HubertConfig tiny() {
        List<ConvLayerSpec> conv = new ArrayList<>();
        for (ConvLayerSpec c : STANDARD_KERNELS) {
            conv.add(new ConvLayerSpec(128, c.kernel(), c.stride()));
        }
        return builder().convLayers(conv).encoder(4, 256, 1024, 4).finalDim(64).numClasses(104).build();
    }

    /** Returns a builder preset to HuBERT Base. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public ExtractorMode extractorMode() {
        return extractorMode;
    }

    public List<ConvLayerSpec> convLayers() {
        return convLayers;
    }

    public boolean convBias() {
        return convBias;
    }

    /** Channels of the last conv layer (input of the feature LayerNorm / post_extract_proj). */
    public int featureDim() {
        return convLayers.get(convLayers.size() - 1).channels();
    }

    public int embedDim() {
        return embedDim;
    }

    public int numLayers() {
        return numLayers;
    }

    public int numHeads() {
        return numHeads;
    }

    public int ffnDim() {
        return ffnDim;
    }

    public boolean layerNormFirst() {
        return layerNormFirst;
    }

    public int posConvKernel() {
        return posConvKernel;
    }

    public int posConvGroups() {
        return posConvGroups;
    }

    public float dropout() {
        return dropout;
    }

    public float attentionDropout() {
        return attentionDropout;
    }

    public float activationDropout() {
        return activationDropout;
    }

    public float dropoutInput() {
        return dropoutInput;
    }

    public float dropoutFeatures() {
        return dropoutFeatures;
    }

    public float layerDrop() {
        return layerDrop;
    }

    public float featureGradMult() {
        return featureGradMult;
    }

    public int finalDim() {
        return finalDim;
    }

    /**
     * Number of label-embedding rows C (= k-means clusters + 4 for fairseq's dictionary specials); with several label
     * sets, the sum over the sets (rows of {@code label_embs_concat}).
     */
    public int numClasses() {
        return numClasses;
    }

    /** Number of label sets the model predicts (fairseq: one per target dictionary); 1 unless configured. */
    public int numLabelSets() {
        return labelSetClasses.size();
    }

    /**
     * Label-embedding rows per label set, in {@code label_embs_concat} order (fairseq splits the table by each
     * dictionary's length); a single entry equal to {@link #numClasses()} for one label set.
     */
    public List<Integer> labelSetClasses() {
        return labelSetClasses;
    }

    /** Label rate in Hz per label set (each set is aligned to the conv frames at its own rate, spec section 4.4). */
    public List<Integer> labelSetRates() {
        return labelSetRates;
    }

    /** First {@code label_embs_concat} row of label set {@code set}. */
    public int labelSetOffset(int set) {
        int offset = 0;
        for (int i = 0; i < set; i++) {
            offset += labelSetClasses.get(i);
        }
        return offset;
    }

    /** Rows of {@code final_proj}: {@code final_dim} per label set (fairseq {@code untie_final_proj}). */
    public int finalProjDim() {
        return finalDim * labelSetClasses.size();
    }

    /** fairseq {@code skip_masked}: masked frames get no logits and no masked loss. */
    public boolean skipMasked() {
        return skipMasked;
    }

    /** fairseq {@code skip_nomask}: unmasked frames get no logits and no unmasked loss. */
    public boolean skipNomask() {
        return skipNomask;
    }

    public float logitTemp() {
        return logitTemp;
    }

    public float maskProb() {
        return maskProb;
    }

    public int maskLength() {
        return maskLength;
    }

    public int minMasks() {
        return minMasks;
    }

    /** Label rate in Hz of the first label set (of every set unless {@link #labelSetRates()} differ). */
    public int labelRate() {
        return labelRate;
    }

    public int sampleRate() {
        return sampleRate;
    }

    public float featurePenWeight() {
        return featurePenWeight;
    }

    public float predMaskedWeight() {
        return predMaskedWeight;
    }

    public float predNomaskWeight() {
        return predNomaskWeight;
    }

    public float layerNormEps() {
        return layerNormEps;
    }

    /**
     * fairseq {@code task.normalize}: the waveform is layer-normalised over the whole utterance (no affine, eps
     * 1e-5) before the conv stack, in pre-training and in feature dumping. True for the Large and X-Large recipes.
     */
    public boolean normalize() {
        return normalize;
    }

    /** Product of the conv strides (320 for the standard stack): samples per feature frame. */
    public int totalStride() {
        int s = 1;
        for (ConvLayerSpec c : convLayers) {
            s *= c.stride();
        }
        return s;
    }

    /**
     * Number of conv frames for {@code samples} input samples ({@code 1 + floor((L - 400) / 320)} for the
     * standard stack); 0 when the input is shorter than the receptive field.
     */
    public int convFrames(long samples) {
        long t = samples;
        for (ConvLayerSpec c : convLayers) {
            if (t < c.kernel()) {
                return 0;
            }
            t = (t - c.kernel()) / c.stride() + 1;
        }
        return (int) t;
    }

    /** Serialises to JSON with fairseq field names. */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("extractor_mode", extractorMode.fairseqName());
        JsonArray conv = new JsonArray();
        for (ConvLayerSpec c : convLayers) {
            JsonArray a = new JsonArray();
            a.add(c.channels());
            a.add(c.kernel());
            a.add(c.stride());
            conv.add(a);
        }
        o.add("conv_feature_layers", conv);
        o.addProperty("conv_bias", convBias);
        o.addProperty("encoder_layers", numLayers);
        o.addProperty("encoder_embed_dim", embedDim);
        o.addProperty("encoder_ffn_embed_dim", ffnDim);
        o.addProperty("encoder_attention_heads", numHeads);
        o.addProperty("layer_norm_first", layerNormFirst);
        o.addProperty("conv_pos", posConvKernel);
        o.addProperty("conv_pos_groups", posConvGroups);
        o.addProperty("dropout", dropout);
        o.addProperty("attention_dropout", attentionDropout);
        o.addProperty("activation_dropout", activationDropout);
        o.addProperty("dropout_input", dropoutInput);
        o.addProperty("dropout_features", dropoutFeatures);
        o.addProperty("encoder_layerdrop", layerDrop);
        o.addProperty("feature_grad_mult", featureGradMult);
        o.addProperty("final_dim", finalDim);
        o.addProperty("num_classes", numClasses);
        o.addProperty("logit_temp", logitTemp);
        o.addProperty("mask_prob", maskProb);
        o.addProperty("mask_length", maskLength);
        o.addProperty("min_masks", minMasks);
        o.addProperty("label_rate", labelRate);
        o.addProperty("sample_rate", sampleRate);
        o.addProperty("feature_pen_weight", featurePenWeight);
        o.addProperty("pred_masked_weight", predMaskedWeight);
        o.addProperty("pred_nomask_weight", predNomaskWeight);
        o.addProperty("layer_norm_eps", layerNormEps);
        o.addProperty("normalize", normalize);
        o.addProperty("skip_masked", skipMasked);
        o.addProperty("skip_nomask", skipNomask);
        if (labelSetClasses.size() > 1 || labelSetRates.get(0) != labelRate) {
            JsonArray classes = new JsonArray();
            labelSetClasses.forEach(classes::add);
            o.add("label_set_classes", classes);
            JsonArray rates = new JsonArray();
            labelSetRates.forEach(rates::add);
            o.add("label_set_rates", rates);
        }
        return o.toString();
    }

    /**
     * Parses {@link #toJson()} output; absent fields keep the Base defaults.
     *
     * @param json a JSON object
     * @return the configuration
     */
    public static HubertConfig fromJson(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        Builder b = builder();
        if (o.has("extractor_mode")) {
            b.extractorMode(ExtractorMode.parse(o.get("extractor_mode").getAsString()));
        }
        if (o.has("conv_feature_layers")) {
            List<ConvLayerSpec> conv = new ArrayList<>();
            for (var e : o.getAsJsonArray("conv_feature_layers")) {
                JsonArray a = e.getAsJsonArray();
                conv.add(new ConvLayerSpec(a.get(0).getAsInt(), a.get(1).getAsInt(), a.get(2).getAsInt()));
            }
            b.convLayers(conv);
        }
        HubertConfig d = b.build();
        b.convBias(bool(o, "conv_bias", d.convBias))
                .encoder(integer(o, "encoder_layers", d.numLayers), integer(o, "encoder_embed_dim", d.embedDim),
                        integer(o, "encoder_ffn_embed_dim", d.ffnDim), integer(o, "encoder_attention_heads", d.numHeads))
                .layerNormFirst(bool(o, "layer_norm_first", d.layerNormFirst))
                .posConv(integer(o, "conv_pos", d.posConvKernel), integer(o, "conv_pos_groups", d.posConvGroups))
                .dropouts(flt(o, "dropout", d.dropout), flt(o, "attention_dropout", d.attentionDropout),
                        flt(o, "activation_dropout", d.activationDropout), flt(o, "dropout_input", d.dropoutInput),
                        flt(o, "dropout_features", d.dropoutFeatures))
                .layerDrop(flt(o, "encoder_layerdrop", d.layerDrop))
                .featureGradMult(flt(o, "feature_grad_mult", d.featureGradMult))
                .finalDim(integer(o, "final_dim", d.finalDim))
                .numClasses(integer(o, "num_classes", d.numClasses))
                .logitTemp(flt(o, "logit_temp", d.logitTemp))
                .masking(flt(o, "mask_prob", d.maskProb), integer(o, "mask_length", d.maskLength),
                        integer(o, "min_masks", d.minMasks))
                .labelRate(integer(o, "label_rate", d.labelRate))
                .sampleRate(integer(o, "sample_rate", d.sampleRate))
                .lossWeights(flt(o, "pred_masked_weight", d.predMaskedWeight),
                        flt(o, "pred_nomask_weight", d.predNomaskWeight),
                        flt(o, "feature_pen_weight", d.featurePenWeight))
                .layerNormEps(flt(o, "layer_norm_eps", d.layerNormEps))
                .normalize(bool(o, "normalize", d.normalize))
                .skip(bool(o, "skip_masked", d.skipMasked), bool(o, "skip_nomask", d.skipNomask));
        if (o.has("label_set_classes")) {
            b.labelSets(ints(o.getAsJsonArray("label_set_classes")), ints(o.getAsJsonArray("label_set_rates")));
        }
        return b.build();
    }

    private static List<Integer> ints(JsonArray a) {
        List<Integer> out = new ArrayList<>();
        if (a != null) {
            a.forEach(e -> out.add(e.getAsInt()));
        }
        return out;
    }

    private static boolean bool(JsonObject o, String key, boolean dflt) {
        return o.has(key) ? o.get(key).getAsBoolean() : dflt;
    }

    private static int integer(JsonObject o, String key, int dflt) {
        return o.has(key) ? o.get(key).getAsInt() : dflt;
    }

    private static float flt(JsonObject o, String key, float dflt) {
        return o.has(key) ? o.get(key).getAsFloat() : dflt;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HubertConfig c && c.toJson().equals(toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return "HubertConfig" + toJson();
    }

    /** Mutable builder; defaults are HuBERT Base (hubert-spec.md section 5.1). */
    public static final class Builder {
        private ExtractorMode extractorMode = ExtractorMode.GROUP_NORM;
        private List<ConvLayerSpec> convLayers = STANDARD_KERNELS;
        private boolean convBias;
        private int embedDim = 768;
        private int numLayers = 12;
        private int numHeads = 12;
        private int ffnDim = 3072;
        private boolean layerNormFirst;
        private int posConvKernel = 128;
        private int posConvGroups = 16;
        private float dropout = 0.1f;
        private float attentionDropout = 0.1f;
        private float activationDropout;
        private float dropoutInput = 0.1f;
        private float dropoutFeatures = 0.1f;
        private float layerDrop = 0.05f;
        private float featureGradMult = 0.1f;
        private int finalDim = 256;
        private int numClasses = 504;
        private float logitTemp = 0.1f;
        private float maskProb = 0.8f;
        private int maskLength = 10;
        private int minMasks = 2;
        private int labelRate = 50;
        private int sampleRate = 16000;
        private float featurePenWeight = 10f;
        private float predMaskedWeight = 1f;
        private float predNomaskWeight;
        private float layerNormEps = 1e-5f;
        private boolean normalize;
        private List<Integer> labelSetClasses;
        private List<Integer> labelSetRates;
        private boolean skipMasked;
        private boolean skipNomask;

        private Builder() {}

        private Builder(HubertConfig c) {
            extractorMode = c.extractorMode;
            convLayers = c.convLayers;
            convBias = c.convBias;
            embedDim = c.embedDim;
            numLayers = c.numLayers;
            numHeads = c.numHeads;
            ffnDim = c.ffnDim;
            layerNormFirst = c.layerNormFirst;
            posConvKernel = c.posConvKernel;
            posConvGroups = c.posConvGroups;
            dropout = c.dropout;
            attentionDropout = c.attentionDropout;
            activationDropout = c.activationDropout;
            dropoutInput = c.dropoutInput;
            dropoutFeatures = c.dropoutFeatures;
            layerDrop = c.layerDrop;
            featureGradMult = c.featureGradMult;
            finalDim = c.finalDim;
            numClasses = c.numClasses;
            logitTemp = c.logitTemp;
            maskProb = c.maskProb;
            maskLength = c.maskLength;
            minMasks = c.minMasks;
            labelRate = c.labelRate;
            sampleRate = c.sampleRate;
            featurePenWeight = c.featurePenWeight;
            predMaskedWeight = c.predMaskedWeight;
            predNomaskWeight = c.predNomaskWeight;
            layerNormEps = c.layerNormEps;
            normalize = c.normalize;
            labelSetClasses = c.labelSetClasses.size() > 1 ? c.labelSetClasses : null;
            labelSetRates = c.labelSetClasses.size() > 1 ? c.labelSetRates : null;
            skipMasked = c.skipMasked;
            skipNomask = c.skipNomask;
        }

        public Builder extractorMode(ExtractorMode mode) {
            this.extractorMode = mode;
            return this;
        }

        public Builder convLayers(List<ConvLayerSpec> layers) {
            this.convLayers = List.copyOf(layers);
            return this;
        }

        public Builder convBias(boolean bias) {
            this.convBias = bias;
            return this;
        }

        /** Sets transformer depth, width, FFN width and attention heads. */
        public Builder encoder(int layers, int embed, int ffn, int heads) {
            this.numLayers = layers;
            this.embedDim = embed;
            this.ffnDim = ffn;
            this.numHeads = heads;
            return this;
        }

        public Builder layerNormFirst(boolean first) {
            this.layerNormFirst = first;
            return this;
        }

        /** Sets the positional convolution kernel width and group count. */
        public Builder posConv(int kernel, int groups) {
            this.posConvKernel = kernel;
            this.posConvGroups = groups;
            return this;
        }

        /** Sets dropout, attention_dropout, activation_dropout, dropout_input, dropout_features. */
        public Builder dropouts(float drop, float attention, float activation, float input, float features) {
            this.dropout = drop;
            this.attentionDropout = attention;
            this.activationDropout = activation;
            this.dropoutInput = input;
            this.dropoutFeatures = features;
            return this;
        }

        public Builder layerDrop(float p) {
            this.layerDrop = p;
            return this;
        }

        /** Gradient scale applied to the conv feature extractor (1 = none). */
        public Builder featureGradMult(float mult) {
            this.featureGradMult = mult;
            return this;
        }

        public Builder finalDim(int dim) {
            this.finalDim = dim;
            return this;
        }

        /** One label set with {@code classes} label-embedding rows (replaces any label sets set before). */
        public Builder numClasses(int classes) {
            this.numClasses = classes;
            this.labelSetClasses = null;
            this.labelSetRates = null;
            return this;
        }

        /**
         * Several label sets (a cluster ensemble or product k-means): label-embedding rows per set (K + 4 for fairseq
         * dictionaries) and each set's label rate in Hz. {@code num_classes} becomes the sum and {@code label_rate} the
         * first set's rate.
         */
        public Builder labelSets(List<Integer> classesPerSet, List<Integer> ratesPerSet) {
            if (classesPerSet.isEmpty() || classesPerSet.size() != ratesPerSet.size()) {
                throw new IllegalArgumentException("HubertConfig expects one label rate per label set and at least one "
                        + "set, found classes " + classesPerSet + " and rates " + ratesPerSet);
            }
            this.labelSetClasses = List.copyOf(classesPerSet);
            this.labelSetRates = List.copyOf(ratesPerSet);
            this.numClasses = classesPerSet.stream().mapToInt(Integer::intValue).sum();
            this.labelRate = ratesPerSet.get(0);
            return this;
        }

        /** fairseq {@code skip_masked} / {@code skip_nomask}: frames of that kind get no logits and no loss. */
        public Builder skip(boolean masked, boolean nomask) {
            this.skipMasked = masked;
            this.skipNomask = nomask;
            return this;
        }

        public Builder logitTemp(float temp) {
            this.logitTemp = temp;
            return this;
        }

        /** Sets mask_prob, mask_length and min_masks (static span selection, overlaps allowed). */
        public Builder masking(float prob, int length, int min) {
            this.maskProb = prob;
            this.maskLength = length;
            this.minMasks = min;
            return this;
        }

        /** Label rate in Hz of every label set. */
        public Builder labelRate(int hz) {
            this.labelRate = hz;
            if (labelSetRates != null) {
                this.labelSetRates = Collections.nCopies(labelSetRates.size(), hz);
            }
            return this;
        }

        public Builder sampleRate(int hz) {
            this.sampleRate = hz;
            return this;
        }

        /** Sets pred_masked_weight, pred_nomask_weight and the features_pen loss weight. */
        public Builder lossWeights(float masked, float nomask, float featurePen) {
            this.predMaskedWeight = masked;
            this.predNomaskWeight = nomask;
            this.featurePenWeight = featurePen;
            return this;
        }

        public Builder layerNormEps(float eps) {
            this.layerNormEps = eps;
            return this;
        }

        /** Whether input waveforms are layer-normalised over the whole utterance (fairseq {@code task.normalize}). */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the inconsistent fields
         */
        public HubertConfig build() {
            require(!convLayers.isEmpty(), "at least one conv layer, found none");
            require(embedDim > 0 && numLayers >= 0 && ffnDim > 0 && numHeads > 0,
                    "positive encoder sizes, found layers=" + numLayers + " embed=" + embedDim + " ffn=" + ffnDim
                            + " heads=" + numHeads);
            require(embedDim % numHeads == 0,
                    "embed dim divisible by heads, found " + embedDim + " % " + numHeads + " != 0");
            require(posConvKernel > 0 && posConvGroups > 0 && embedDim % posConvGroups == 0,
                    "embed dim divisible by conv_pos_groups, found " + embedDim + " and " + posConvGroups);
            require(featureGradMult > 0f && featureGradMult <= 1f,
                    "feature_grad_mult in (0, 1], found " + featureGradMult);
            require(finalDim > 0 && numClasses > 0, "positive final_dim and num_classes, found " + finalDim
                    + " and " + numClasses);
            require(maskProb >= 0f && maskProb <= 1f && maskLength > 0 && minMasks >= 0,
                    "mask_prob in [0,1], mask_length > 0, min_masks >= 0; found " + maskProb + ", " + maskLength
                            + ", " + minMasks);
            for (float p : new float[] {dropout, attentionDropout, activationDropout, dropoutInput,
                    dropoutFeatures, layerDrop}) {
                require(p >= 0f && p < 1f, "dropout probabilities in [0, 1), found " + p);
            }
            require(labelRate > 0 && sampleRate > 0, "positive label and sample rates, found " + labelRate
                    + " and " + sampleRate);
            require(predMaskedWeight >= 0f && predNomaskWeight >= 0f && featurePenWeight >= 0f,
                    "non-negative loss weights, found pred_masked_weight " + predMaskedWeight + ", pred_nomask_weight "
                            + predNomaskWeight + ", feature_pen " + featurePenWeight);
            require(!(skipMasked && predMaskedWeight > 0f), "pred_masked_weight 0 with skip_masked (fairseq computes "
                    + "no masked logits then), found pred_masked_weight " + predMaskedWeight);
            require(!(skipNomask && predNomaskWeight > 0f), "pred_nomask_weight 0 with skip_nomask (fairseq computes "
                    + "no unmasked logits then), found pred_nomask_weight " + predNomaskWeight);
            if (labelSetClasses != null) {
                for (int i = 0; i < labelSetClasses.size(); i++) {
                    require(labelSetClasses.get(i) > 0 && labelSetRates.get(i) > 0,
                            "positive classes and label rate for every label set, found set " + i + " with "
                                    + labelSetClasses.get(i) + " classes at " + labelSetRates.get(i) + " Hz");
                }
            }
            return new HubertConfig(this);
        }

        private static void require(boolean ok, String expectation) {
            if (!ok) {
                throw new IllegalArgumentException("HubertConfig expects " + expectation);
            }
        }
    }
}
