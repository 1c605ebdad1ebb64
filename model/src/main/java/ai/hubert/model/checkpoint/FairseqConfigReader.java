package ai.hubert.model.checkpoint;

import ai.hubert.model.checkpoint.torch.PickledObject;
import ai.hubert.model.config.ExtractorMode;
import ai.hubert.model.config.HubertConfig;
import java.util.Map;

/**
 * Maps the configuration stored in a fairseq HuBERT checkpoint to a {@link HubertConfig}. Newer checkpoints hold
 * {@code cfg} (plain dicts, as written by fairseq's {@code checkpoint_utils}) with {@code model}, {@code task} and
 * {@code criterion} sections; older ones hold {@code args}, a flat {@code argparse.Namespace}. Fields that are absent
 * take the defaults of fairseq's {@code HubertConfig} / {@code HubertCriterionConfig} dataclasses; fields that change
 * the architecture in ways this model does not implement (activation other than GELU, target GLU, conformer layers,
 * batch-norm positional conv) are rejected by name.
 */
public final class FairseqConfigReader {

    private static final String DEFAULT_CONV = "[(512,10,5)] + [(512,3,2)] * 4 + [(512,2,2)] * 2";

    private FairseqConfigReader() {}

    /**
     * Reads the configuration of an unpickled checkpoint dict.
     *
     * @param checkpoint the top-level checkpoint dict
     * @param numClasses label-embedding rows C (from {@code label_embs_concat}: K + 4 for fairseq dictionaries)
     * @throws IllegalArgumentException naming the missing section or the unsupported field and its value
     */
    public static HubertConfig fromCheckpoint(Map<?, ?> checkpoint, int numClasses) {
        Object cfg = checkpoint.get("cfg");
        Object args = checkpoint.get("args");
        if (cfg instanceof Map<?, ?> c && c.get("model") != null) {
            Map<?, ?> model = section(c, "model", "cfg.model");
            Map<?, ?> task = c.get("task") == null ? Map.of() : section(c, "task", "cfg.task");
            Map<?, ?> criterion = c.get("criterion") == null ? Map.of() : section(c, "criterion", "cfg.criterion");
            return fromSections(model, task, criterion, numClasses);
        }
        if (args instanceof PickledObject ns && ns.className().equals("argparse.Namespace")) {
            Map<?, ?> flat = ns.attributes();
            return fromSections(flat, flat, flat, numClasses);
        }
        if (args instanceof Map<?, ?> flat) {
            return fromSections(flat, flat, flat, numClasses);
        }
        throw new IllegalArgumentException("Expected a 'cfg' dict with a 'model' section or 'args' "
                + "(argparse.Namespace), found cfg " + describe(cfg) + " and args " + describe(args));
    }

    /**
     * Builds the configuration from fairseq field maps (the three may be the same flat map).
     *
     * @throws IllegalArgumentException naming an unsupported or malformed field
     */
    public static HubertConfig fromSections(Map<?, ?> model, Map<?, ?> task, Map<?, ?> criterion, int numClasses) {
        Object name = model.get("_name");
        if (name != null && !"hubert".equals(name)) {
            throw new IllegalArgumentException("Expected a HuBERT pre-training model (cfg.model._name 'hubert'), "
                    + "found '" + name + "'");
        }
        require(model, "activation_fn", "gelu");
        require(model, "layer_type", "transformer");
        require(model, "pos_enc_type", "abs");
        require(model, "target_glu", false);
        require(model, "conv_pos_batch_norm", false);
        Object labelRate = model.get("label_rate") != null ? model.get("label_rate") : task.get("label_rate");
        if (labelRate == null) {
            throw new IllegalArgumentException("Expected label_rate in the model or task config, found none");
        }
        double rate = number(labelRate, "label_rate");
        if (rate <= 0 || rate != Math.rint(rate)) {
            throw new IllegalArgumentException("Expected a positive whole label_rate, found " + labelRate);
        }
        int embed = integer(model, "encoder_embed_dim", 768);
        int finalDim = integer(model, "final_dim", 0);
        Object conv = model.get("conv_feature_layers");
        Map<?, ?> lossWeights = criterion;
        return HubertConfig.builder()
                .extractorMode(ExtractorMode.parse(string(model, "extractor_mode", "default")))
                .convLayers(FairseqConvLayers.parse(conv == null ? DEFAULT_CONV : conv.toString()))
                .convBias(bool(model, "conv_bias", false))
                .encoder(integer(model, "encoder_layers", 12), embed, integer(model, "encoder_ffn_embed_dim", 3072),
                        integer(model, "encoder_attention_heads", 12))
                .layerNormFirst(bool(model, "layer_norm_first", false))
                .posConv(integer(model, "conv_pos", 128), integer(model, "conv_pos_groups", 16))
                .dropouts(flt(model, "dropout", 0.1f), flt(model, "attention_dropout", 0.1f),
                        flt(model, "activation_dropout", 0f), flt(model, "dropout_input", 0f),
                        flt(model, "dropout_features", 0f))
                .layerDrop(flt(model, "encoder_layerdrop", 0f))
                .featureGradMult(flt(model, "feature_grad_mult", 1f))
                .finalDim(finalDim > 0 ? finalDim : embed)
                .numClasses(numClasses)
                .logitTemp(flt(model, "logit_temp", 0.1f))
                .masking(flt(model, "mask_prob", 0.65f), integer(model, "mask_length", 10), 2)
                .labelRate((int) rate)
                .sampleRate(integer(task, "sample_rate", 16000))
                .normalize(bool(task, "normalize", false))
                .skip(bool(model, "skip_masked", false), bool(model, "skip_nomask", false))
                .lossWeights(flt(lossWeights, "pred_masked_weight", 1f), flt(lossWeights, "pred_nomask_weight", 0f),
                        featurePenWeight(lossWeights))
                .build();
    }

    /**
     * The configuration of a multi-target checkpoint: {@code final_proj} has {@code final_dim x n} rows (fairseq
     * {@code untie_final_proj}), one chunk per entry of {@code task.labels}; each set's class count is the symbol count
     * of its dictionary in {@code task_state.dictionaries} (fairseq {@code Dictionary}: 4 specials + K), and every set
     * is at the task's label rate.
     *
     * @param single the configuration read with all label-embedding rows as one set
     * @param checkpoint the top-level checkpoint dict
     * @param finalProjRows rows of {@code final_proj.weight}
     * @throws IllegalArgumentException naming what is missing or inconsistent
     */
    public static HubertConfig withLabelSets(HubertConfig single, Map<?, ?> checkpoint, int finalProjRows) {
        if (finalProjRows % single.finalDim() != 0) {
            throw new IllegalArgumentException("Expected final_proj.weight rows to be a multiple of final_dim "
                    + single.finalDim() + " (one chunk per label set), found " + finalProjRows);
        }
        int sets = finalProjRows / single.finalDim();
        Object taskState = checkpoint.get("task_state");
        Object dictionaries = taskState instanceof Map<?, ?> ts ? ts.get("dictionaries") : null;
        if (!(dictionaries instanceof java.util.List<?> dicts) || dicts.size() != sets) {
            throw new IllegalArgumentException("final_proj.weight has " + finalProjRows + " rows = " + sets
                    + " label sets x final_dim " + single.finalDim() + "; expected task_state.dictionaries with "
                    + sets + " fairseq Dictionary objects to split label_embs_concat by, found "
                    + describe(dictionaries));
        }
        java.util.List<Integer> classes = new java.util.ArrayList<>();
        for (int i = 0; i < sets; i++) {
            Object d = dicts.get(i);
            Object symbols = d instanceof PickledObject p && p.state() instanceof Map<?, ?> m ? m.get("symbols") : null;
            if (!(symbols instanceof java.util.List<?> list)) {
                throw new IllegalArgumentException("Expected task_state.dictionaries[" + i + "] to be a fairseq "
                        + "Dictionary with a 'symbols' list, found " + describe(d));
            }
            classes.add(list.size());
        }
        int total = classes.stream().mapToInt(Integer::intValue).sum();
        if (total != single.numClasses()) {
            throw new IllegalArgumentException("Expected label_embs_concat rows (" + single.numClasses()
                    + ") to equal the dictionaries' symbol counts " + classes + " summed (" + total + ")");
        }
        return single.toBuilder()
                .labelSets(classes, java.util.Collections.nCopies(sets, single.labelRate()))
                .build();
    }

    /** fairseq's criterion adds {@code loss_weights[0] * features_pen}; no weights (the default) means none. */
    private static float featurePenWeight(Map<?, ?> criterion) {
        Object w = criterion.get("loss_weights");
        if (w == null) {
            return 0f;
        }
        Object first;
        if (w instanceof java.util.List<?> l && !l.isEmpty()) {
            first = l.get(0);
        } else if (w instanceof Object[] a && a.length > 0) {
            first = a[0];
        } else {
            throw new IllegalArgumentException("Expected loss_weights to be a non-empty list, found " + describe(w));
        }
        return (float) number(first, "loss_weights[0]");
    }

    private static Map<?, ?> section(Map<?, ?> cfg, String key, String what) {
        Object s = cfg.get(key);
        if (s instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException("Expected " + what + " to be a dict, found " + describe(s)
                + (s instanceof PickledObject p && p.className().startsWith("omegaconf.")
                        ? " (re-save the checkpoint with cfg = OmegaConf.to_container(cfg))" : ""));
    }

    private static void require(Map<?, ?> m, String key, Object supported) {
        Object v = m.get(key);
        if (v == null || v.equals(supported) || (v instanceof String s && s.isEmpty())) {
            return;
        }
        throw new IllegalArgumentException("Unsupported fairseq model setting " + key + " = " + v + "; expected "
                + supported);
    }

    private static String string(Map<?, ?> m, String key, String dflt) {
        Object v = m.get(key);
        return v == null ? dflt : v.toString();
    }

    private static int integer(Map<?, ?> m, String key, int dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        double d = number(v, key);
        if (d != Math.rint(d)) {
            throw new IllegalArgumentException("Expected an integer " + key + ", found " + v);
        }
        return (int) d;
    }

    private static float flt(Map<?, ?> m, String key, float dflt) {
        Object v = m.get(key);
        return v == null ? dflt : (float) number(v, key);
    }

    private static boolean bool(Map<?, ?> m, String key, boolean dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("Expected a boolean " + key + ", found " + describe(v));
    }

    private static double number(Object v, String key) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("Expected a number for " + key + ", found " + describe(v));
    }

    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof PickledObject p) {
            return "an object of pickle global " + p.className();
        }
        return o.getClass().getSimpleName() + " " + o;
    }
}
