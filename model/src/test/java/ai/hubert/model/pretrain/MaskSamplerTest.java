package ai.hubert.model.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskSamplerTest {

    private static int count(boolean[] row) {
        int n = 0;
        for (boolean b : row) {
            n += b ? 1 : 0;
        }
        return n;
    }

    @Test
    void rowsHaveEqualCountsAndTheLastFrameIsNeverMasked() {
        MaskSampler s = new MaskSampler(0.8, 10, 2, new Random(1));
        for (int trial = 0; trial < 50; trial++) {
            boolean[][] m = s.mask(5, 99 + trial * 13);
            int c0 = count(m[0]);
            assertTrue(c0 > 0);
            for (boolean[] row : m) {
                assertEquals(c0, count(row));
                assertFalse(row[row.length - 1], "starts lie in [0, sz - 11], so frame sz - 1 stays unmasked");
            }
        }
    }

    /** hubert-spec.md section 6.1: about 49 % at T = 99 and 54 % at T = 780 with B = 5. */
    @Test
    void maskedFractionMatchesTheReferenceSimulation() {
        assertEquals(0.49, fraction(99, 400), 0.02);
        assertEquals(0.54, fraction(780, 100), 0.02);
    }

    private static double fraction(int frames, int trials) {
        MaskSampler s = new MaskSampler(0.8, 10, 2, new Random(7));
        long masked = 0;
        for (int i = 0; i < trials; i++) {
            for (boolean[] row : s.mask(5, frames)) {
                masked += count(row);
            }
        }
        return masked / (double) (trials * 5L * frames);
    }

    @Test
    void seededSamplersAreReproducibleAndPaddingIsNeverMasked() {
        boolean[][] a = new MaskSampler(0.8, 10, 2, new Random(42)).mask(3, 60);
        boolean[][] b = new MaskSampler(0.8, 10, 2, new Random(42)).mask(3, 60);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(a[i], b[i]);
        }
        boolean[][] pad = new boolean[2][60];
        for (int t = 40; t < 60; t++) {
            pad[1][t] = true;
        }
        boolean[][] m = new MaskSampler(0.8, 10, 2, new Random(3)).mask(2, 60, pad);
        for (int t = 40; t < 60; t++) {
            assertFalse(m[1][t]);
        }
    }

    @Test
    void shortRowsStillGetMinMasks() {
        boolean[][] m = new MaskSampler(0.8, 10, 2, new Random(5)).mask(2, 12);
        assertTrue(count(m[0]) >= 2);
    }
}
