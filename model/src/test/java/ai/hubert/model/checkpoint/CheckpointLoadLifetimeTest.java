package ai.hubert.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.hubert.model.FeatureExtractor;
import ai.hubert.model.HubertModel;
import ai.hubert.model.config.HubertConfig;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loaded model must own its weights: arrays read from a checkpoint view direct buffers that the
 * garbage collector frees after loading (a model that aliased them computed NaN, then crashed libtorch).
 */
class CheckpointLoadLifetimeTest {
    @TempDir Path tmp;

    @Test
    void aLoadedModelKeepsItsWeightsAfterTheLoadBuffersAreCollected() throws Exception {
        float[] wave = new float[16000];
        Random random = new Random(1);
        for (int i = 0; i < wave.length; i++) {
            wave[i] = (float) (0.3 * Math.sin(i * 0.05) + 0.05 * random.nextGaussian());
        }
        float[] expected;
        try (NDManager m = NDManager.newBaseManager(); HubertModel model = HubertModel.create(m, HubertConfig.tiny(), 11)) {
            expected = FeatureExtractor.fairseq(model, 2).extract(m, wave).toFloatArray();
            HubertCheckpoint.save(model, "{}", tmp.resolve("ckpt"));
        }
        try (NDManager m = NDManager.newBaseManager(); HubertModel model = HubertCheckpoint.load(m, tmp.resolve("ckpt"))) {
            for (int i = 0; i < 5; i++) {
                byte[][] garbage = new byte[64][];
                for (int j = 0; j < garbage.length; j++) {
                    garbage[j] = new byte[1 << 20];
                }
                System.gc();
            }
            float[] actual = FeatureExtractor.fairseq(model, 2).extract(m, wave).toFloatArray();
            for (float v : actual) {
                assertTrue(Float.isFinite(v), "finite features after reload");
            }
            assertArrayEquals(expected, actual, 1e-6f);
        }
    }
}
