package ai.hubert.ablation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AblationConfigTest {

  private static Path sample() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("conf/ablation/sample.yaml"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("conf/ablation/sample.yaml not found above " + Path.of("").toAbsolutePath());
    }
    return p.resolve("conf/ablation/sample.yaml");
  }

  @Test
  void theSamplePlanCoversTheIssuesRuns() throws Exception {
    AblationConfig c = AblationConfig.parse("sample.yaml", Files.readString(sample()));
    assertEquals("sample", c.dataset());
    assertEquals("conf/pretrain/tiny_cpu.yaml", c.trainConfig());
    assertEquals(List.of("mfcc-k50", "mfcc-k100", "mfcc-k500", "mfcc-pq3x100"), List.copyOf(c.labelSets().keySet()));
    assertTrue(c.labelSets().get("mfcc-pq3x100").product());
    assertEquals("0:13,13:26,26:39", c.labelSets().get("mfcc-pq3x100").subSpaces().toString());
    assertEquals(500, c.labelSets().get("mfcc-k500").k());
    assertEquals(5, c.runs().size());
    AblationConfig.Run ensemble = c.runs().get(1);
    assertEquals(List.of("mfcc-k50", "mfcc-k100", "mfcc-k500"), ensemble.labelSets());
    assertEquals(List.of(1.0, 1.0, 1.0, 0.5, 0.0), c.runs().stream().map(AblationConfig.Run::alpha).toList());
    assertEquals(null, c.alignments());
  }

  @Test
  void errorsNameFileLineAndField() {
    String base = "ablation:\n  dataset: sample\n  train_config: t.yaml\n  max_update: 5\n  eval_layer: 2\n"
        + "label_sets:\n  km:\n    kind: kmeans\n    k: 10\nruns:\n  r1:\n    label_sets: [km]\n    alpha: 1.0\n";
    assertEquals(5, AblationConfig.parse("p.yaml", base).maxUpdate());
    Map<String, String> broken = Map.of(
        base.replace("alpha: 1.0", "alpha: 1.5"), "p.yaml:13: runs.r1.alpha: expected a weight in [0, 1], found 1.5",
        base.replace("kind: kmeans", "kind: gmm"), "p.yaml:8: label_sets.km.kind: expected kmeans or product, found 'gmm'",
        base.replace("max_update: 5", "max_updates: 5"), "ablation.max_updates: expected a field among",
        base.replace("  r1:", "  R 1:"), "runs.R 1: expected a run name",
        base.replace("    k: 10", "    k: 1"), "label_sets.km.k: expected an integer in [2, 2000], found '1'");
    broken.forEach((text, message) -> {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AblationConfig.parse("p.yaml", text));
      assertTrue(e.getMessage().contains(message), e.getMessage());
    });
  }

  @Test
  void markdownTableHasOneRowPerRun() {
    AblationConfig c = AblationConfig.parse("p.yaml", "ablation:\n  dataset: sample\n  train_config: t.yaml\n  max_update: 5\n"
        + "  eval_layer: 2\nlabel_sets:\n  km:\n    kind: kmeans\n    k: 10\nruns:\n  r1:\n    label_sets: [km]\n    alpha: 1.0\n");
    AblationResult r = new AblationResult("r1", List.of("km-a", "km-b"), 0.5, 5, 12.5, 0.25, 0.5, new double[] {0.2, 0.3},
        0.41, 0.5, 0.1, "abl-r1", "/m", 10, 20);
    String md = AblationJob.markdown(c, Map.of("km", 0.3), List.of(r), 30);
    assertTrue(md.contains("| r1 | km-a, km-b | 0.5 | 12.500 | 0.250 | 0.200 / 0.300 | 0.500 | 0.4100 |"), md);
    assertTrue(md.contains("| km | 0.3000 |"), md);
    assertTrue(AblationJob.json(c, Map.of("km", 0.3), List.of(r), 30).contains("\"acc_m_per_set\": [\n        0.2,"));
  }
}
