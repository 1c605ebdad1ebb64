package ai.hubert.relabel;

import ai.hubert.training.config.ConfigException;
import ai.hubert.training.config.YamlSubset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What one relabel run does (a {@code conf/relabel/*.yaml} file): which checkpoint and layer to read, how to fit
 * k-means, which label set to publish and what to measure it against. Immutable; {@link #load} validates every
 * field and names {@code file:line: field} in errors.
 *
 * <pre>
 * relabel:
 *   dataset: sample                     # dataset in the store
 *   checkpoint: hubert-store/runs/it1   # checkpoint folder, run folder (its newest checkpoint) or fairseq .pt
 *   layer: 6                            # 1-based transformer layer, or best (highest PNMI on the sample)
 *   label_set: it1-l{layer}-k{k}        # tag; {checkpoint}, {layer} and {k} are replaced
 * kmeans:
 *   k: 500
 *   sample_fraction: 0.1
 *   seed: 0
 *   max_iter: 100
 *   tol: 0.0001
 *   init_steps: 2
 * evaluate:
 *   alignments: sample-corpus            # TSV, TextGrid folder, sample-corpus (bundled) or none
 * </pre>
 *
 * @param source the file the config came from (for messages)
 * @param dataset dataset name
 * @param checkpoint checkpoint location (any Hadoop URI or local path)
 * @param layer 1-based layer, or {@link #BEST_LAYER} to choose the layer with the highest PNMI on the k-means sample
 * @param labelSetTemplate the label-set tag, possibly with placeholders
 * @param k clusters
 * @param sampleFraction fraction of utterances the k-means fit (and a layer sweep) reads
 * @param seed seed of the sample and of k-means|| initialisation
 * @param maxIter Lloyd iterations at most
 * @param tol convergence tolerance
 * @param initSteps k-means|| rounds
 * @param alignments phone alignments to evaluate against, or null for none
 */
public record RelabelConfig(String source, String dataset, String checkpoint, int layer, String labelSetTemplate, int k,
    double sampleFraction, long seed, int maxIter, double tol, int initSteps, String alignments) {

  /** {@code layer: best}. */
  public static final int BEST_LAYER = 0;
  /** {@code alignments: sample-corpus}: the festival alignments bundled with the sample corpus. */
  public static final String SAMPLE_CORPUS_ALIGNMENTS = "sample-corpus";

  private static final Map<String, Set<String>> SCHEMA = Map.of(
      "relabel", Set.of("dataset", "checkpoint", "layer", "label_set"),
      "kmeans", Set.of("k", "sample_fraction", "seed", "max_iter", "tol", "init_steps"),
      "evaluate", Set.of("alignments"));

  /** The label-set tag for a checkpoint file name and a chosen layer. */
  public String labelSet(String checkpointName, int chosenLayer) {
    return labelSetTemplate.replace("{checkpoint}", checkpointName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-"))
        .replace("{layer}", String.valueOf(chosenLayer)).replace("{k}", String.valueOf(k));
  }

  /** This config with another checkpoint (scheduled relabeling of each new checkpoint). */
  public RelabelConfig withCheckpoint(String value) {
    return new RelabelConfig(source, dataset, value, layer, labelSetTemplate, k, sampleFraction, seed, maxIter, tol, initSteps, alignments);
  }

  /** This config with another layer. */
  public RelabelConfig withLayer(int value) {
    return new RelabelConfig(source, dataset, checkpoint, value, labelSetTemplate, k, sampleFraction, seed, maxIter, tol, initSteps,
        alignments);
  }

  /** Reads and validates a config file; {@code overrides} are {@code section.field=value}. */
  public static RelabelConfig load(Path file, List<String> overrides) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read relabel config " + file + ": " + e.getMessage(), e);
    }
    return parse(file.toString(), text, overrides);
  }

  /** Parses YAML {@code text}; {@code source} names it in errors. */
  public static RelabelConfig parse(String source, String text, List<String> overrides) {
    YamlSubset.Node root = YamlSubset.parse(source, text);
    Map<String, Map<String, YamlSubset.Node>> fields = new LinkedHashMap<>();
    for (Map.Entry<String, YamlSubset.Node> section : root.map().entrySet()) {
      Set<String> known = SCHEMA.get(section.getKey());
      if (known == null) {
        throw new ConfigException(source, section.getValue().line(), section.getKey(), "expected a section among "
            + new java.util.TreeSet<>(SCHEMA.keySet()) + ", found unknown section '" + section.getKey() + "'");
      }
      if (!section.getValue().isMap()) {
        throw new ConfigException(source, section.getValue().line(), section.getKey(), "expected a mapping of fields, found "
            + section.getValue().describe());
      }
      for (Map.Entry<String, YamlSubset.Node> f : section.getValue().map().entrySet()) {
        if (!known.contains(f.getKey())) {
          throw new ConfigException(source, f.getValue().line(), section.getKey() + "." + f.getKey(), "expected a field among "
              + new java.util.TreeSet<>(known) + ", found unknown field '" + f.getKey() + "'");
        }
        fields.computeIfAbsent(section.getKey(), s -> new LinkedHashMap<>()).put(f.getKey(), f.getValue());
      }
    }
    for (String override : overrides) {
      int eq = override.indexOf('=');
      String path = eq > 0 ? override.substring(0, eq).strip() : "";
      int dot = path.indexOf('.');
      String src = "override '" + override + "'";
      if (dot <= 0 || !SCHEMA.containsKey(path.substring(0, dot)) || !SCHEMA.get(path.substring(0, dot)).contains(path.substring(dot + 1))) {
        throw new ConfigException(src, 0, path, "expected section.field=value with a known field (" + SCHEMA + ")");
      }
      fields.computeIfAbsent(path.substring(0, dot), s -> new LinkedHashMap<>())
          .put(path.substring(dot + 1), new YamlSubset.Node(0, new YamlSubset.Scalar(override.substring(eq + 1).strip(), false)));
    }
    Reader r = new Reader(source, fields);
    String dataset = r.string("relabel.dataset", null);
    String checkpoint = r.string("relabel.checkpoint", null);
    String layerText = r.string("relabel.layer", null);
    int layer;
    if ("best".equals(layerText)) {
      layer = BEST_LAYER;
    } else {
      layer = r.integer("relabel.layer", 0, 1, 1000);
    }
    String tag = r.string("relabel.label_set", null);
    String probe = tag.replace("{checkpoint}", "c").replace("{layer}", "1").replace("{k}", "1");
    if (!probe.matches("[a-z0-9][a-z0-9._-]{0,99}")) {
      throw r.error("relabel.label_set", "lower-case letters, digits, '.', '_', '-' and the placeholders {checkpoint}, {layer}, {k}",
          "'" + tag + "'");
    }
    int k = r.integer("kmeans.k", 500, 2, 2000);
    double fraction = r.number("kmeans.sample_fraction", 0.1);
    if (!(fraction > 0 && fraction <= 1)) {
      throw r.error("kmeans.sample_fraction", "a fraction in (0, 1]", fraction);
    }
    long seed = r.integer("kmeans.seed", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
    int maxIter = r.integer("kmeans.max_iter", 100, 1, 100_000);
    double tol = r.number("kmeans.tol", 1e-4);
    if (!(tol >= 0)) {
      throw r.error("kmeans.tol", "a tolerance >= 0", tol);
    }
    int initSteps = r.integer("kmeans.init_steps", 2, 1, 100);
    String alignments = r.string("evaluate.alignments", "none");
    return new RelabelConfig(source, dataset, checkpoint, layer, tag, k, fraction, seed, maxIter, tol, initSteps,
        "none".equals(alignments) ? null : alignments);
  }

  /** Typed access to the parsed fields with {@code file:line} errors. */
  private record Reader(String source, Map<String, Map<String, YamlSubset.Node>> fields) {
    YamlSubset.Node node(String path) {
      int dot = path.indexOf('.');
      Map<String, YamlSubset.Node> section = fields.get(path.substring(0, dot));
      return section == null ? null : section.get(path.substring(dot + 1));
    }

    ConfigException error(String path, String expected, Object found) {
      YamlSubset.Node n = node(path);
      return new ConfigException(source, n == null ? 0 : n.line(), path, "expected " + expected + ", found " + found);
    }

    String string(String path, String fallback) {
      YamlSubset.Node n = node(path);
      if (n == null || (!n.isMap() && !n.isList() && n.scalar().isNull())) {
        if (fallback == null) {
          throw new ConfigException(source, n == null ? 0 : n.line(), path, "expected a value (required field), found none");
        }
        return fallback;
      }
      if (n.isMap() || n.isList()) {
        throw error(path, "a scalar", n.describe());
      }
      return n.scalar().text();
    }

    int integer(String path, int fallback, int min, int max) {
      String text = string(path, String.valueOf(fallback));
      try {
        long v = Long.parseLong(text);
        if (v < min || v > max) {
          throw error(path, "an integer in [" + min + ", " + max + "]", v);
        }
        return (int) v;
      } catch (NumberFormatException e) {
        throw error(path, path.equals("relabel.layer") ? "a 1-based layer number or 'best'" : "an integer", "'" + text + "'");
      }
    }

    double number(String path, double fallback) {
      String text = string(path, String.valueOf(fallback));
      try {
        return Double.parseDouble(text);
      } catch (NumberFormatException e) {
        throw error(path, "a number", "'" + text + "'");
      }
    }
  }

  /** Field paths, for help texts. */
  static List<String> fieldPaths() {
    List<String> paths = new ArrayList<>();
    SCHEMA.forEach((section, names) -> names.forEach(n -> paths.add(section + "." + n)));
    paths.sort(null);
    return paths;
  }
}
