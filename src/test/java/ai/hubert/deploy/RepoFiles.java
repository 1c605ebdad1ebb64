package ai.hubert.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** The repository's deployment files as the validation tests see them: paths, YAML documents, the image layout. */
final class RepoFiles {
  static final Path ROOT = Path.of(System.getProperty("hubert.repo.root", "..")).toAbsolutePath().normalize();
  private static final Pattern COPY = Pattern.compile("(?m)^COPY\\s+(\\S+)\\s+(\\S+)\\s*$");

  private RepoFiles() {}

  /** Regular files under a repository folder whose names end with one of the suffixes, sorted. */
  static List<Path> under(String folder, String... suffixes) {
    Path dir = ROOT.resolve(folder);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> Stream.of(suffixes).anyMatch(s -> p.getFileName().toString().endsWith(s)))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String relative(Path file) {
    return ROOT.relativize(file).toString();
  }

  /** Every YAML document of a file (a real parser: SnakeYAML), failing with the file's name on a syntax error. */
  static List<Object> yamlDocuments(Path file) {
    List<Object> docs = new ArrayList<>();
    for (Object doc : new Yaml(new LoaderOptions()).loadAll(read(file))) {
      if (doc != null) {
        docs.add(doc);
      }
    }
    return docs;
  }

  /** The Kubernetes objects (maps with apiVersion and kind) of every YAML file under deploy/, keyed by "file#index". */
  static Map<String, Map<String, Object>> kubernetesObjects() {
    Map<String, Map<String, Object>> objects = new LinkedHashMap<>();
    for (Path file : under("deploy", ".yaml", ".yml")) {
      List<Object> docs = yamlDocuments(file);
      for (int i = 0; i < docs.size(); i++) {
        if (docs.get(i) instanceof Map<?, ?> m && m.containsKey("apiVersion") && m.containsKey("kind")) {
          objects.put(relative(file) + "#" + i, cast(m));
        }
      }
    }
    return objects;
  }

  /** The image's COPY instructions of deploy/k8s/Dockerfile: image path prefix to repository path (glob-free part). */
  static Map<String, Path> imageLayout() {
    Map<String, Path> layout = new LinkedHashMap<>();
    Matcher m = COPY.matcher(read(ROOT.resolve("deploy/k8s/Dockerfile")));
    while (m.find()) {
      layout.put(m.group(2), ROOT.resolve(m.group(1)));
    }
    return layout;
  }

  /**
   * The repository file an image path comes from (e.g. /opt/hubert/conf/pretrain/x.yaml -> conf/pretrain/x.yaml),
   * or null when no COPY of the Dockerfile puts anything there.
   */
  static Path sourceOfImagePath(String imagePath) {
    for (Map.Entry<String, Path> e : imageLayout().entrySet()) {
      String dest = e.getKey();
      if (dest.endsWith("/") && imagePath.startsWith(dest)) {
        return e.getValue().resolve(imagePath.substring(dest.length()));
      }
      if (imagePath.equals(dest)) {
        return e.getValue();
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }

  /** A nested value by dotted path ("spec.driver.serviceAccount"), or null. */
  static Object at(Map<String, Object> root, String path) {
    Object cur = root;
    for (String key : path.split("\\.")) {
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      cur = m.get(key);
    }
    return cur;
  }
}
