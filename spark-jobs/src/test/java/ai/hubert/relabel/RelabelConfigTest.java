package ai.hubert.relabel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.training.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelabelConfigTest {
  private static final String MINIMAL = """
      relabel:
        dataset: sample
        checkpoint: runs/it1
        layer: 6
        label_set: it1-l{layer}-k{k}-{checkpoint}
      """;

  @Test
  void defaultsFollowFairseqIteration2() {
    RelabelConfig c = RelabelConfig.parse("x.yaml", MINIMAL, List.of());
    assertEquals(500, c.k());
    assertEquals(0.1, c.sampleFraction());
    assertEquals(100, c.maxIter());
    assertEquals(6, c.layer());
    assertNull(c.alignments());
    assertEquals("it1-l6-k500-checkpoint_200", c.labelSet("checkpoint_200", 6));
    assertEquals("it1-l6-k500-hubert_base_ls960.pt", c.labelSet("HuBERT_base_ls960.pt", 6));
  }

  @Test
  void overridesAndBestLayer() {
    RelabelConfig c = RelabelConfig.parse("x.yaml", MINIMAL, List.of("relabel.layer=best", "kmeans.k=100", "evaluate.alignments=a.tsv"));
    assertEquals(RelabelConfig.BEST_LAYER, c.layer());
    assertEquals(100, c.k());
    assertEquals("a.tsv", c.alignments());
  }

  @Test
  void errorsNameFileLineAndField() {
    ConfigException unknown = assertThrows(ConfigException.class,
        () -> RelabelConfig.parse("conf/x.yaml", MINIMAL + "kmeans:\n  clusters: 5\n", List.of()));
    assertTrue(unknown.getMessage().startsWith("conf/x.yaml:7"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("clusters"), unknown.getMessage());
    ConfigException badK = assertThrows(ConfigException.class,
        () -> RelabelConfig.parse("conf/x.yaml", MINIMAL + "kmeans:\n  k: 1\n", List.of()));
    assertTrue(badK.getMessage().contains("conf/x.yaml:7") && badK.getMessage().contains("[2, 2000]"), badK.getMessage());
    ConfigException layer = assertThrows(ConfigException.class,
        () -> RelabelConfig.parse("conf/x.yaml", MINIMAL.replace("layer: 6", "layer: top"), List.of()));
    assertTrue(layer.getMessage().contains("conf/x.yaml:4") && layer.getMessage().contains("'best'"), layer.getMessage());
    ConfigException missing = assertThrows(ConfigException.class,
        () -> RelabelConfig.parse("conf/x.yaml", MINIMAL.replace("  checkpoint: runs/it1\n", ""), List.of()));
    assertTrue(missing.getMessage().contains("relabel.checkpoint"), missing.getMessage());
    ConfigException tag = assertThrows(ConfigException.class,
        () -> RelabelConfig.parse("conf/x.yaml", MINIMAL.replace("it1-l{layer}", "IT1 {layer}"), List.of()));
    assertTrue(tag.getMessage().contains("conf/x.yaml:5"), tag.getMessage());
  }

  @Test
  void theShippedConfigsParse() {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    RelabelConfig base = RelabelConfig.load(root.resolve("conf/relabel/hubert_base_iter2.yaml"), List.of());
    assertEquals(6, base.layer());
    assertEquals(500, base.k());
    assertEquals(0.1, base.sampleFraction());
    RelabelConfig demo = RelabelConfig.load(root.resolve("conf/relabel/demo_tiny.yaml"), List.of());
    assertEquals(RelabelConfig.BEST_LAYER, demo.layer());
    assertEquals(RelabelConfig.SAMPLE_CORPUS_ALIGNMENTS, demo.alignments());
  }
}
