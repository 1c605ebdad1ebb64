package ai.hubert.model.bench;

import java.util.List;
import java.util.Locale;

/**
 * Result of {@link ModelBenchmark#run}: median seconds per forward+backward step of the DJL model and, when Python
 * with torchaudio was available, of torchaudio's {@code HuBERTPretrainModel} on the same shapes and thread count.
 *
 * @param configName configuration preset
 * @param threads intra-op threads of both runs
 * @param batch utterances per step
 * @param audioSeconds seconds per utterance
 * @param steps timed steps (after warm-up)
 * @param parameters model parameter count
 * @param javaStepSeconds timed DJL step durations
 * @param torchStepSeconds timed torchaudio step durations (empty when the reference did not run)
 * @param torchNote torch / torchaudio versions, or why the reference did not run
 */
public record BenchmarkResult(String configName, int threads, int batch, double audioSeconds, int steps,
        long parameters, List<Double> javaStepSeconds, List<Double> torchStepSeconds, String torchNote) {

    /** Median DJL step time in seconds. */
    public double javaMedianSeconds() {
        return median(javaStepSeconds);
    }

    /** Median torchaudio step time in seconds, NaN when the reference did not run. */
    public double torchMedianSeconds() {
        return torchStepSeconds.isEmpty() ? Double.NaN : median(torchStepSeconds);
    }

    /** DJL seconds per second of input audio. */
    public double javaSecondsPerAudioSecond() {
        return javaMedianSeconds() / (batch * audioSeconds);
    }

    /** torchaudio seconds per second of input audio (NaN when absent). */
    public double torchSecondsPerAudioSecond() {
        return torchMedianSeconds() / (batch * audioSeconds);
    }

    /** DJL time over torchaudio time (NaN when the reference did not run). */
    public double ratio() {
        return javaMedianSeconds() / torchMedianSeconds();
    }

    /** Human-readable table. */
    public String table() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "bench model: config=%s (%.1f M parameters) threads=%d input=%d x %.1f s"
                + " steps=%d (median of forward+backward)%n", configName, parameters / 1e6, threads, batch,
                audioSeconds, steps));
        s.append(String.format(Locale.ROOT, "%-12s %16s %22s%n", "impl", "s/step", "s per audio-second"));
        s.append(String.format(Locale.ROOT, "%-12s %16.3f %22.3f%n", "DJL (Java)", javaMedianSeconds(),
                javaSecondsPerAudioSecond()));
        if (torchStepSeconds.isEmpty()) {
            s.append(String.format(Locale.ROOT, "%-12s %16s %22s%n", "torchaudio", "-", "-"));
            s.append("torchaudio reference not run: ").append(torchNote).append(System.lineSeparator());
        } else {
            s.append(String.format(Locale.ROOT, "%-12s %16.3f %22.3f%n", "torchaudio", torchMedianSeconds(),
                    torchSecondsPerAudioSecond()));
            s.append(String.format(Locale.ROOT, "ratio DJL / torchaudio: %.2f (%s)%n", ratio(), torchNote));
        }
        return s.toString();
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
