package ai.hubert.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native memory over 1,000 training steps of a very small model ({@link TrainingMemoryProbe}, run in a child JVM
 * with a fixed 128 MiB heap, serial GC and C1 only, so that Java heap growth and C2 compiler arenas do not show up
 * in the RSS): after {@link #WARMUP} steps the number of live NDArrays must equal the parameter count at every
 * sample, and VmRSS must not exceed its post-warm-up value by more than {@link #RSS_TOLERANCE_MIB}.
 */
class TrainingMemoryTest {

    private static final int STEPS = 1000;
    private static final int EVERY = 50;
    private static final int WARMUP = 100;
    private static final long RSS_TOLERANCE_MIB = 16;

    @TempDir
    Path dir;

    @Test
    void liveArraysAndRssStayFlatOverAThousandSteps() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path out = dir.resolve("probe.out");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xms128m", "-Xmx128m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                TrainingMemoryProbe.class.getName(), Integer.toString(STEPS), Integer.toString(EVERY));
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertTrue(done && p.exitValue() == 0, "probe JVM failed: " + lines);
        String line = lines.stream().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("Expected a RESULT line from the probe, found " + lines));
        JsonObject r = JsonParser.parseString(line.substring("RESULT ".length())).getAsJsonObject();
        int parameters = r.get("parameters").getAsInt();
        long rssWarm = -1;
        long rssMax = 0;
        long rssLast = 0;
        for (JsonElement e : r.getAsJsonArray("trace")) {
            JsonObject point = e.getAsJsonObject();
            int step = point.get("step").getAsInt();
            long rss = point.get("rss_kib").getAsLong();
            if (step < WARMUP) {
                continue;
            }
            assertEquals(parameters, point.get("arrays").getAsInt(), "live NDArrays at step " + step);
            if (step == WARMUP) {
                rssWarm = rss;
            } else {
                rssMax = Math.max(rssMax, rss);
                rssLast = rss;
            }
        }
        System.out.printf("memory: %d steps in %.1f s; live NDArrays = %d parameters at every sample after step %d;"
                + " VmRSS %d KiB at step %d, %d KiB at step %d, max %d KiB (growth %+d KiB, tolerance %d MiB);"
                + " skipped non-finite steps %d; masked loss per %d steps %s%n", STEPS, r.get("seconds").getAsDouble(),
                parameters, WARMUP, rssWarm, WARMUP, rssLast, STEPS, rssMax, rssMax - rssWarm, RSS_TOLERANCE_MIB,
                r.get("skipped_non_finite").getAsInt(), EVERY, r.get("loss_m"));
        assertTrue(rssWarm > 0, "expected an RSS sample at step " + WARMUP);
        assertTrue(rssMax - rssWarm <= RSS_TOLERANCE_MIB * 1024, "expected VmRSS growth after warm-up <= "
                + RSS_TOLERANCE_MIB + " MiB, found " + (rssMax - rssWarm) / 1024 + " MiB");
    }
}
