package ai.hubert.features.mfcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MelFilterBankTest {

    @Test
    void applyLogIsTheFlooredLogOfTheWeightedPowerSums() {
        int fftSize = 512;
        MelFilterBank bank = new MelFilterBank(23, fftSize, 16000.0, 20.0, 8000.0);
        Random random = new Random(3);
        double[] power = new double[fftSize / 2 + 1];
        for (int k = 0; k < power.length; k++) {
            power[k] = Math.exp(10 * random.nextGaussian());
        }
        double[] logMel = new double[23];
        bank.applyLog(power, 1e-30, logMel);
        for (int m = 0; m < 23; m++) {
            double energy = 0.0;
            int support = 0;
            for (int k = 0; k < power.length; k++) {
                energy += bank.weight(m, k) * power[k];
                support += bank.weight(m, k) > 0.0 ? 1 : 0;
            }
            assertTrue(support > 0, "filter " + m + " should have non-zero weights");
            assertEquals(Math.log(Math.max(energy, 1e-30)), logMel[m], 1e-12, "filter " + m);
        }
        assertEquals(0.0, bank.weight(22, fftSize / 2), "the Nyquist bin has weight 0");
    }

    @Test
    void silenceHitsTheFloor() {
        MelFilterBank bank = new MelFilterBank(23, 512, 16000.0, 20.0, 8000.0);
        double[] logMel = new double[23];
        bank.applyLog(new double[257], 1e-7, logMel);
        for (double v : logMel) {
            assertEquals(Math.log(1e-7), v);
        }
    }
}
