package ai.hubert.model.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelBenchmarkTest {

    @Test
    void timesDjlAndReportsTheReferenceOrWhyItDidNotRun() {
        BenchmarkResult r = ModelBenchmark.run("tiny", 1, 1, 1.0, 1);
        System.out.print(r.table());
        assertEquals(1, r.javaStepSeconds().size());
        assertTrue(r.javaSecondsPerAudioSecond() > 0);
        assertFalse(r.torchNote().isEmpty());
        if (!r.torchStepSeconds().isEmpty()) {
            assertEquals(1, r.torchStepSeconds().size());
            assertTrue(r.ratio() > 0 && r.table().contains("ratio DJL / torchaudio"));
        } else {
            assertTrue(r.table().contains("torchaudio reference not run: " + r.torchNote()));
        }
    }

    @Test
    void rejectsUnknownConfigs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelBenchmark.run("huge", 1, 1.0, 1));
        assertTrue(e.getMessage().contains("'huge'") && e.getMessage().contains("tiny, base"), e.getMessage());
    }
}
