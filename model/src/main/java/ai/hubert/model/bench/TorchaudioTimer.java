package ai.hubert.model.bench;

import ai.hubert.model.config.HubertConfig;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Times torchaudio's {@code HuBERTPretrainModel} with the classpath script {@code torchaudio_bench.py} in a
 * {@code /usr/bin/python3} subprocess ({@code torch.set_num_threads(threads)}, {@code OMP_WAIT_POLICY=PASSIVE}).
 */
final class TorchaudioTimer {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String SCRIPT = "torchaudio_bench.py";
    private static final long TIMEOUT_MINUTES = 30;

    /** Step times and versions, or the reason the reference could not run. */
    record Outcome(List<Double> stepSeconds, String note) {}

    private TorchaudioTimer() {}

    static Outcome time(HubertConfig config, int threads, int batch, int samples, int warmup, int steps, long seed) {
        if (!Files.isExecutable(PYTHON)) {
            return new Outcome(List.of(), PYTHON + " not found");
        }
        Path script = null;
        try {
            script = Files.createTempFile("torchaudio_bench", ".py");
            try (InputStream in = TorchaudioTimer.class.getResourceAsStream(SCRIPT)) {
                if (in == null) {
                    return new Outcome(List.of(), "classpath resource " + SCRIPT + " missing");
                }
                Files.write(script, in.readAllBytes());
            }
            ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), script.toString(), config.toJson(),
                    Integer.toString(threads), Integer.toString(batch), Integer.toString(samples),
                    Integer.toString(warmup), Integer.toString(steps), Long.toString(seed));
            pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
            pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
            pb.environment().put("MKL_NUM_THREADS", Integer.toString(threads));
            Path err = Files.createTempFile("torchaudio_bench", ".err");
            Path stdout = Files.createTempFile("torchaudio_bench", ".out");
            pb.redirectError(err.toFile());
            pb.redirectOutput(stdout.toFile());
            Process p = pb.start();
            boolean done = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            if (!done) {
                p.destroyForcibly().waitFor();
            }
            String out = Files.readString(stdout, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            Files.deleteIfExists(err);
            Files.deleteIfExists(stdout);
            if (!done) {
                return new Outcome(List.of(), "torchaudio run exceeded " + TIMEOUT_MINUTES + " minutes");
            }
            if (p.exitValue() != 0) {
                return new Outcome(List.of(), "python exited with " + p.exitValue() + ": " + lastLine(stderr));
            }
            String[] lines = out.strip().split("\n");
            JsonObject o = JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
            List<Double> times = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("times_s")) {
                times.add(e.getAsDouble());
            }
            return new Outcome(times, "torch " + o.get("torch").getAsString() + ", torchaudio "
                    + o.get("torchaudio").getAsString());
        } catch (IOException | RuntimeException e) {
            return new Outcome(List.of(), "torchaudio run failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(List.of(), "interrupted");
        } finally {
            if (script != null) {
                try {
                    Files.deleteIfExists(script);
                } catch (IOException ignored) {
                    // temp file; nothing else to do
                }
            }
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }
}
