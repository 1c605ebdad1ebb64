package ai.hubert.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;

/** Comparison helper: max abs diff against a reference, tolerance scaled by the reference magnitude. */
final class Parity {

    private Parity() {}

    /**
     * Asserts {@code max|a - r| <= tol * max(1, max|r|)} and prints the reached difference.
     *
     * @return the max abs diff
     */
    static double assertClose(String what, NDArray actual, NDArray reference, double tol) {
        assertArrayEquals(reference.getShape().getShape(), actual.getShape().getShape(), what + ": shape");
        return assertClose(what, actual.toFloatArray(), reference.toFloatArray(), tol);
    }

    static double assertClose(String what, float[] a, float[] r, double tol) {
        assertTrue(a.length == r.length, what + ": expected " + r.length + " values, found " + a.length);
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - r[i]);
            if (Double.isNaN(d)) {
                d = Double.POSITIVE_INFINITY;
            }
            maxDiff = Math.max(maxDiff, d);
            maxRef = Math.max(maxRef, Math.abs(r[i]));
        }
        double bound = tol * Math.max(1.0, maxRef);
        System.out.printf("parity %-70s max|diff| %.3e  max|ref| %.3e  bound %.1e%n", what, maxDiff, maxRef, bound);
        final double reached = maxDiff;
        assertTrue(reached <= bound, () -> what + ": expected max abs diff <= " + bound + ", found " + reached);
        return maxDiff;
    }
}
