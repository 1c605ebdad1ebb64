package ai.hubert.ablation;

import ai.hubert.labels.product.SubSpaces;
import ai.hubert.training.config.YamlSubset;
import ai.hubert.training.config.YamlSubset.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ablation plan ({@code conf/ablation/*.yaml}): the dataset, the pretraining config every run starts from, the fixed
 * budget, how trained models are evaluated, the teacher label sets to prepare, and the runs (label sets and the masked
 * loss weight alpha). Parsed strictly: unknown fields and bad values are errors naming the file, line and field.
 *
 * @param source file name, for messages
 * @param dataset dataset in the store
 * @param trainConfig pretraining config path
 * @param maxUpdate updates per run
 * @param warmupUpdates learning-rate warm-up per run
 * @param logInterval updates per progress line (the reported loss and accuracy average the last window)
 * @param evalLayer 1-based transformer layer clustered after training
 * @param evalK clusters of that k-means
 * @param kmeansSeed seed of every k-means fit
 * @param kmeansMaxIter Lloyd iterations of every k-means fit
 * @param alignments phone alignments (TSV or TextGrid folder); null for the bundled sample corpus's
 * @param labelSets teachers by tag, in file order
 * @param runs runs in file order
 */
public record AblationConfig(String source, String dataset, String trainConfig, int maxUpdate, int warmupUpdates, int logInterval,
    int evalLayer, int evalK, long kmeansSeed, int kmeansMaxIter, String alignments, Map<String, Teacher> labelSets, List<Run> runs) {

  /** How a teacher label set is made from MFCC: one k-means, or a product k-means over sub-spaces. */
  public record Teacher(String tag, boolean product, int k, SubSpaces subSpaces) {}

  /** One training run: label-set tags or ensemble names, and alpha ({@code pred_masked_weight}; nomask = 1 - alpha). */
  public record Run(String name, List<String> labelSets, double alpha) {}

  private static final Set<String> SECTIONS = Set.of("ablation", "label_sets", "runs");
  private static final List<String> ABLATION_FIELDS = List.of("dataset", "train_config", "max_update", "warmup_updates",
      "log_interval", "eval_layer", "eval_k", "kmeans_seed", "kmeans_max_iter", "alignments");

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the file, line and field of the first problem
   */
  public static AblationConfig parse(String source, String text) {
    Node root = YamlSubset.parse(source, text);
    for (Map.Entry<String, Node> e : root.map().entrySet()) {
      if (!SECTIONS.contains(e.getKey())) {
        throw error(source, e.getValue(), e.getKey(), "a section among " + SECTIONS, "unknown section '" + e.getKey() + "'");
      }
    }
    Map<String, Node> a = section(source, root, "ablation");
    for (Map.Entry<String, Node> e : a.entrySet()) {
      if (!ABLATION_FIELDS.contains(e.getKey())) {
        throw error(source, e.getValue(), "ablation." + e.getKey(), "a field among " + ABLATION_FIELDS, "'" + e.getKey() + "'");
      }
    }
    Map<String, Teacher> teachers = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : section(source, root, "label_sets").entrySet()) {
      Map<String, Node> t = map(source, e.getValue(), "label_sets." + e.getKey());
      String path = "label_sets." + e.getKey();
      String kind = text(source, t, path + ".kind", null);
      int k = integer(source, t, path + ".k", null, 2, 2000);
      if ("kmeans".equals(kind)) {
        teachers.put(e.getKey(), new Teacher(e.getKey(), false, k, null));
      } else if ("product".equals(kind)) {
        String spec = text(source, t, path + ".subspaces", null);
        try {
          teachers.put(e.getKey(), new Teacher(e.getKey(), true, k, SubSpaces.parse(spec)));
        } catch (IllegalArgumentException ex) {
          throw error(source, t.get("subspaces"), path + ".subspaces", "from:to,from:to,...", ex.getMessage());
        }
      } else {
        throw error(source, t.get("kind"), path + ".kind", "kmeans or product", "'" + kind + "'");
      }
    }
    List<Run> runs = new ArrayList<>();
    for (Map.Entry<String, Node> e : section(source, root, "runs").entrySet()) {
      String path = "runs." + e.getKey();
      if (!e.getKey().matches("[a-z0-9][a-z0-9.-]{0,39}")) {
        throw error(source, e.getValue(), path, "a run name of lower-case letters, digits, '.' and '-'", "'" + e.getKey() + "'");
      }
      Map<String, Node> r = map(source, e.getValue(), path);
      Node sets = r.get("label_sets");
      if (sets == null || !sets.isList() || sets.list().isEmpty()) {
        throw error(source, sets == null ? e.getValue() : sets, path + ".label_sets", "a list of label-set tags or ensembles",
            sets == null ? "none" : sets.describe());
      }
      List<String> names = new ArrayList<>();
      sets.list().forEach(n -> names.add(n.scalar().text()));
      Node alphaNode = r.get("alpha");
      double alpha = number(source, alphaNode, path + ".alpha");
      if (!(alpha >= 0 && alpha <= 1)) {
        throw error(source, alphaNode, path + ".alpha", "a weight in [0, 1]", alpha);
      }
      runs.add(new Run(e.getKey(), names, alpha));
    }
    if (runs.isEmpty()) {
      throw error(source, root, "runs", "at least one run", "none");
    }
    int maxUpdate = integer(source, a, "ablation.max_update", null, 1, 1_000_000);
    return new AblationConfig(source, text(source, a, "ablation.dataset", null), text(source, a, "ablation.train_config", null),
        maxUpdate, integer(source, a, "ablation.warmup_updates", 0, 0, maxUpdate),
        integer(source, a, "ablation.log_interval", Math.max(1, maxUpdate / 5), 1, maxUpdate),
        integer(source, a, "ablation.eval_layer", null, 1, 48), integer(source, a, "ablation.eval_k", 100, 2, 2000),
        integer(source, a, "ablation.kmeans_seed", 0, 0, Integer.MAX_VALUE),
        integer(source, a, "ablation.kmeans_max_iter", 100, 1, 1000), text(source, a, "ablation.alignments", ""),
        teachers, runs);
  }

  private static Map<String, Node> section(String source, Node root, String name) {
    Node n = root.map().get(name);
    if (n == null) {
      throw error(source, root, name, "a '" + name + "' section", "none");
    }
    return map(source, n, name);
  }

  private static Map<String, Node> map(String source, Node n, String path) {
    if (!n.isMap()) {
      throw error(source, n, path, "a mapping", n.describe());
    }
    return n.map();
  }

  private static String text(String source, Map<String, Node> m, String path, String dflt) {
    Node n = m.get(path.substring(path.lastIndexOf('.') + 1));
    if (n == null || (!n.isMap() && !n.isList() && n.scalar().isNull())) {
      if (dflt == null) {
        throw error(source, n, path, "a value", "none");
      }
      return dflt.isEmpty() ? null : dflt;
    }
    if (n.isMap() || n.isList()) {
      throw error(source, n, path, "a string", n.describe());
    }
    return n.scalar().text();
  }

  private static int integer(String source, Map<String, Node> m, String path, Integer dflt, int min, int max) {
    Node n = m.get(path.substring(path.lastIndexOf('.') + 1));
    if (n == null) {
      if (dflt == null) {
        throw error(source, null, path, "a value", "none");
      }
      return dflt;
    }
    double v = number(source, n, path);
    if (v != Math.rint(v) || v < min || v > max) {
      throw error(source, n, path, "an integer in [" + min + ", " + max + "]", n.describe());
    }
    return (int) v;
  }

  private static double number(String source, Node n, String path) {
    if (n == null || n.isMap() || n.isList()) {
      throw error(source, n, path, "a number", n == null ? "none" : n.describe());
    }
    try {
      return Double.parseDouble(n.scalar().text());
    } catch (NumberFormatException e) {
      throw error(source, n, path, "a number", n.describe());
    }
  }

  private static IllegalArgumentException error(String source, Node n, String path, String expected, Object found) {
    return new IllegalArgumentException(source + ":" + (n == null ? 0 : n.line()) + ": " + path + ": expected " + expected
        + ", found " + found);
  }
}
