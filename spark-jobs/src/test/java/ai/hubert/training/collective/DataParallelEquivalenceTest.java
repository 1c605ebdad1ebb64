package ai.hubert.training.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.hubert.model.HubertModel;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.pretrain.PretrainForward;
import ai.hubert.model.pretrain.PretrainMetrics;
import ai.hubert.model.train.Autograd;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Data parallelism changes nothing but speed: two ranks that each back-propagate half of a global batch and
 * all-reduce their gradients (normalised by the all-reduced masked-frame count) get the gradients one rank
 * gets from the whole batch. Dropout and the feature penalty (a per-batch mean, not additive over ranks in
 * fairseq either) are off so the comparison is exact up to float rounding.
 */
class DataParallelEquivalenceTest {
  private static final HubertConfig CONFIG = HubertConfig.tiny().toBuilder().dropouts(0, 0, 0, 0, 0).layerDrop(0)
      .lossWeights(1, 0, 0).build();
  private static final int BATCH = 4;
  private static final int SAMPLES = 8000;

  private static float[] audio;
  private static int[][] labels;
  private static boolean[][] masks;

  static {
    Random random = new Random(42);
    audio = new float[BATCH * SAMPLES];
    for (int i = 0; i < audio.length; i++) {
      audio[i] = (float) (0.1 * random.nextGaussian());
    }
    labels = new int[BATCH][50];
    for (int[] row : labels) {
      for (int t = 0; t < row.length; t++) {
        row[t] = random.nextInt(CONFIG.numClasses());
      }
    }
    masks = new boolean[BATCH][64];
    for (boolean[] row : masks) {
      for (int t = 0; t < row.length; t++) {
        row[t] = random.nextDouble() < 0.5;
      }
    }
  }

  /** Back-propagates rows [from, to) of the global batch; returns the flattened gradients and the masked frames. */
  private static Object[] gradients(int from, int to) {
    try (NDManager root = NDManager.newBaseManager(); HubertModel model = HubertModel.create(root, CONFIG, 9)) {
      int n = to - from;
      float[] part = new float[n * SAMPLES];
      System.arraycopy(audio, from * SAMPLES, part, 0, part.length);
      int[][] rows = java.util.Arrays.copyOfRange(labels, from, to);
      PretrainMetrics metrics;
      try (NDManager step = model.newStepManager()) {
        NDArray wav = step.create(part, new Shape(n, SAMPLES));
        metrics = Autograd.forwardBackward(() -> new PretrainForward(model).forward(wav, rows, (b, t) -> {
          boolean[][] m = new boolean[b][t];
          for (int i = 0; i < b; i++) {
            System.arraycopy(masks[from + i], 0, m[i], 0, t);
          }
          return m;
        }, true), o -> o.loss()).metrics();
        int total = 0;
        for (Parameter p : model.parameters().values()) {
          total += (int) p.getArray().size();
        }
        FloatBuffer flat = ByteBuffer.allocateDirect(4 * total).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
          flat.put(e.getValue().getArray().getGradient().toFloatArray());
        }
        flat.flip();
        return new Object[] {flat, metrics.sampleSize()};
      }
    }
  }

  @Test
  void twoRanksOnHalfBatchesEqualOneRankOnTheWholeBatch() throws Exception {
    Object[] single = gradients(0, BATCH);
    FloatBuffer whole = (FloatBuffer) single[0];
    long wholeFrames = (Long) single[1];

    List<TcpRingAllReduce> ring = LocalRing.open(2, RingOptions.defaults());
    try {
      List<Object> results = LocalRing.onThreads(2, rank -> {
        Object[] g = gradients(rank * BATCH / 2, (rank + 1) * BATCH / 2);
        FloatBuffer grads = (FloatBuffer) g[0];
        double own = 0;
        for (int i = 0; i < grads.limit(); i++) {
          own = Math.max(own, Math.abs(grads.get(i)));
        }
        if (!(own < 1e3)) { // tells a broken backward from a broken all-reduce if this test ever fails
          return "rank " + rank + "'s own gradients before the all-reduce reach " + own;
        }
        long frames = ring.get(rank).allReduceSum((Long) g[1]);
        ring.get(rank).allReduceSum(grads);
        return new Object[] {grads, frames};
      });
      for (Object o : results) {
        assertTrue(o instanceof Object[], "rank failed: " + o);
        Object[] r = (Object[]) o;
        FloatBuffer reduced = (FloatBuffer) r[0];
        assertEquals(wholeFrames, (long) (Long) r[1], "all-reduced masked frames equal the global batch's");
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < whole.limit(); i++) {
          double a = whole.get(i) / (double) wholeFrames;
          double b = reduced.get(i) / (double) wholeFrames;
          maxDiff = Math.max(maxDiff, Math.abs(a - b));
          maxRef = Math.max(maxRef, Math.abs(a));
        }
        assertTrue(maxRef > 0, "non-zero gradients");
        assertTrue(maxDiff <= 1e-5 * Math.max(1, maxRef), "normalised gradients differ by " + maxDiff + " (max |g| " + maxRef + ")");
      }
    } finally {
      ring.forEach(TcpRingAllReduce::close);
    }
  }
}
