package ai.hubert.training.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunInfoTest {
  private static RunInfo info(String labelSet, int world, long seed, List<String> overrides) {
    return new RunInfo("conf/pretrain/tiny_cpu.yaml", "common:\n  seed: 1\n", overrides, "sample", labelSet, seed, world,
        "abc123", RunInfo.RNG);
  }

  @Test
  void roundTripsThroughJson() {
    RunInfo i = info("mfcc-k100", 2, 1337, List.of("optimization.max_update=50"));
    assertEquals(i, RunInfo.fromJson(i.toJson()));
    assertTrue(i.toJson().contains("\"labelSet\": \"mfcc-k100\""), i.toJson());
  }

  @Test
  void resumingWithOtherDataOrSeedsIsRefusedNamingBothValues() {
    RunInfo saved = info("mfcc-k100", 2, 1337, List.of());
    saved.checkResumableFrom(saved, "ckpt");
    info("mfcc-k100", 2, 1337, List.of("optimization.max_update=400")).checkResumableFrom(saved, "ckpt"); // a longer run: fine
    IllegalArgumentException tag = assertThrows(IllegalArgumentException.class,
        () -> info("hubert-l6-k500", 2, 1337, List.of()).checkResumableFrom(saved, "hdfs://nn/runs/x/checkpoint_100"));
    assertTrue(tag.getMessage().contains("hdfs://nn/runs/x/checkpoint_100") && tag.getMessage().contains("'mfcc-k100'")
        && tag.getMessage().contains("'hubert-l6-k500'"), tag.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> info("mfcc-k100", 4, 1337, List.of()).checkResumableFrom(saved, "c"))
        .getMessage().contains("distributed_world_size"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> info("mfcc-k100", 2, 7, List.of()).checkResumableFrom(saved, "c"))
        .getMessage().contains("common.seed"));
  }
}
