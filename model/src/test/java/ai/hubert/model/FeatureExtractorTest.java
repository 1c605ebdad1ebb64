package ai.hubert.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hubert.model.checkpoint.FairseqConfigReader;
import ai.hubert.model.config.ExtractorMode;
import ai.hubert.model.config.HubertConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** fairseq feature-dumping semantics: 1-based early exit, whole-utterance normalisation, independent chunks. */
class FeatureExtractorTest {

    private static final HubertConfig TINY_PRE_LN = HubertConfig.tiny().toBuilder()
            .extractorMode(ExtractorMode.LAYER_NORM).layerNormFirst(true).build();

    private static float[] audio(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (0.05 + 0.2 * r.nextGaussian());
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyLayerInOnePassEqualsEachEarlyExit(boolean preLn) {
        HubertConfig config = preLn ? TINY_PRE_LN : HubertConfig.tiny();
        try (NDManager root = NDManager.newBaseManager(); HubertModel model = HubertModel.create(root, config, 11)) {
            float[] wav = audio(9_000, 5);
            // two chunks (8000 + 1000 samples) and normalisation, so both code paths are covered
            FeatureExtractor all = new FeatureExtractor(model, config.numLayers(), true, 8_000);
            try (NDManager out = root.newSubManager()) {
                List<NDArray> layers = all.extractLayers(out, wav);
                assertEquals(config.numLayers(), layers.size());
                for (int layer = 1; layer <= config.numLayers(); layer++) {
                    NDArray single = new FeatureExtractor(model, layer, true, 8_000).extract(out, wav);
                    assertEquals(single.getShape(), layers.get(layer - 1).getShape(), "layer " + layer);
                    assertArrayEquals(single.toFloatArray(), layers.get(layer - 1).toFloatArray(), 1e-5f, "layer " + layer);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hubert_tiny_base", "hubert_tiny_large"})
    void unchunkedMatchesTorchaudioPerLayer(String fixtureName) throws Exception {
        try (NDManager root = NDManager.newBaseManager()) {
            TorchaudioFixture fx = TorchaudioFixture.load(root, fixtureName);
            try (HubertModel model = HubertModel.fromStateDict(root, fx.config, fx.fairseqStateDict())) {
                NDArray wav = fx.get("input.waveform");
                int rows = (int) wav.getShape().get(0);
                for (int layer = 1; layer <= fx.config.numLayers(); layer++) {
                    FeatureExtractor fe = new FeatureExtractor(model, layer, false, FeatureExtractor.DEFAULT_MAX_CHUNK);
                    NDArray ref = fx.get("nomask.layer." + layer);
                    for (int b = 0; b < rows; b++) {
                        try (NDManager out = root.newSubManager()) {
                            NDArray got = fe.extract(out, wav.get(b).toFloatArray());
                            Parity.assertClose(fixtureName + " layer " + layer + " row " + b, got, ref.get(b), 1e-4);
                        }
                    }
                }
            }
        }
    }

    @Test
    void chunksAreIndependentAndFramesAddUp() {
        int maxChunk = 4000;
        float[] wav = audio(2 * maxChunk + 1000, 11);
        try (NDManager root = NDManager.newBaseManager();
                HubertModel model = HubertModel.create(root, HubertConfig.tiny(), 7)) {
            FeatureExtractor chunked = new FeatureExtractor(model, 3, false, maxChunk);
            FeatureExtractor whole = new FeatureExtractor(model, 3, false, FeatureExtractor.DEFAULT_MAX_CHUNK);
            int perChunk = model.config().convFrames(maxChunk);
            int tail = model.config().convFrames(1000);
            assertEquals(12, perChunk);
            assertEquals(2, tail);
            assertEquals(2L * perChunk + tail, chunked.frames(wav.length));
            assertEquals(27, whole.frames(wav.length)); // whole-utterance framing: one frame more (drift)
            int before = root.getManagedArrays().size();
            NDArray got = chunked.extract(root, wav);
            assertEquals(before + 1, root.getManagedArrays().size(), "extraction must leave only its result");
            assertEquals(new Shape(2L * perChunk + tail, 256), got.getShape());
            int start = 0;
            int frame = 0;
            for (int len : new int[] {maxChunk, maxChunk, 1000}) {
                float[] piece = Arrays.copyOfRange(wav, start, start + len);
                NDArray alone = whole.extract(root, piece);
                int n = model.config().convFrames(len);
                assertArrayEquals(alone.toFloatArray(), got.get(frame + ":" + (frame + n)).toFloatArray(),
                        "chunk at sample " + start + " must equal extracting that chunk alone");
                start += len;
                frame += n;
                alone.close();
            }
            NDArray unchunked = whole.extract(root, wav);
            assertEquals(27, unchunked.getShape().get(0));
            assertFalse(Arrays.equals(unchunked.get("0:12").toFloatArray(),
                    chunked.extract(root, wav).get("0:12").toFloatArray()),
                    "frames of the first chunk see less context than whole-utterance frames");
        }
    }

    @Test
    void normalizesTheWholeUtteranceBeforeChunking() {
        int maxChunk = 4000;
        float[] wav = audio(maxChunk + 2000, 5);
        double mean = 0;
        for (float v : wav) {
            mean += v;
        }
        mean /= wav.length;
        double var = 0;
        for (float v : wav) {
            var += (v - mean) * (v - mean);
        }
        var /= wav.length;
        float[] normed = new float[wav.length];
        for (int i = 0; i < wav.length; i++) {
            normed[i] = (float) ((wav[i] - mean) / Math.sqrt(var + 1e-5));
        }
        try (NDManager root = NDManager.newBaseManager();
                HubertModel model = HubertModel.create(root, TINY_PRE_LN, 3)) {
            NDArray got = new FeatureExtractor(model, 2, true, maxChunk).extract(root, wav);
            FeatureExtractor plain = new FeatureExtractor(model, 2, false, FeatureExtractor.DEFAULT_MAX_CHUNK);
            NDArray first = plain.extract(root, Arrays.copyOfRange(normed, 0, maxChunk));
            NDArray second = plain.extract(root, Arrays.copyOfRange(normed, maxChunk, wav.length));
            int n1 = (int) first.getShape().get(0);
            Parity.assertClose("normalised chunk 1", got.get("0:" + n1), first, 1e-4);
            Parity.assertClose("normalised chunk 2", got.get(n1 + ":"), second, 1e-4);
            NDArray raw = new FeatureExtractor(model, 2, false, maxChunk).extract(root, wav);
            assertFalse(Arrays.equals(raw.toFloatArray(), got.toFloatArray()), "normalize must change the input");
        }
    }

    @Test
    void earlyExitSkipsTheFinalLayerNormOfPreLnModels() {
        float[] wav = audio(6400, 9);
        try (NDManager root = NDManager.newBaseManager();
                HubertModel model = HubertModel.create(root, TINY_PRE_LN, 4);
                NDManager step = model.newStepManager()) {
            List<NDArray> hidden = model.hiddenStates(step.create(wav, new Shape(1, wav.length)));
            NDArray full = model.extract(step.create(wav, new Shape(1, wav.length)), 0).squeeze(0);
            for (int layer = 1; layer <= TINY_PRE_LN.numLayers(); layer++) {
                NDArray got = new FeatureExtractor(model, layer, false, 1_600_000).extract(step, wav);
                assertArrayEquals(hidden.get(layer).squeeze(0).toFloatArray(), got.toFloatArray(), 0f,
                        "layer " + layer);
            }
            NDArray last = new FeatureExtractor(model, TINY_PRE_LN.numLayers(), false, 1_600_000).extract(step, wav);
            assertTrue(last.sub(full).abs().max().getFloat() > 1e-3, "the last layer's output is taken before "
                    + "the final LayerNorm");
        }
    }

    @Test
    void validatesArgumentsAndTakesNormalizeFromTheFairseqTask() {
        try (NDManager root = NDManager.newBaseManager();
                HubertModel model = HubertModel.create(root, HubertConfig.tiny(), 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new FeatureExtractor(model, 0, false, 10));
            assertTrue(e.getMessage().contains("[1, 4]") && e.getMessage().contains("found 0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> new FeatureExtractor(model, 1, false, 4000).extract(root, new float[4100]));
            assertTrue(e.getMessage().contains("Chunk [4000, 4100)"), e.getMessage());
            assertFalse(FeatureExtractor.fairseq(model, 2).normalize());
            assertEquals(FeatureExtractor.DEFAULT_MAX_CHUNK, FeatureExtractor.fairseq(model, 2).maxChunk());
        }
        Map<String, Object> model = Map.of("_name", "hubert", "label_rate", 50);
        assertTrue(FairseqConfigReader.fromSections(model, Map.of("normalize", true), Map.of(), 504).normalize());
        assertFalse(FairseqConfigReader.fromSections(model, Map.of("normalize", false), Map.of(), 504).normalize());
        assertFalse(FairseqConfigReader.fromSections(model, Map.of(), Map.of(), 504).normalize());
        assertTrue(HubertConfig.large().normalize() && HubertConfig.xlarge().normalize());
        assertFalse(HubertConfig.base().normalize());
        HubertConfig roundTrip = HubertConfig.fromJson(HubertConfig.large().toJson());
        assertTrue(roundTrip.normalize());
        assertEquals(HubertConfig.large(), roundTrip);
        assertEquals(1_600_000 / 320 - 1, HubertConfig.base().convFrames(FeatureExtractor.DEFAULT_MAX_CHUNK));
    }
}
