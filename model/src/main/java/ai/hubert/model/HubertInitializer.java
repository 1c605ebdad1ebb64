package ai.hubert.model;

import ai.djl.ndarray.types.Shape;
import ai.hubert.model.config.HubertConfig;
import java.util.Map;
import java.util.Random;

/**
 * fairseq from-scratch initialisation (hubert-spec.md section 5.4), drawn from a seeded {@link Random} so that a
 * seed reproduces the same weights on every engine and device.
 */
final class HubertInitializer {

    private final HubertConfig config;
    private final Random random;

    HubertInitializer(HubertConfig config, long seed) {
        this.config = config;
        this.random = new Random(seed);
    }

    /** Returns the initial values of parameter {@code key} with {@code shape}, row-major. */
    float[] values(String key, Shape shape, Map<String, float[]> done) {
        int n = Math.toIntExact(shape.size());
        float[] v = new float[n];
        if (key.startsWith("feature_extractor.")) {
            if (key.endsWith(".0.weight")) {
                double fanIn = shape.get(1) * shape.get(2);
                normal(v, Math.sqrt(2.0 / fanIn)); // kaiming_normal_, fan_in, gain sqrt(2)
            } else if (key.endsWith(".0.bias")) {
                int i = layerIndex(key);
                double fanIn = config.convLayers().get(i).kernel()
                        * (double) (i == 0 ? 1 : config.convLayers().get(i - 1).channels());
                uniform(v, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)); // PyTorch default conv bias
            } else {
                fill(v, key.endsWith("weight") ? 1f : 0f); // group / layer norm affine
            }
        } else if (key.equals("mask_emb") || key.equals("label_embs_concat")) {
            uniform(v, 0, 1);
        } else if (key.startsWith("post_extract_proj.") || key.startsWith("final_proj.")) {
            double in = key.startsWith("post_extract_proj.") ? config.featureDim() : config.embedDim();
            uniform(v, -1 / Math.sqrt(in), 1 / Math.sqrt(in)); // PyTorch default Linear (outside the encoder)
        } else if (key.equals("encoder.pos_conv.0.weight_v")) {
            normal(v, Math.sqrt(4.0 / ((double) config.posConvKernel() * config.embedDim())));
        } else if (key.equals("encoder.pos_conv.0.weight_g")) {
            float[] dir = done.get("encoder.pos_conv.0.weight_v");
            int k = config.posConvKernel();
            double[] sq = new double[k];
            for (int i = 0; i < dir.length; i++) {
                sq[i % k] += (double) dir[i] * dir[i];
            }
            for (int t = 0; t < k; t++) {
                v[t] = (float) Math.sqrt(sq[t]); // g = ||V|| per tap: the initial W equals V
            }
        } else if (key.endsWith("_proj.weight") || key.endsWith("fc1.weight") || key.endsWith("fc2.weight")) {
            normal(v, 0.02); // init_bert_params
        } else if (key.endsWith("norm.weight")) {
            fill(v, 1f);
        } else {
            fill(v, 0f); // encoder biases, norm biases, pos_conv bias
        }
        return v;
    }

    private static int layerIndex(String key) {
        String rest = key.substring("feature_extractor.conv_layers.".length());
        return Integer.parseInt(rest.substring(0, rest.indexOf('.')));
    }

    private void normal(float[] v, double std) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
    }

    private void uniform(float[] v, double lo, double hi) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
    }

    private static void fill(float[] v, float value) {
        java.util.Arrays.fill(v, value);
    }
}
