package ai.hubert.cli;

import ai.hubert.store.FeatureStore;
import ai.hubert.store.Lineage;
import ai.hubert.store.TableId;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** {@code hubert store list|show|sql}: look into the feature store. */
final class StoreCommand implements Command {
  @Override
  public String name() {
    return "store";
  }

  @Override
  public String summary() {
    return "inspect the feature store: 'store list', 'store show DATASET.TABLE|TAG', 'store sql \"SELECT ...\"'";
  }

  @Override
  public String positionalUsage() {
    return "list | show DATASET.TABLE | show TAG | sql QUERY";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(OptionSpec.value("limit", "N", "20", "rows to print for sql"),
        OptionSpec.value("dataset", "NAME", "sample", "dataset of a label-set TAG given to show"));
  }

  @Override
  public String details() {
    return "Tables are named hubert.<dataset>.<table> in SQL, e.g.\n"
        + "  hubert store sql \"SELECT utt_id, duration_s FROM hubert.sample.audio ORDER BY input_order\"";
  }

  @Override
  public int run(CliContext context, ParsedArgs args) {
    List<String> pos = args.positional();
    if (pos.isEmpty()) {
      throw new UsageException("store: expected 'list', 'show DATASET.TABLE' or 'sql QUERY'");
    }
    FeatureStore store = context.store();
    switch (pos.get(0)) {
      case "list" -> {
        context.out().printf(Locale.ROOT, "store %s%n", store.location());
        for (TableId t : store.list()) {
          Lineage l = store.currentLineage(t);
          context.out().printf(Locale.ROOT, "  %-40s %-10s %s%n", t.dataset() + "." + t.table(), l.get("operation"), l.get("created-at"));
        }
      }
      case "show" -> {
        if (pos.size() != 2) {
          throw new UsageException("store show: expected DATASET.TABLE (e.g. sample.audio) or a label-set TAG");
        }
        if (!pos.get(1).contains(".") || store.labelSetTags(args.get("dataset")).contains(pos.get(1))) {
          showLabelSet(context, store, args.get("dataset"), pos.get(1));
          return 0;
        }
        String[] parts = pos.get(1).split("\\.");
        TableId t = parts[1].equals(FeatureStore.AUDIO) ? store.audio(parts[0])
            : parts[1].equals(FeatureStore.AUDIO_REJECTS) ? store.audioRejects(parts[0])
            : store.features(parts[0], parts[1].replaceFirst("^" + FeatureStore.FEATURES_PREFIX, ""));
        context.out().printf(Locale.ROOT, "%s (snapshot %s)%n", t, store.currentSnapshotId(t));
        store.currentLineage(t).entries().forEach((k, v) -> context.out().printf(Locale.ROOT, "  %-24s %s%n", k, v));
      }
      case "sql" -> {
        if (pos.size() != 2) {
          throw new UsageException("store sql: expected one quoted query");
        }
        Dataset<Row> result = context.spark().sql(pos.get(1));
        printTable(context, result.columns(), result.limit(Integer.parseInt(args.get("limit"))).collectAsList());
      }
      default -> throw new UsageException("store: unknown subcommand '" + pos.get(0) + "'; expected list, show or sql");
    }
    return 0;
  }

  private static void showLabelSet(CliContext context, FeatureStore store, String dataset, String tag) {
    context.out().printf(Locale.ROOT, "label set %s of dataset %s%n", tag, dataset);
    store.labelSetLineage(dataset, tag).entries().forEach((k, v) -> context.out().printf(Locale.ROOT, "  %-26s %s%n", k, v));
    TableId quality = store.labelQuality(dataset);
    if (store.exists(quality)) {
      List<Row> rows = store.read(quality).where(org.apache.spark.sql.functions.col("label_set").equalTo(tag))
          .orderBy("created_at").collectAsList();
      for (Row r : rows) {
        context.out().printf(Locale.ROOT, "  quality (%s, %s): %s%n", r.getAs("created_at"), r.getAs("alignments"), r.getAs("report"));
      }
    }
  }

  private static void printTable(CliContext context, String[] columns, List<Row> rows) {
    int[] width = new int[columns.length];
    String[][] cells = new String[rows.size()][columns.length];
    for (int c = 0; c < columns.length; c++) {
      width[c] = columns[c].length();
    }
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < columns.length; c++) {
        Object v = rows.get(r).get(c);
        String s = v instanceof byte[] b ? "<" + b.length + " bytes>" : String.valueOf(v);
        cells[r][c] = s.length() > 60 ? s.substring(0, 57) + "..." : s;
        width[c] = Math.max(width[c], cells[r][c].length());
      }
    }
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < columns.length; c++) {
      line.append(String.format(Locale.ROOT, "%-" + width[c] + "s  ", columns[c]));
    }
    context.out().println(line.toString().stripTrailing());
    for (String[] row : cells) {
      line.setLength(0);
      for (int c = 0; c < columns.length; c++) {
        line.append(String.format(Locale.ROOT, "%-" + width[c] + "s  ", row[c]));
      }
      context.out().println(line.toString().stripTrailing());
    }
    context.out().printf(Locale.ROOT, "(%d row%s)%n", rows.size(), rows.size() == 1 ? "" : "s");
  }
}
