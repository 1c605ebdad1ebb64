package ai.hubert.store;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What produced a table snapshot (Tribuo-style provenance): the operation, its inputs, its
 * parameters and counts, the code version, the Spark application and the time. Stored in the Iceberg
 * snapshot summary under {@code hubert.*} keys, so it travels with the data and is queryable with
 * {@code SELECT summary FROM <table>.snapshots}.
 */
public final class Lineage {
  /** Prefix of every lineage key in an Iceberg snapshot summary. */
  public static final String PREFIX = "hubert.";

  private final Map<String, String> entries;

  private Lineage(Map<String, String> entries) {
    this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
  }

  /** Starts a lineage record for the named operation (e.g. {@code ingest}, {@code mfcc}). */
  public static Builder builder(String operation) {
    return new Builder(operation);
  }

  /** Reads the lineage back from a snapshot summary; keys without the prefix are ignored. */
  public static Lineage fromSnapshotSummary(Map<String, String> summary) {
    Map<String, String> found = new LinkedHashMap<>();
    summary.forEach((k, v) -> {
      if (k.startsWith(PREFIX)) {
        found.put(k.substring(PREFIX.length()), v);
      }
    });
    return new Lineage(found);
  }

  /** All entries, keys without the prefix, in insertion order. */
  public Map<String, String> entries() {
    return entries;
  }

  /** One entry, or null. */
  public String get(String key) {
    return entries.get(key);
  }

  /** The entries as Iceberg write options ({@code snapshot-property.hubert.<key>}). */
  public Map<String, String> asWriteOptions() {
    Map<String, String> options = new LinkedHashMap<>();
    entries.forEach((k, v) -> options.put("snapshot-property." + PREFIX + k, v));
    return options;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Lineage && ((Lineage) o).entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return Objects.hash(entries);
  }

  @Override
  public String toString() {
    return "Lineage" + entries;
  }

  /** Collects lineage entries; keys are kebab-case by convention. */
  public static final class Builder {
    private final Map<String, String> entries = new LinkedHashMap<>();

    private Builder(String operation) {
      entries.put("operation", Objects.requireNonNull(operation, "operation"));
      entries.put("code-version", CodeVersion.get());
      entries.put("created-at", Instant.now().toString());
      entries.put("java-version", System.getProperty("java.version"));
    }

    /** Adds one entry; a null value is skipped, an existing key is replaced. */
    public Builder put(String key, Object value) {
      if (value != null) {
        entries.put(key, String.valueOf(value));
      }
      return this;
    }

    /** Adds every entry of a map under {@code prefix + key}. */
    public Builder putAll(String prefix, Map<String, ?> values) {
      values.forEach((k, v) -> put(prefix + k, v));
      return this;
    }

    public Lineage build() {
      return new Lineage(entries);
    }
  }
}
