package ai.hubert.features.mfcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares {@link KaldiMfcc} with torchaudio 0.13 ({@code kaldi.mfcc(use_energy=False)} + {@code compute_deltas}
 * twice) on the cases written by {@code scripts/fixtures/make_mfcc_fixture.py}.
 *
 * <p>Two references per case: torchaudio on the float32 waveform (the HuBERT call site) and the same code on a
 * float64 waveform. Every value must be within 1e-3 of the float32 reference, widened by that reference's own
 * float32 rounding error |ref32 - ref64| (which reaches ~3e-3 on frames with ~80 dB spectral dynamic range), and
 * within 5e-5 of the float64 reference (the latter is stored as float32: ~1e-5 of it is storage rounding).
 */
class KaldiMfccParityTest {
    private static final String FIXTURE = "/fixtures/mfcc/mfcc_parity_cases.bin";
    private static final double TOLERANCE = 1e-3;
    private static final double TOLERANCE_VS_FLOAT64 = 5e-5;
    private static final int CEPS = 13;
    private static final KaldiMfcc MFCC = new KaldiMfcc();
    private static final double[] WORST = new double[3];
    private static final double[] WORST_VS_FLOAT64 = new double[3];

    static Stream<FixtureCase> cases() throws IOException {
        return readFixture().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorchaudio(FixtureCase c) {
        float[] waveform = new float[c.samples.length];
        for (int i = 0; i < waveform.length; i++) {
            waveform[i] = c.samples[i] / 32768f;
        }
        assertEquals(c.frames, MFCC.numFrames(c.samples.length), c.name + ": frame count for N=" + c.samples.length);
        float[] actual = MFCC.compute(waveform);
        assertEquals(c.frames * 39, actual.length, c.name + ": output length (T x 39)");

        double[] blockMax = new double[3];
        double[] blockMax64 = new double[3];
        int[] blockArgmax = new int[3];
        int violations = 0;
        int beyondTolerance = 0;
        int firstViolation = -1;
        for (int i = 0; i < actual.length; i++) {
            int block = (i % 39) / CEPS;
            double diff = Math.abs((double) actual[i] - c.expected[i]);
            double diff64 = Math.abs((double) actual[i] - c.expected64[i]);
            double referenceNoise = Math.abs((double) c.expected[i] - c.expected64[i]);
            if (!(diff <= blockMax[block])) {
                blockMax[block] = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
                blockArgmax[block] = i;
            }
            if (!(diff64 <= blockMax64[block])) {
                blockMax64[block] = Double.isNaN(diff64) ? Double.POSITIVE_INFINITY : diff64;
            }
            if (!(diff <= TOLERANCE)) {
                beyondTolerance++;
            }
            if (!(diff <= TOLERANCE + referenceNoise)) {
                if (violations++ == 0) {
                    firstViolation = i;
                }
            }
        }
        synchronized (WORST) {
            for (int b = 0; b < 3; b++) {
                WORST[b] = Math.max(WORST[b], blockMax[b]);
                WORST_VS_FLOAT64[b] = Math.max(WORST_VS_FLOAT64[b], blockMax64[b]);
            }
        }
        String report = String.format(Locale.ROOT,
                "%-24s N=%6d T=%4d max|java-ref32| static=%.3g (frame %d, dim %d) delta=%.3g deltadelta=%.3g"
                        + " (%d values > 1e-3) | max|java-ref64| static=%.3g delta=%.3g deltadelta=%.3g",
                c.name, c.samples.length, c.frames, blockMax[0], blockArgmax[0] / 39, blockArgmax[0] % 39,
                blockMax[1], blockMax[2], beyondTolerance, blockMax64[0], blockMax64[1], blockMax64[2]);
        System.out.println(report);
        if (violations > 0) {
            int i = firstViolation;
            throw new AssertionError(String.format(Locale.ROOT,
                    "%d values differ from the float32 reference by more than %.0e + |ref32-ref64|; first at frame %d"
                            + " dim %d: java=%.6f ref32=%.6f ref64=%.6f%n%s", violations, TOLERANCE, i / 39, i % 39,
                    actual[i], c.expected[i], c.expected64[i], report));
        }
        for (int b = 0; b < 3; b++) {
            assertTrue(blockMax64[b] <= TOLERANCE_VS_FLOAT64, "float64 reference, block " + b + ": " + report);
        }

        byte[] pcm = new byte[2 * c.samples.length];
        ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().put(c.samples);
        float[] fromPcm = MFCC.computePcm16(pcm);
        assertEquals(actual.length, fromPcm.length, c.name + ": PCM16 path output length");
        for (int i = 0; i < actual.length; i++) {
            assertEquals(actual[i], fromPcm[i], c.name + ": PCM16 path differs from float path at " + i);
        }
    }

    @Test
    void fixtureCoversTheRequiredCases() throws IOException {
        List<String> names = readFixture().stream().map(FixtureCase::name).toList();
        for (String required : List.of("length_399", "length_400", "length_401", "length_559", "length_560",
                "digital_silence_1s", "full_scale_clipping_1s", "very_quiet_3lsb_1s", "noise_plus_chirp_3s")) {
            assertTrue(names.contains(required), "fixture should contain " + required + " but has " + names);
        }
        assertTrue(names.stream().filter(n -> n.startsWith("speech_")).count() >= 3,
                "fixture should contain at least 3 speech utterances but has " + names);
    }

    @AfterAll
    static void printWorst() {
        System.out.printf(Locale.ROOT, "MFCC parity, max over all cases: |java-ref32| static=%.3g delta=%.3g "
                        + "deltadelta=%.3g; |java-ref64| static=%.3g delta=%.3g deltadelta=%.3g%n",
                WORST[0], WORST[1], WORST[2], WORST_VS_FLOAT64[0], WORST_VS_FLOAT64[1], WORST_VS_FLOAT64[2]);
    }

    /** expected: torchaudio on the float32 waveform; expected64: the same on a float64 waveform. */
    record FixtureCase(String name, short[] samples, int frames, float[] expected, float[] expected64) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<FixtureCase> readFixture() throws IOException {
        byte[] bytes;
        try (InputStream in = KaldiMfccParityTest.class.getResourceAsStream(FIXTURE)) {
            if (in == null) {
                throw new IOException("test resource " + FIXTURE + " is missing; regenerate it with "
                        + "/usr/bin/python3 scripts/fixtures/make_mfcc_fixture.py");
            }
            bytes = in.readAllBytes();
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        buf.get(magic);
        String magicText = new String(magic, StandardCharsets.US_ASCII);
        if (!magicText.equals("MFCCFX01")) {
            throw new IOException("fixture magic should be MFCCFX01 but was " + magicText);
        }
        int count = buf.getInt();
        List<FixtureCase> cases = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            byte[] name = new byte[buf.getInt()];
            buf.get(name);
            short[] samples = new short[buf.getInt()];
            buf.asShortBuffer().get(samples);
            buf.position(buf.position() + 2 * samples.length);
            int frames = buf.getInt();
            int dim = buf.getInt();
            if (dim != 39) {
                throw new IOException("fixture feature dimension should be 39 but was " + dim);
            }
            float[] expected = readFloats(buf, frames * dim);
            float[] expected64 = readFloats(buf, frames * dim);
            cases.add(new FixtureCase(new String(name, StandardCharsets.UTF_8), samples, frames, expected,
                    expected64));
        }
        if (buf.hasRemaining()) {
            throw new IOException("fixture has " + buf.remaining() + " trailing bytes after " + count + " cases");
        }
        return cases;
    }

    private static float[] readFloats(ByteBuffer buf, int count) {
        float[] values = new float[count];
        buf.asFloatBuffer().get(values);
        buf.position(buf.position() + 4 * count);
        return values;
    }
}
