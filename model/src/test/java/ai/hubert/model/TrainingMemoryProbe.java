package ai.hubert.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.hubert.model.config.ConvLayerSpec;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.nn.GradientClipping;
import ai.hubert.model.pretrain.MaskSampler;
import ai.hubert.model.pretrain.PretrainForward;
import ai.hubert.model.pretrain.PretrainOutput;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Child-process body of {@link TrainingMemoryTest}: trains a very small model for {@code args[0]} steps (forward,
 * backward, global-norm clipping, SGD; steps with a non-finite loss or gradient norm are skipped and counted) and
 * prints one line {@code RESULT {json}} with the live NDArray count and VmRSS every {@code args[1]} steps. Run in a
 * JVM whose heap is fixed, so that RSS changes are native memory.
 */
final class TrainingMemoryProbe {

    private static final double CLIP_NORM = 10.0;
    private static final float LR = 1e-4f;

    private TrainingMemoryProbe() {}

    static long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("Expected a VmRSS line in /proc/self/status, found none");
    }

    public static void main(String[] args) throws IOException {
        int steps = Integer.parseInt(args[0]);
        int every = Integer.parseInt(args[1]);
        List<ConvLayerSpec> conv = new ArrayList<>();
        for (ConvLayerSpec c : HubertConfig.base().convLayers()) {
            conv.add(new ConvLayerSpec(16, c.kernel(), c.stride()));
        }
        HubertConfig config = HubertConfig.builder().convLayers(conv).encoder(2, 32, 64, 2).posConv(16, 4)
                .finalDim(8).numClasses(14).build(); // Base dropouts and LayerDrop kept: those paths run too
        int batch = 2;
        int samples = 8000;
        Random random = new Random(5);
        float[] audio = new float[batch * samples];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (0.1 * random.nextGaussian());
        }
        int[][] labels = new int[batch][25];
        for (int[] row : labels) {
            for (int t = 0; t < row.length; t++) {
                row[t] = random.nextInt(config.numClasses());
            }
        }
        MaskSampler masks = new MaskSampler(config.maskProb(), config.maskLength(), config.minMasks(), random);
        JsonArray trace = new JsonArray();
        JsonArray losses = new JsonArray();
        int nonFinite = 0;
        long t0 = System.nanoTime();
        try (NDManager root = NDManager.newBaseManager(); HubertModel model = HubertModel.create(root, config, 3)) {
            PretrainForward forward = new PretrainForward(model);
            for (int i = 1; i <= steps; i++) {
                model.zeroGradients();
                try (NDManager step = model.newStepManager()) {
                    NDArray wav = step.create(audio, new Shape(batch, samples));
                    PretrainOutput out;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        out = forward.forward(wav, labels, masks, true);
                        gc.backward(out.loss());
                    }
                    List<NDArray> grads = new ArrayList<>();
                    for (Parameter p : model.parameters().values()) {
                        grads.add(p.getArray().getGradient());
                    }
                    double norm = GradientClipping.clipGlobalNorm(grads, CLIP_NORM);
                    if (Double.isFinite(norm) && Float.isFinite(out.loss().getFloat())) {
                        for (Parameter p : model.parameters().values()) {
                            NDArray w = p.getArray();
                            w.subi(w.getGradient().mul(LR));
                        }
                    } else {
                        nonFinite++; // skipped, as fairseq skips updates with a non-finite gradient norm
                    }
                    if (i % every == 0) {
                        losses.add(out.metrics().lossMasked());
                    }
                }
                if (i % every == 0) {
                    JsonObject point = new JsonObject();
                    point.addProperty("step", i);
                    point.addProperty("arrays", root.getManagedArrays().size());
                    point.addProperty("rss_kib", rssKib());
                    trace.add(point);
                }
            }
            JsonObject result = new JsonObject();
            result.addProperty("parameters", model.parameters().size());
            result.addProperty("seconds", (System.nanoTime() - t0) / 1e9);
            result.add("trace", trace);
            result.add("loss_m", losses);
            result.addProperty("skipped_non_finite", nonFinite);
            System.out.println("RESULT " + result);
        }
    }
}
