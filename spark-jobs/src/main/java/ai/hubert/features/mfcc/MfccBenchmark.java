package ai.hubert.features.mfcc;

import ai.hubert.bench.PythonReference;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Single-thread throughput of {@link KaldiMfcc} (MFCC + &Delta; + &Delta;&Delta;, HuBERT defaults) in audio-seconds
 * per CPU-second, compared with torchaudio 0.13 on the same audio when {@code /usr/bin/python3} can import it.
 *
 * <p>Java is timed with the benchmark thread's CPU time ({@link ThreadMXBean}) after a warm-up; torchaudio runs in
 * a subprocess with {@code torch.set_num_threads(1)}, timed with {@code time.process_time()}. Both report the median
 * over the repetitions of one pass over all utterances. Waveforms are exchanged as int16, so they should be
 * int16-valued (k / 32768) for the comparison to be exact.
 */
public final class MfccBenchmark {
    /** The interpreter with Debian's python3-torchaudio; override with {@code -Dhubert.bench.python=...}. */
    public static final String DEFAULT_PYTHON = PythonReference.DEFAULT_PYTHON;
    private static final String SCRIPT_RESOURCE = "torchaudio_mfcc_bench.py";
    /** Generous: torchaudio needs well under a minute for the default 300 s x 7 passes. */
    private static final Duration TORCHAUDIO_TIMEOUT = Duration.ofMinutes(30);
    private static final double SAMPLE_RATE = 16000.0;

    private MfccBenchmark() {
    }

    /**
     * Outcome of one benchmark.
     *
     * @param audioSeconds          audio in one pass
     * @param frames                MFCC frames in one pass
     * @param javaCpuSeconds        median Java thread CPU seconds per pass
     * @param torchaudioCpuSeconds  median torchaudio process CPU seconds per pass, empty when it could not run
     * @param torchaudioNote        versions used, or why torchaudio did not run
     */
    public record Result(double audioSeconds, long frames, double javaCpuSeconds,
                         OptionalDouble torchaudioCpuSeconds, String torchaudioNote) {
        /** Java audio-seconds per CPU-second. */
        public double javaThroughput() {
            return audioSeconds / javaCpuSeconds;
        }

        /** Java CPU microseconds per frame. */
        public double javaMicrosPerFrame() {
            return javaCpuSeconds * 1e6 / frames;
        }

        /** torchaudio audio-seconds per CPU-second, when measured. */
        public OptionalDouble torchaudioThroughput() {
            return torchaudioCpuSeconds.isPresent()
                    ? OptionalDouble.of(audioSeconds / torchaudioCpuSeconds.getAsDouble()) : OptionalDouble.empty();
        }

        /** Java throughput divided by torchaudio throughput, when measured. */
        public OptionalDouble speedup() {
            return torchaudioCpuSeconds.isPresent()
                    ? OptionalDouble.of(torchaudioCpuSeconds.getAsDouble() / javaCpuSeconds) : OptionalDouble.empty();
        }

        /** A short human-readable table. */
        public String table() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "MFCC+D+DD, 16 kHz, one thread, %.1f s of audio (%d frames)%n",
                    audioSeconds, frames));
            sb.append(String.format(Locale.ROOT, "%-12s %14s %12s %10s%n", "impl", "audio-s/CPU-s", "us/frame",
                    "CPU-s/pass"));
            sb.append(String.format(Locale.ROOT, "%-12s %14.0f %12.3f %10.4f%n", "java", javaThroughput(),
                    javaMicrosPerFrame(), javaCpuSeconds));
            if (torchaudioCpuSeconds.isPresent()) {
                double t = torchaudioCpuSeconds.getAsDouble();
                sb.append(String.format(Locale.ROOT, "%-12s %14.0f %12.3f %10.4f%n", "torchaudio", audioSeconds / t,
                        t * 1e6 / frames, t));
                sb.append(String.format(Locale.ROOT, "speed-up java / torchaudio: %.2fx (%s)%n",
                        speedup().getAsDouble(), torchaudioNote));
            } else {
                sb.append("torchaudio: not measured (").append(torchaudioNote).append(")\n");
            }
            return sb.toString();
        }
    }

    /**
     * Benchmarks {@code seconds} of synthetic speech-like audio (see {@link #syntheticSpeech}).
     */
    public static Result runSynthetic(double seconds, int repetitions) {
        return run(syntheticSpeech(seconds, 42L), repetitions);
    }

    /**
     * Benchmarks the given 16 kHz waveforms (values in [-1, 1]).
     *
     * @param repetitions timed passes; the median is reported
     */
    public static Result run(List<float[]> waveforms, int repetitions) {
        if (repetitions < 1) {
            throw new IllegalArgumentException("repetitions must be >= 1 but was " + repetitions);
        }
        if (waveforms.isEmpty()) {
            throw new IllegalArgumentException("waveforms must not be empty");
        }
        long samples = 0;
        long frames = 0;
        KaldiMfcc mfcc = new KaldiMfcc();
        for (float[] w : waveforms) {
            samples += w.length;
            frames += mfcc.numFrames(w.length);
        }
        double javaSeconds = measureJava(mfcc, waveforms, repetitions);
        double audioSeconds = samples / SAMPLE_RATE;
        Map<String, String> torch = runTorchaudio(waveforms, repetitions);
        if (torch.containsKey("error")) {
            return new Result(audioSeconds, frames, javaSeconds, OptionalDouble.empty(), torch.get("error"));
        }
        double torchSeconds = median(Arrays.stream(torch.get("pass_cpu_seconds").split(","))
                .mapToDouble(Double::parseDouble).toArray());
        String note = "torch " + torch.get("torch") + ", torchaudio " + torch.get("torchaudio") + ", threads="
                + torch.get("threads");
        return new Result(audioSeconds, frames, javaSeconds, OptionalDouble.of(torchSeconds), note);
    }

    /**
     * Deterministic speech-like test audio: 2&ndash;6 s utterances of voiced segments (harmonics of a gliding
     * 90&ndash;260 Hz pitch shaped by three moving formants), noise bursts standing in for fricatives and short
     * pauses, quantised to int16 levels (k / 32768).
     */
    public static List<float[]> syntheticSpeech(double totalSeconds, long seed) {
        Random random = new Random(seed);
        List<float[]> out = new ArrayList<>();
        long remaining = Math.round(totalSeconds * SAMPLE_RATE);
        while (remaining > 0) {
            int n = (int) Math.min(remaining, Math.round((2.0 + 4.0 * random.nextDouble()) * SAMPLE_RATE));
            remaining -= n;
            out.add(utterance(n, random));
        }
        return out;
    }

    /** Runs the benchmark: {@code [seconds of synthetic audio, default 300] [repetitions, default 7]}. */
    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 300.0;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        System.out.print(runSynthetic(seconds, repetitions).table());
    }

    private static float[] utterance(int n, Random random) {
        float[] x = new float[n];
        int i = 0;
        while (i < n) {
            int segment = Math.min(n - i, 800 + random.nextInt(4000));
            double kind = random.nextDouble();
            double gain = 0.05 + 0.4 * random.nextDouble();
            if (kind < 0.6) {
                double f0 = 90 + 170 * random.nextDouble();
                double glide = (random.nextDouble() - 0.5) * 60;
                double[] formants = {300 + 600 * random.nextDouble(), 900 + 1600 * random.nextDouble(),
                    2200 + 1500 * random.nextDouble()};
                double phase = 0;
                for (int j = 0; j < segment; j++) {
                    double progress = (double) j / segment;
                    double pitch = f0 + glide * progress;
                    phase += 2 * Math.PI * pitch / SAMPLE_RATE;
                    double v = 0;
                    for (int h = 1; h * pitch < 7800; h++) {
                        double f = h * pitch;
                        double a = 0;
                        for (double formant : formants) {
                            double d = (f - formant) / 120.0;
                            a += 1.0 / (1.0 + d * d);
                        }
                        v += a / h * Math.sin(h * phase);
                    }
                    double envelope = Math.sin(Math.PI * progress);
                    x[i + j] = (float) (gain * 0.3 * envelope * v);
                }
            } else if (kind < 0.85) {
                double previous = 0;
                for (int j = 0; j < segment; j++) {
                    double white = random.nextGaussian();
                    double bright = white - 0.9 * previous;
                    previous = white;
                    x[i + j] = (float) (gain * 0.15 * Math.sin(Math.PI * j / segment) * bright);
                }
            } else {
                for (int j = 0; j < segment; j++) {
                    x[i + j] = (float) (0.0005 * random.nextGaussian());
                }
            }
            i += segment;
        }
        for (int j = 0; j < n; j++) {
            x[j] = Math.max(-32768, Math.min(32767, Math.round(x[j] * 32768.0f))) / 32768f;
        }
        return x;
    }

    private static double measureJava(KaldiMfcc mfcc, List<float[]> waveforms, int repetitions) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure thread CPU time; expected ThreadMXBean support");
        }
        threads.setThreadCpuTimeEnabled(true);
        long warmupUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        double sink = 0;
        do {
            sink += onePass(mfcc, waveforms);
        } while (System.nanoTime() < warmupUntil);
        double[] seconds = new double[repetitions];
        for (int r = 0; r < repetitions; r++) {
            long start = threads.getCurrentThreadCpuTime();
            sink += onePass(mfcc, waveforms);
            seconds[r] = (threads.getCurrentThreadCpuTime() - start) / 1e9;
        }
        if (sink == 42.4242) {
            System.out.println("unlikely checksum " + sink);
        }
        return median(seconds);
    }

    private static double onePass(KaldiMfcc mfcc, List<float[]> waveforms) {
        double checksum = 0;
        for (float[] w : waveforms) {
            float[] f = mfcc.compute(w);
            if (f.length > 0) {
                checksum += f[f.length / 2];
            }
        }
        return checksum;
    }

    private static Map<String, String> runTorchaudio(List<float[]> waveforms, int repetitions) {
        Map<String, String> result = new HashMap<>();
        try (PythonReference python = PythonReference.prepare(MfccBenchmark.class, SCRIPT_RESOURCE, "mfcc-bench")) {
            if (python.unavailableReason().isPresent()) {
                result.put("error", python.unavailableReason().get());
                return result;
            }
            Path audio = python.dir().resolve("audio.raw");
            Path lengths = python.dir().resolve("lengths.txt");
            writeInt16(waveforms, audio);
            StringBuilder sb = new StringBuilder();
            for (float[] w : waveforms) {
                sb.append(w.length).append('\n');
            }
            Files.writeString(lengths, sb.toString());
            PythonReference.Outcome run = python.execute(List.of(audio.toString(), lengths.toString(),
                    Integer.toString(repetitions), "2"), Map.of("OMP_NUM_THREADS", "1", "MKL_NUM_THREADS", "1"),
                    TORCHAUDIO_TIMEOUT);
            result.putAll(PythonReference.keyValues(run.output()));
            if (run.exitCode() != 0 || !result.containsKey("pass_cpu_seconds")) {
                result.putIfAbsent("error", "torchaudio benchmark exited with status " + run.exitCode() + ": "
                        + run.output().strip());
            }
            return result;
        } catch (IOException e) {
            result.put("error", "could not run torchaudio benchmark: " + e);
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.put("error", "interrupted while running the torchaudio benchmark");
            return result;
        }
    }

    private static void writeInt16(List<float[]> waveforms, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] w : waveforms) {
                for (float v : w) {
                    if (buf.remaining() < 2) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    buf.putShort((short) Math.max(-32768, Math.min(32767, Math.round(v * 32768.0))));
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
