package ai.hubert.features.mfcc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeltaRegressionTest {

    /** Every frame count around the edge cases (no interior, one interior frame, ...) matches the clamped formula. */
    @ParameterizedTest(name = "window={0}")
    @CsvSource({"5", "3", "7", "9"})
    void matchesTheClampedFormulaForEveryLength(int window) {
        int half = (window - 1) / 2;
        double denominator = 0.0;
        for (int n = 1; n <= half; n++) {
            denominator += 2.0 * n * n;
        }
        int width = 4;
        int stride = 2 * width + 1;
        Random random = new Random(window);
        for (int frames = 1; frames <= 4 * half + 3; frames++) {
            float[] features = new float[frames * stride];
            for (int i = 0; i < features.length; i++) {
                features[i] = (float) random.nextGaussian();
            }
            float[] input = features.clone();
            new DeltaRegression(window).apply(features, frames, stride, 1, 1 + width, width);
            for (int t = 0; t < frames; t++) {
                for (int c = 0; c < width; c++) {
                    double sum = 0.0;
                    for (int n = 1; n <= half; n++) {
                        int ahead = Math.min(t + n, frames - 1);
                        int behind = Math.max(t - n, 0);
                        sum += n * ((double) input[ahead * stride + 1 + c] - input[behind * stride + 1 + c]);
                    }
                    assertEquals((float) (sum / denominator), features[t * stride + 1 + width + c],
                            "T=" + frames + " t=" + t + " c=" + c);
                }
            }
        }
    }
}
