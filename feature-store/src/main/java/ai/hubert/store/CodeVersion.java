package ai.hubert.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this code base, recorded in every lineage record. */
public final class CodeVersion {
  private static final String VERSION = load();

  private CodeVersion() {}

  /** The Maven project version, plus the git commit when the build recorded one. */
  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = CodeVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String version = p.getProperty("version", "unknown");
      String commit = System.getenv("HUBERT_GIT_COMMIT");
      return commit == null || commit.isBlank() ? version : version + "+" + commit;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read version.properties", e);
    }
  }
}
