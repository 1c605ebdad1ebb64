package ai.hubert.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NnOpsTest {

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian() * 2f;
        }
        return v;
    }

    @Test
    void fusedGeluIsTheExactErfGelu() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] xs = new float[1201];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = -6f + i * 0.01f;
            }
            NDArray x = m.create(xs);
            float[] fused = Gelu.apply(x).toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                double exact = 0.5 * xs[i] * (1 + erf(xs[i] / Math.sqrt(2)));
                // the tanh approximation is off by up to ~5e-4 here, far above this bound
                assertEquals(exact, fused[i], 2e-6, "gelu(" + xs[i] + ")");
            }
            float[] formula = Gelu.applyErf(x).toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                assertEquals(fused[i], formula[i], 2e-6);
            }
        }
    }

    /** Abramowitz-Stegun 7.1.26 is too coarse; use a series/continued fraction via double erfc identity. */
    private static double erf(double x) {
        // high-precision erf via Taylor series (|x| <= 6 / sqrt 2 ~ 4.3 needs many terms; use 200)
        double sum = 0;
        double term = x;
        for (int n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    @Test
    void groupNormMatchesDefinition() {
        try (NDManager m = NDManager.newBaseManager()) {
            int b = 2;
            int c = 4;
            int t = 7;
            float[] xv = random(b * c * t, 1);
            float[] gv = random(c, 2);
            float[] bv = random(c, 3);
            for (int groups : new int[] {1, 2, 4}) {
                float[] got = GroupNorm.apply(m.create(xv, new Shape(b, c, t)), groups, m.create(gv), m.create(bv),
                        1e-5f).toFloatArray();
                int per = c / groups;
                for (int bi = 0; bi < b; bi++) {
                    for (int g = 0; g < groups; g++) {
                        double mean = 0;
                        double sq = 0;
                        for (int ci = g * per; ci < (g + 1) * per; ci++) {
                            for (int ti = 0; ti < t; ti++) {
                                mean += xv[(bi * c + ci) * t + ti];
                            }
                        }
                        mean /= per * t;
                        for (int ci = g * per; ci < (g + 1) * per; ci++) {
                            for (int ti = 0; ti < t; ti++) {
                                double d = xv[(bi * c + ci) * t + ti] - mean;
                                sq += d * d;
                            }
                        }
                        double var = sq / (per * t);
                        for (int ci = g * per; ci < (g + 1) * per; ci++) {
                            for (int ti = 0; ti < t; ti++) {
                                int i = (bi * c + ci) * t + ti;
                                double want = (xv[i] - mean) / Math.sqrt(var + 1e-5) * gv[ci] + bv[ci];
                                assertEquals(want, got[i], 1e-5, "groups=" + groups + " index " + i);
                            }
                        }
                    }
                }
            }
            assertThrows(IllegalArgumentException.class,
                    () -> GroupNorm.apply(m.create(xv, new Shape(b, c, t)), 3, m.create(gv), m.create(bv), 1e-5f));
        }
    }

    @Test
    void weightNormNormalisesEachKernelTapOverOutAndIn() {
        try (NDManager m = NDManager.newBaseManager()) {
            int o = 6;
            int i = 3;
            int k = 5;
            float[] v = random(o * i * k, 4);
            float[] g = random(k, 5);
            float[] w = WeightNorm.weight(m.create(g, new Shape(1, 1, k)), m.create(v, new Shape(o, i, k)), 2)
                    .toFloatArray();
            for (int t = 0; t < k; t++) {
                double norm = 0;
                for (int a = 0; a < o * i; a++) {
                    norm += (double) v[a * k + t] * v[a * k + t];
                }
                norm = Math.sqrt(norm);
                for (int a = 0; a < o * i; a++) {
                    assertEquals(g[t] * v[a * k + t] / norm, w[a * k + t], 1e-6);
                }
            }
        }
    }

    @Test
    void gradMultiplyIsIdentityForwardAndScalesGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(random(10, 6));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = GradMultiply.apply(x, 0.1);
                assertArrayEquals(x.toFloatArray(), y.toFloatArray(), 0f); // bit-identical
                gc.backward(y.mul(3f).sum());
            }
            for (float g : x.getGradient().toFloatArray()) {
                assertEquals(0.3f, g, 1e-7);
            }
        }
    }

    @Test
    void clipsByGlobalNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {3f, 0f});
            NDArray b = m.create(new float[] {0f, 4f});
            assertEquals(5.0, GradientClipping.clipGlobalNorm(List.of(a, b), 10.0), 1e-9);
            assertArrayEquals(new float[] {3f, 0f}, a.toFloatArray()); // below the threshold: untouched
            assertEquals(5.0, GradientClipping.clipGlobalNorm(List.of(a, b), 1.0), 1e-9);
            double coef = 1.0 / (5.0 + 1e-6);
            assertArrayEquals(new float[] {(float) (3 * coef), 0f}, a.toFloatArray(), 1e-7f);
            assertArrayEquals(new float[] {0f, (float) (4 * coef)}, b.toFloatArray(), 1e-7f);
            assertEquals(2, m.getManagedArrays().size(), "clipping must not leave temporaries behind");
        }
    }
}
