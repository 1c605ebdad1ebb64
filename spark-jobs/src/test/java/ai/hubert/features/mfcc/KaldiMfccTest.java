package ai.hubert.features.mfcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KaldiMfccTest {
    private final KaldiMfcc mfcc = new KaldiMfcc();

    @ParameterizedTest(name = "N={0} -> T={1}")
    @CsvSource({"0,0", "1,0", "399,0", "400,1", "401,1", "559,1", "560,2", "561,2", "16000,98", "250000,1561"})
    void numFramesFollowsSnipEdges(int samples, int frames) {
        assertEquals(frames, mfcc.numFrames(samples));
        assertEquals(frames * 39, mfcc.compute(new float[samples]).length);
    }

    @Test
    void numFramesMatchesTheFormulaExhaustively() {
        for (int n = 0; n < 20000; n++) {
            int expected = n < 400 ? 0 : 1 + Math.floorDiv(n - 400, 160);
            assertEquals(expected, mfcc.numFrames(n), "N=" + n);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mfcc.numFrames(-1));
        assertEquals("numSamples must be >= 0 but was -1", e.getMessage());
    }

    @Test
    void pcm16IsLittleEndianDividedBy32768() {
        short[] samples = {0, 1, -1, 32767, -32768, 12345, -23456};
        float[] waveform = new float[4000];
        byte[] pcm = new byte[2 * waveform.length];
        for (int i = 0; i < waveform.length; i++) {
            short s = samples[i % samples.length];
            waveform[i] = s / 32768f;
            pcm[2 * i] = (byte) s;
            pcm[2 * i + 1] = (byte) (s >> 8);
        }
        assertArrayEquals(mfcc.compute(waveform), mfcc.computePcm16(pcm));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mfcc.computePcm16(new byte[801]));
        assertEquals("PCM16 data must have an even number of bytes (2 per sample) but had 801", e.getMessage());
    }

    @Test
    void digitalSilenceHitsTheLogFloor() {
        float[] features = mfcc.compute(new float[1600]);
        // C0 = sqrt(23) * ln(float32 epsilon), deltas of a constant are 0
        for (int t = 0; t < mfcc.numFrames(1600); t++) {
            assertEquals(Math.sqrt(23) * Math.log(Math.ulp(1.0f)), features[39 * t], 1e-4);
            for (int d = 13; d < 39; d++) {
                assertEquals(0.0f, features[39 * t + d], "frame " + t + " dim " + d);
            }
        }
    }

    @Test
    void deltasAreTheReplicatePaddedRegressionOfTheStatics() {
        float[] features = mfcc.compute(noise(8000, 3));
        int frames = features.length / 39;
        for (int t = 0; t < frames; t++) {
            for (int c = 0; c < 13; c++) {
                for (int block = 1; block <= 2; block++) {
                    int from = (block - 1) * 13 + c;
                    double sum = 0;
                    for (int n = 1; n <= 2; n++) {
                        sum += n * ((double) features[39 * Math.min(t + n, frames - 1) + from]
                                - features[39 * Math.max(t - n, 0) + from]);
                    }
                    assertEquals(sum / 10.0, features[39 * t + block * 13 + c], 1e-5,
                            "frame " + t + " block " + block + " coefficient " + c);
                }
            }
        }
    }

    @Test
    void withoutDeltasOnlyTheStaticsAreReturned() {
        float[] waveform = noise(4000, 11);
        KaldiMfcc staticOnly = new KaldiMfcc(MfccOptions.builder().useDeltas(false).build());
        float[] full = mfcc.compute(waveform);
        float[] statics = staticOnly.compute(waveform);
        assertEquals(13, staticOnly.featureDim());
        assertEquals(full.length / 3, statics.length);
        for (int t = 0; t < statics.length / 13; t++) {
            for (int c = 0; c < 13; c++) {
                assertEquals(full[39 * t + c], statics[13 * t + c]);
            }
        }
    }

    @Test
    void oneInstanceIsSafeToShareBetweenThreads() throws Exception {
        List<float[]> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            inputs.add(noise(3000 + 517 * i, i));
            expected.add(new KaldiMfcc().compute(inputs.get(i)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int rep = 0; rep < 4; rep++) {
                for (int i = 0; i < inputs.size(); i++) {
                    int index = i;
                    results.add(pool.submit(() -> java.util.Arrays.equals(expected.get(index),
                            mfcc.compute(inputs.get(index)))));
                }
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get(), "a shared instance gave a different result under concurrency");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static float[] noise(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (0.1 * random.nextGaussian() + 0.2 * Math.sin(i * 0.05));
        }
        return x;
    }
}
