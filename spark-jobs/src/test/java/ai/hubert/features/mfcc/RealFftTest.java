package ai.hubert.features.mfcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RealFftTest {

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048})
    void spectrumMatchesNaiveDft(int n) {
        double[] x = randomSignal(n, n);
        double[][] spectrum = new RealFft(n).spectrum(x);
        double scale = 0.0;
        for (double v : x) {
            scale += Math.abs(v);
        }
        for (int k = 0; k <= n / 2; k++) {
            double re = 0.0;
            double im = 0.0;
            for (int j = 0; j < n; j++) {
                double angle = -2.0 * Math.PI * ((long) j * k % n) / n;
                re += x[j] * Math.cos(angle);
                im += x[j] * Math.sin(angle);
            }
            assertEquals(re, spectrum[0][k], 1e-12 * scale, "Re X[" + k + "] for n=" + n);
            assertEquals(im, spectrum[1][k], 1e-12 * scale, "Im X[" + k + "] for n=" + n);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {8, 512, 1024})
    void powerSpectrumMatchesSpectrum(int n) {
        RealFft fft = new RealFft(n);
        int length = n - n / 4 - 1;
        double[] x = randomSignal(length, 7 * n);
        double[] padded = new double[n];
        System.arraycopy(x, 0, padded, 0, length);
        double[][] spectrum = fft.spectrum(padded);
        double[] power = new double[n / 2 + 1];
        double[] re = new double[n / 2];
        double[] im = new double[n / 2];
        java.util.Arrays.fill(re, Double.NaN);
        java.util.Arrays.fill(im, Double.NaN);
        fft.powerSpectrum(padded, power, re, im);
        for (int k = 0; k <= n / 2; k++) {
            double expected = spectrum[0][k] * spectrum[0][k] + spectrum[1][k] * spectrum[1][k];
            assertEquals(expected, power[k], 1e-10 * (1 + expected), "|X[" + k + "]|^2 for n=" + n);
        }
    }

    @Test
    void pureToneLandsInItsBin() {
        int n = 512;
        double[] x = new double[n];
        for (int j = 0; j < n; j++) {
            x[j] = Math.cos(2 * Math.PI * 17 * j / n);
        }
        double[] power = new double[n / 2 + 1];
        new RealFft(n).powerSpectrum(x, power, new double[n / 2], new double[n / 2]);
        for (int k = 0; k <= n / 2; k++) {
            double expected = k == 17 ? (n / 2.0) * (n / 2.0) : 0.0;
            assertEquals(expected, power[k], 1e-12 * n * n, "bin " + k);
        }
    }

    @Test
    void rejectsSizesThatAreNotPowersOfTwo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RealFft(400));
        assertTrue(e.getMessage().contains("power of two >= 4 but was 400"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RealFft(2));
        RealFft fft = new RealFft(16);
        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
                () -> fft.powerSpectrum(new double[15], new double[9], new double[8], new double[8]));
        assertEquals("input must hold at least 16 samples but has 15", tooShort.getMessage());
    }

    private static double[] randomSignal(int n, long seed) {
        Random random = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextGaussian();
        }
        return x;
    }
}
