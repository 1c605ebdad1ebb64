package ai.hubert.store;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Names one table of the store: {@code <catalog>.<dataset>.<table>}, e.g. {@code hubert.librispeech.audio}.
 * Datasets are Iceberg namespaces; names are lower-case identifiers so they are valid in Spark SQL unquoted.
 */
public final class TableId {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  private final String catalog;
  private final String dataset;
  private final String table;

  private TableId(String catalog, String dataset, String table) {
    this.catalog = catalog;
    this.dataset = dataset;
    this.table = table;
  }

  static TableId of(String catalog, String dataset, String table) {
    return new TableId(catalog, checkName("dataset", dataset), checkName("table", table));
  }

  /** Checks a dataset, table or feature-set name and returns it. */
  public static String checkName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(String.format(
          "Invalid %s name: expected a lower-case identifier matching %s, found '%s'", what, NAME.pattern(), name));
    }
    return name;
  }

  public String catalog() {
    return catalog;
  }

  public String dataset() {
    return dataset;
  }

  public String table() {
    return table;
  }

  /** The fully qualified name for Spark SQL and {@code DataFrameWriterV2}. */
  public String qualified() {
    return catalog + "." + dataset + "." + table;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TableId)) {
      return false;
    }
    TableId other = (TableId) o;
    return catalog.equals(other.catalog) && dataset.equals(other.dataset) && table.equals(other.table);
  }

  @Override
  public int hashCode() {
    return Objects.hash(catalog, dataset, table);
  }

  @Override
  public String toString() {
    return qualified();
  }
}
