package ai.hubert.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.model.config.HubertConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FairseqConvLayersTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "[(512,10,5)] + [(512,3,2)] * 4 + [(512,2,2)] * 2",
        " [ (512, 10, 5) ] + [(512, 3, 2)]*4 + 2 * [(512, 2, 2),] ",
        "[(512,10,5), (512,3,2), (512,3,2)] + [(512,3,2)] * 2 + [(512,2,2)] + [(512,2,2)]"})
    void parsesTheStandardStackInItsSpellings(String expression) {
        assertEquals(HubertConfig.base().convLayers(), FairseqConvLayers.parse(expression));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[(512,10)]", "[(512,10,5)] -", "[]", "[(512,10,5)] * x"})
    void namesWhatWasExpected(String expression) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FairseqConvLayers.parse(expression));
        assertTrue(e.getMessage().contains("expected") && e.getMessage().contains(expression), e.getMessage());
    }
}
