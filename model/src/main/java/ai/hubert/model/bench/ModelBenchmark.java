package ai.hubert.model.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.hubert.model.HubertModel;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.pretrain.MaskSampler;
import ai.hubert.model.pretrain.PretrainForward;
import ai.hubert.model.pretrain.PretrainOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code bench model}: seconds of forward + backward (training mode, the fairseq criterion, LayerDrop off so that
 * every step does the same work) per second of input audio, for the DJL model and, in the same run and with the
 * same shapes and intra-op thread count, for torchaudio's {@code HuBERTPretrainModel} (see
 * {@link TorchaudioTimer}). The two runs are sequential, never concurrent.
 */
public final class ModelBenchmark {

    /** Default utterances per step. */
    public static final int DEFAULT_BATCH = 2;
    private static final int WARMUP = 1;
    private static final long SEED = 20240601L;

    private ModelBenchmark() {}

    /**
     * Returns the preset named {@code name} ({@code tiny}, {@code base}, {@code large}, {@code xlarge}) with
     * LayerDrop 0.
     *
     * @throws IllegalArgumentException for other names
     */
    public static HubertConfig config(String name) {
        HubertConfig c = switch (name.toLowerCase(Locale.ROOT)) {
            case "tiny" -> HubertConfig.tiny();
            case "base" -> HubertConfig.base();
            case "large" -> HubertConfig.large();
            case "xlarge" -> HubertConfig.xlarge();
            default -> throw new IllegalArgumentException("Unknown config '" + name
                    + "'; expected tiny, base, large or xlarge");
        };
        return c.toBuilder().layerDrop(0f).build();
    }

    /** {@link #run(String, int, int, double, int)} with {@link #DEFAULT_BATCH} utterances. */
    public static BenchmarkResult run(String configName, int threads, double audioSeconds, int steps) {
        return run(configName, threads, DEFAULT_BATCH, audioSeconds, steps);
    }

    /**
     * Runs the benchmark: one warm-up step, then {@code steps} timed steps, for DJL and then torchaudio.
     *
     * @param configName preset name (see {@link #config})
     * @param threads intra-op threads for both implementations
     * @param batch utterances per step
     * @param audioSeconds seconds per utterance (16 kHz random audio)
     * @param steps timed steps
     */
    public static BenchmarkResult run(String configName, int threads, int batch, double audioSeconds, int steps) {
        if (threads < 1 || batch < 1 || steps < 1 || !(audioSeconds > 0)) {
            throw new IllegalArgumentException("Expected threads, batch and steps >= 1 and audioSeconds > 0, found "
                    + threads + ", " + batch + ", " + steps + ", " + audioSeconds);
        }
        HubertConfig config = config(configName);
        int samples = (int) Math.round(audioSeconds * config.sampleRate());
        if (config.convFrames(samples) < config.maskLength() * 2) {
            throw new IllegalArgumentException("Expected at least " + (2 * config.maskLength()) + " frames, found "
                    + config.convFrames(samples) + " for " + audioSeconds + " s");
        }
        List<Double> java = timeJava(config, threads, batch, samples, steps);
        TorchaudioTimer.Outcome torch = TorchaudioTimer.time(config, threads, batch, samples, WARMUP, steps, SEED);
        return new BenchmarkResult(configName, threads, batch, audioSeconds, steps,
                HubertModel.parameterCount(config), java, torch.stepSeconds(), torch.note());
    }

    private static List<Double> timeJava(HubertConfig config, int threads, int batch, int samples, int steps) {
        Engine.getEngine("PyTorch");
        int previous = JniUtils.getNumThreads();
        JniUtils.setNumThreads(threads);
        Random random = new Random(SEED);
        float[] audio = new float[batch * samples];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (0.1 * random.nextGaussian());
        }
        int labelFrames = (int) Math.ceil((double) samples * config.labelRate() / config.sampleRate());
        int[][] labels = new int[batch][labelFrames];
        for (int[] row : labels) {
            for (int t = 0; t < row.length; t++) {
                row[t] = random.nextInt(config.numClasses());
            }
        }
        MaskSampler masks = new MaskSampler(config.maskProb(), config.maskLength(), config.minMasks(),
                new Random(SEED + 1));
        List<Double> times = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager();
                HubertModel model = HubertModel.create(root, config, SEED)) {
            PretrainForward forward = new PretrainForward(model);
            for (int i = 0; i < WARMUP + steps; i++) {
                model.zeroGradients();
                long t0 = System.nanoTime();
                try (NDManager step = model.newStepManager()) {
                    NDArray wav = step.create(audio, new Shape(batch, samples));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        PretrainOutput out = forward.forward(wav, labels, masks, true);
                        gc.backward(out.loss());
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (i >= WARMUP) {
                    times.add(seconds);
                }
            }
        } finally {
            JniUtils.setNumThreads(previous);
        }
        return times;
    }

    /**
     * Command line: {@code ModelBenchmark [config [threads [audioSeconds [steps [batch]]]]]}, defaults
     * {@code tiny 2 4 3 2}; prints {@link BenchmarkResult#table()}.
     */
    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "tiny";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 4;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : DEFAULT_BATCH;
        System.out.print(run(name, threads, batch, seconds, steps).table());
    }
}
