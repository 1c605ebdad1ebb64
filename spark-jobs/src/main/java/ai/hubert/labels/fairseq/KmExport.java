package ai.hubert.labels.fairseq;

import ai.hubert.store.AudioSchema;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.LabelSchema;
import ai.hubert.store.Lineage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes a label set as fairseq's label files: {@code P.km} (one line per utterance, space-separated
 * labels, in the dataset's input order), {@code dict.km.txt} beside it ({@code "<k> 1"} for every
 * class) and the manifest {@code P.tsv} in the same order — what fairseq's HuBERT task reads with
 * {@code labels: ["km"]}.
 */
public final class KmExport {
  private final FeatureStore store;

  public KmExport(FeatureStore store) {
    this.store = store;
  }

  /** What was written. */
  public record Summary(String km, String dict, String tsv, long utterances, long frames, int k) {
    public void print(PrintStream out) {
      out.printf(Locale.ROOT, "exported %d utterances, %d frames, k=%d:%n  %s%n  %s%n  %s%n", utterances, frames, k, km, dict, tsv);
    }
  }

  public Summary run(String dataset, String tag, String prefix) {
    Lineage lineage = store.labelSetLineage(dataset, tag);
    int k = Integer.parseInt(lineage.get("k"));
    String root = store.currentLineage(store.audio(dataset)).get("input-root");
    if (root != null && root.startsWith("file:")) {
      root = new Path(root).toUri().getPath();
    }
    Dataset<Row> rows = store.readLabelSet(dataset, tag).join(
            store.read(store.audio(dataset)).select(AudioSchema.UTT_ID, AudioSchema.REL_PATH, AudioSchema.NUM_SAMPLES), LabelSchema.UTT_ID)
        .select(LabelSchema.INPUT_ORDER, AudioSchema.REL_PATH, AudioSchema.NUM_SAMPLES, LabelSchema.LABELS)
        .orderBy(LabelSchema.INPUT_ORDER);
    Path km = new Path(prefix + ".km");
    Path tsv = new Path(prefix + ".tsv");
    Path dict = new Path(km.getParent() == null ? new Path(".") : km.getParent(), "dict.km.txt");
    long utterances = 0;
    long frames = 0;
    try {
      FileSystem fs = km.getFileSystem(store.spark().sparkContext().hadoopConfiguration());
      try (PrintStream kmOut = new PrintStream(fs.create(km, true), false, StandardCharsets.UTF_8);
           PrintStream tsvOut = new PrintStream(fs.create(tsv, true), false, StandardCharsets.UTF_8);
           PrintStream dictOut = new PrintStream(fs.create(dict, true), false, StandardCharsets.UTF_8)) {
        for (int c = 0; c < k; c++) {
          dictOut.print(c + " 1\n");
        }
        tsvOut.print((root == null ? "" : root) + "\n");
        StringBuilder line = new StringBuilder();
        Iterator<Row> it = rows.toLocalIterator();
        while (it.hasNext()) {
          Row r = it.next();
          int[] labels = LabelSchema.unpack((byte[]) r.get(3));
          line.setLength(0);
          for (int i = 0; i < labels.length; i++) {
            if (i > 0) {
              line.append(' ');
            }
            line.append(labels[i]);
          }
          kmOut.print(line.append('\n'));
          tsvOut.print(r.getString(1) + "\t" + r.getInt(2) + "\n");
          utterances++;
          frames += labels.length;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + prefix + ".km: " + e.getMessage(), e);
    }
    return new Summary(km.toString(), dict.toString(), tsv.toString(), utterances, frames, k);
  }
}
