package ai.hubert.model.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.model.HubertModel;
import org.junit.jupiter.api.Test;

class HubertConfigTest {

    /** hubert-spec.md section 5.5 (C = 504 rows). */
    @Test
    void parameterCountsMatchTheSpec() {
        assertEquals(94_697_600L, HubertModel.parameterCount(HubertConfig.base()));
        assertEquals(316_609_408L, HubertModel.parameterCount(HubertConfig.large()));
        assertEquals(964_321_664L, HubertModel.parameterCount(HubertConfig.xlarge()));
        long head = 196_864 + 129_024;
        assertEquals(94_371_712L, HubertModel.parameterCount(HubertConfig.base()) - head);
        assertEquals(94_595_200L,
                HubertModel.parameterCount(HubertConfig.base().toBuilder().numClasses(104).build()));
    }

    @Test
    void presetsFollowTheSpecTable() {
        HubertConfig b = HubertConfig.base();
        assertEquals(ExtractorMode.GROUP_NORM, b.extractorMode());
        assertEquals(12, b.numHeads());
        assertEquals(0.05f, b.layerDrop());
        assertEquals(0.1f, b.featureGradMult());
        HubertConfig l = HubertConfig.large();
        assertEquals(ExtractorMode.LAYER_NORM, l.extractorMode());
        assertTrue(l.layerNormFirst());
        assertEquals(0f, l.dropout());
        assertEquals(1f, l.featureGradMult());
        HubertConfig x = HubertConfig.xlarge();
        assertEquals(48, x.numLayers());
        assertEquals(1280, x.embedDim());
        assertEquals(1024, x.finalDim());
        HubertConfig t = HubertConfig.tiny();
        assertEquals(128, t.featureDim());
        assertEquals(256, t.embedDim());
        assertEquals(64, t.finalDim());
        assertEquals(320, t.totalStride());
    }

    @Test
    void frameCountFollowsTheConvStack() {
        HubertConfig b = HubertConfig.base();
        assertEquals(596, b.convFrames(190_800)); // 1 + floor((190800 - 400) / 320)
        assertEquals(50, b.convFrames(16_080));
        assertEquals(1, b.convFrames(400));
        assertEquals(0, b.convFrames(399));
    }

    @Test
    void jsonRoundTrip() {
        for (HubertConfig c : new HubertConfig[] {HubertConfig.base(), HubertConfig.large(), HubertConfig.xlarge(),
                HubertConfig.tiny().toBuilder().labelRate(100).numClasses(104).convBias(true).build()}) {
            assertEquals(c, HubertConfig.fromJson(c.toJson()));
        }
    }

    @Test
    void rejectsInconsistentSizesNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HubertConfig.builder().encoder(2, 100, 400, 12).build());
        assertTrue(e.getMessage().contains("100 % 12"), e.getMessage());
    }
}
