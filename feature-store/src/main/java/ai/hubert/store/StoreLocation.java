package ai.hubert.store;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a feature store lives: a Hadoop URI (file:, hdfs://, s3a://, ...). A bare local path is
 * made absolute and turned into a file: URI, so executors in other working directories resolve it.
 */
public final class StoreLocation {
  /** The default store: {@code ./hubert-store} under the current directory. */
  public static final String DEFAULT = "hubert-store";

  private final String uri;

  private StoreLocation(String uri) {
    this.uri = uri;
  }

  /** Parses a user-given location; throws IllegalArgumentException on an empty one. */
  public static StoreLocation of(String location) {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("Cannot open store: location is empty; expected a path or a Hadoop URI such as hdfs://nn:8020/hubert");
    }
    String trimmed = location.trim();
    if (trimmed.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") || trimmed.startsWith("file:")) {
      return new StoreLocation(stripTrailingSlash(trimmed));
    }
    URI local = Path.of(trimmed).toAbsolutePath().normalize().toUri();
    return new StoreLocation(stripTrailingSlash(local.toString()));
  }

  private static String stripTrailingSlash(String s) {
    return s.length() > 1 && s.endsWith("/") && !s.endsWith("://") ? s.substring(0, s.length() - 1) : s;
  }

  /** The location as a URI string without a trailing slash. */
  public String uri() {
    return uri;
  }

  /** A path below the store root. */
  public String resolve(String relative) {
    return uri + "/" + relative;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoreLocation && ((StoreLocation) o).uri.equals(uri);
  }

  @Override
  public int hashCode() {
    return Objects.hash(uri);
  }

  @Override
  public String toString() {
    return uri;
  }
}
