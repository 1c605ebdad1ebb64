package ai.hubert.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.spark.sql.DataFrameWriterV2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Publishes a label set by write-audit-publish: the rows are written to a private staging branch of
 * the dataset's {@code labels} table, audited there, and only then pinned by an immutable tag in one
 * metadata commit (and cherry-picked onto the main branch so the current table lists every published
 * set). A failed write or audit leaves no tag and nothing on main; an existing tag is never replaced.
 */
public final class LabelSetPublish {
  private static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

  private final FeatureStore store;
  private final TableId table;
  private final String tag;
  private final Dataset<Row> rows;
  private Lineage lineage;
  private LabelSetAudit audit = staged -> List.of();

  LabelSetPublish(FeatureStore store, TableId table, String tag, Dataset<Row> rows) {
    this.store = store;
    this.table = table;
    this.tag = checkTag(tag);
    this.rows = rows;
  }

  /** Checks a label-set tag (lower case letters, digits, '.', '_', '-'; e.g. {@code mfcc-k100}). */
  public static String checkTag(String tag) {
    if (tag == null || !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("Invalid label-set tag: expected lower-case letters, digits, '.', '_' or '-' "
          + "(e.g. mfcc-k100, it1-l6-k500), found '" + tag + "'");
    }
    return tag;
  }

  public LabelSetPublish lineage(Lineage value) {
    this.lineage = value;
    return this;
  }

  public LabelSetPublish audit(LabelSetAudit value) {
    this.audit = value;
    return this;
  }

  /** Writes, audits and publishes; returns the id of the snapshot the tag points to. */
  public long commit() {
    if (lineage == null) {
      throw new IllegalStateException("Cannot publish label set " + tag + ": no lineage given");
    }
    SparkSession spark = store.spark();
    store.ensureLabelsTable(table);
    Table iceberg = store.iceberg(table);
    refuseTakenTag(iceberg);

    String staging = "stage_" + tag.replaceAll("[^a-z0-9]", "_") + "_" + UUID.randomUUID().toString().substring(0, 8);
    manage(iceberg, ops -> iceberg.currentSnapshot() == null ? ops.createBranch(staging)
        : ops.createBranch(staging, iceberg.currentSnapshot().snapshotId()));
    try {
      Dataset<Row> labelled = rows.withColumn(LabelSchema.LABEL_SET, functions.lit(tag))
          .select(LabelSchema.TABLE.fieldNames()[0], java.util.Arrays.copyOfRange(LabelSchema.TABLE.fieldNames(), 1, LabelSchema.TABLE.size()));
      DataFrameWriterV2<Row> writer = labelled.sortWithinPartitions(LabelSchema.INPUT_ORDER)
          .writeTo(table.qualified() + ".branch_" + staging);
      lineage.asWriteOptions().forEach(writer::option);
      writer.option("snapshot-property." + Lineage.PREFIX + "label-set", tag);
      try {
        writer.append();
      } catch (Exception e) {
        throw new IllegalStateException("Cannot publish label set " + tag + ": writing the staged rows failed: " + e.getMessage(), e);
      }
      iceberg.refresh();
      long staged = iceberg.refs().get(staging).snapshotId();
      Dataset<Row> stagedRows = spark.read().option("branch", staging).table(table.qualified())
          .where(functions.col(LabelSchema.LABEL_SET).equalTo(tag));
      List<String> problems = audit.problems(stagedRows);
      if (!problems.isEmpty()) {
        List<String> shown = problems.subList(0, Math.min(10, problems.size()));
        throw new LabelSetRejectedException(String.format(Locale.ROOT, "Cannot publish label set %s: %d problem(s) found by the audit, "
            + "nothing was published: %s%s", tag, problems.size(), String.join("; ", shown), problems.size() > shown.size() ? "; ..." : ""),
            problems);
      }
      manage(iceberg, ops -> {
        refuseTakenTag(iceberg);
        return ops.createTag(tag, staged); // the publish point
      });
      manage(iceberg, ops -> ops.cherrypick(staged));
      return staged;
    } finally {
      iceberg.refresh();
      if (iceberg.refs().containsKey(staging)) {
        manage(iceberg, ops -> ops.removeBranch(staging));
      }
    }
  }

  /**
   * Commits one snapshot-reference change, re-reading the table metadata and retrying when another
   * writer committed first (reference updates are not retried by Iceberg itself).
   */
  private static void manage(Table iceberg, java.util.function.Function<org.apache.iceberg.ManageSnapshots,
      org.apache.iceberg.ManageSnapshots> change) {
    java.util.Random jitter = new java.util.Random();
    for (int attempt = 1; ; attempt++) {
      iceberg.refresh();
      try {
        change.apply(iceberg.manageSnapshots()).commit();
        return;
      } catch (org.apache.iceberg.exceptions.CommitFailedException e) {
        if (attempt >= 20) {
          throw e;
        }
        try {
          Thread.sleep(20L * attempt + jitter.nextInt(50));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private void refuseTakenTag(Table iceberg) {
    SnapshotRef existing = iceberg.refs().get(tag);
    if (existing != null) {
      throw new LabelSetRejectedException("Cannot publish label set " + tag + ": the tag already exists (snapshot "
          + existing.snapshotId() + "); published label sets are immutable, choose a new tag", new ArrayList<>());
    }
  }

}
