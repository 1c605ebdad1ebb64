package ai.hubert.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** AdamW, polynomial decay and the guarded step against scripts/fixtures/make_optimizer_fixture.py. */
class AdamWTest {

    private static final double REL_TOL = 1e-6;

    private static JsonObject fixture() throws Exception {
        Path p = Path.of(AdamWTest.class.getResource("/fixtures/optimizer_reference.json").toURI());
        return JsonParser.parseString(Files.readString(p)).getAsJsonObject();
    }

    private static float[] floats(JsonArray a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsFloat();
        }
        return out;
    }

    private static Shape shape(JsonArray a) {
        long[] s = new long[a.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = a.get(i).getAsLong();
        }
        return new Shape(s);
    }

    /** Max over elements of |a - r| / max(|r|, 1e-3 * max|r|). */
    private static double relDiff(float[] a, float[] r) {
        double maxRef = 0;
        for (float v : r) {
            maxRef = Math.max(maxRef, Math.abs(v));
        }
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - r[i]) / Math.max(Math.abs(r[i]), 1e-3 * maxRef);
            worst = Math.max(worst, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
        }
        return worst;
    }

    @ParameterizedTest
    @EnumSource(AdamEpsilon.class)
    void matchesReferenceUpdatesWithScheduleAndClipping(AdamEpsilon variant) throws Exception {
        JsonObject fx = fixture();
        JsonArray betas = fx.getAsJsonArray("betas");
        JsonObject sch = fx.getAsJsonObject("schedule");
        PolynomialDecaySchedule schedule = PolynomialDecaySchedule.hubert(sch.get("peak").getAsDouble(),
                sch.get("warmup").getAsLong(), sch.get("total").getAsLong());
        JsonArray shapes = fx.getAsJsonArray("shapes");
        JsonArray init = fx.getAsJsonArray("init");
        JsonArray gradSteps = fx.getAsJsonArray("grads");
        JsonArray expected = fx.getAsJsonArray(variant == AdamEpsilon.FAIRSEQ ? "fairseq_adam" : "torch_adamw");
        JsonArray otherRef = fx.getAsJsonArray(variant == AdamEpsilon.FAIRSEQ ? "torch_adamw" : "fairseq_adam");
        try (NDManager root = NDManager.newBaseManager();
                AdamW adam = new AdamW(root, betas.get(0).getAsDouble(), betas.get(1).getAsDouble(),
                        fx.get("eps").getAsDouble(), fx.get("weight_decay").getAsDouble(), variant)) {
            Map<String, Parameter> params = new LinkedHashMap<>();
            for (int i = 0; i < shapes.size(); i++) {
                NDArray a = root.create(floats(init.get(i).getAsJsonArray()), shape(shapes.get(i).getAsJsonArray()));
                a.setRequiresGradient(true);
                params.put("p" + i, Parameter.builder().setName("p" + i).setType(Parameter.Type.WEIGHT)
                        .optArray(a).build());
            }
            OptimizerStep step = new OptimizerStep(adam, schedule, fx.get("clip_norm").getAsDouble());
            int baseline = -1;
            double worst = 0;
            double worstOther = 0;
            for (int k = 0; k < gradSteps.size(); k++) {
                JsonArray g = gradSteps.get(k).getAsJsonArray();
                try (NDManager s = root.newSubManager()) {
                    s.tempAttachAll(params.values().stream().map(Parameter::getArray).toArray(NDArray[]::new));
                    NDArray loss = null;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        for (int i = 0; i < shapes.size(); i++) {
                            NDArray p = params.get("p" + i).getArray();
                            NDArray c = s.create(floats(g.get(i).getAsJsonArray()), p.getShape());
                            NDArray term = p.mul(c).sum(); // d term / d p = c exactly
                            loss = loss == null ? term : loss.add(term);
                        }
                        gc.backward(loss);
                    }
                }
                StepReport r = step.apply(params);
                assertFalse(r.skipped());
                assertEquals(k + 1, r.numUpdates());
                assertEquals(fx.getAsJsonArray("lrs").get(k).getAsDouble(), r.lr(), 1e-15, "lr of update " + (k + 1));
                double refNorm = fx.getAsJsonArray("grad_norms").get(k).getAsDouble();
                assertEquals(refNorm, r.gradNorm(), 1e-6 * refNorm, "grad norm of update " + (k + 1));
                for (int i = 0; i < shapes.size(); i++) {
                    float[] got = params.get("p" + i).getArray().toFloatArray();
                    double d = relDiff(got, floats(expected.get(k).getAsJsonArray().get(i).getAsJsonArray()));
                    worst = Math.max(worst, d);
                    worstOther = Math.max(worstOther,
                            relDiff(got, floats(otherRef.get(k).getAsJsonArray().get(i).getAsJsonArray())));
                }
                if (k == 0) {
                    baseline = root.getManagedArrays().size(); // parameters + lazily created moments
                }
                assertEquals(baseline, root.getManagedArrays().size(), "arrays leaked by update " + (k + 1));
            }
            System.out.printf("optimizer %s: max relative diff vs reference %.3e, vs the other eps placement %.3e%n",
                    variant, worst, worstOther);
            assertTrue(worst <= REL_TOL, "expected relative diff <= " + REL_TOL + ", found " + worst);
            assertTrue(worstOther > 1e-4, "the eps placements must be distinguishable, found " + worstOther);
        }
    }

    @Test
    void scheduleMatchesFairseqPolynomialDecay() throws Exception {
        JsonObject base = fixture().getAsJsonObject("base_schedule");
        PolynomialDecaySchedule s = PolynomialDecaySchedule.hubert(base.get("peak").getAsDouble(),
                base.get("warmup").getAsLong(), base.get("total").getAsLong());
        for (var e : base.getAsJsonArray("points")) {
            long n = e.getAsJsonArray().get(0).getAsLong();
            double lr = e.getAsJsonArray().get(1).getAsDouble();
            assertEquals(lr, s.lr(n), Math.ulp(lr) * 2 + 1e-20, "lr(" + n + ")");
        }
        assertEquals(0.0, s.lr(0));
        assertEquals(5e-4, s.lr(32000), 1e-18);
        assertEquals(2.5e-4, s.lr(216000), 1e-18);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PolynomialDecaySchedule.hubert(1e-3, 10, 10));
        assertTrue(e.getMessage().contains("warmup 10 and total 10"), e.getMessage());
    }

    @Test
    void skipsNonFiniteGradientsWithoutTouchingParametersOrState() {
        try (NDManager root = NDManager.newBaseManager(); AdamW adam = AdamW.hubert(root)) {
            NDArray a = root.create(new float[] {1f, -2f, 3f});
            a.setRequiresGradient(true);
            Map<String, Parameter> params = Map.of("w", Parameter.builder().setName("w")
                    .setType(Parameter.Type.WEIGHT).optArray(a).build());
            OptimizerStep step = new OptimizerStep(adam, PolynomialDecaySchedule.hubert(1e-2, 0, 100), 1.0);
            try (NDManager s = root.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(a.mul(s.create(new float[] {1f, Float.NaN, 0f})).sum());
            }
            StepReport r = step.apply(params);
            assertTrue(r.skipped() && Double.isNaN(r.gradNorm()));
            assertEquals(0, r.numUpdates());
            assertEquals(0, adam.steps());
            assertEquals(1, step.skipped());
            assertEquals(java.util.List.of(1f, -2f, 3f), java.util.List.of(a.toFloatArray()[0], a.toFloatArray()[1],
                    a.toFloatArray()[2]));
            assertEquals(0f, a.getGradient().abs().sum().getFloat(), "gradients are zeroed after a skip");
            try (NDManager s = root.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(a.mul(s.create(new float[] {1f, 1f, 1f})).sum());
            }
            r = step.apply(params);
            assertFalse(r.skipped());
            assertEquals(1, r.numUpdates());
            assertEquals(1e-2, r.lr(), 1e-15);
            assertTrue(a.toFloatArray()[0] < 1f, "a finite step moves the parameter");
        }
    }
}
