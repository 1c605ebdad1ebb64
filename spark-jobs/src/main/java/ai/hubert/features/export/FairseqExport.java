package ai.hubert.features.export;

import ai.hubert.store.FeatureSchema;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.TableId;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Exports a feature set in the files fairseq's {@code simple_kmeans} scripts read: {@code P.npy}
 * (float32, all frames concatenated in the dataset's input order, shape {@code [frames, dim]}),
 * {@code P.len} (one frame count per line) and the manifest {@code P.tsv} (root line, then
 * {@code relpath<TAB>num_samples}), all in the same order. Name the prefix like fairseq's shards
 * ({@code <dir>/<split>_<rank>_<nshard>}) and {@code learn_kmeans.py <dir> <split> <nshard> ...} reads it unchanged.
 */
public final class FairseqExport {
  private final FeatureStore store;

  public FairseqExport(FeatureStore store) {
    this.store = store;
  }

  /** What was written. */
  public record Summary(String npy, String len, String tsv, long utterances, long frames, int dim) {
    public void print(PrintStream out) {
      out.printf(Locale.ROOT, "exported %d utterances, %d frames x %d dims:%n  %s%n  %s%n  %s%n", utterances, frames, dim, npy, len, tsv);
    }
  }

  /** Streams the feature set to {@code prefix}.npy/.len/.tsv (any Hadoop URI). */
  public Summary run(String dataset, String featureSet, String prefix) {
    TableId table = store.features(dataset, featureSet);
    Dataset<Row> features = store.read(table);
    Row totals = features.agg(functions.count(functions.lit(1)), functions.coalesce(functions.sum(FeatureSchema.NUM_FRAMES), functions.lit(0L)),
        functions.min(FeatureSchema.DIM), functions.max(FeatureSchema.DIM)).first();
    long utterances = totals.getLong(0);
    long frames = ((Number) totals.get(1)).longValue();
    if (utterances == 0) {
      throw new IllegalArgumentException("Cannot export " + table + ": it has no utterances");
    }
    int dim = totals.getInt(2);
    if (dim != totals.getInt(3)) {
      throw new IllegalStateException("Cannot export " + table + ": expected one feature dimension, found " + dim + " to " + totals.getInt(3));
    }
    String root = inputRoot(dataset);
    Path npy = new Path(prefix + ".npy");
    Path len = new Path(prefix + ".len");
    Path tsv = new Path(prefix + ".tsv");
    try {
      FileSystem fs = npy.getFileSystem(store.spark().sparkContext().hadoopConfiguration());
      if (npy.getParent() != null) {
        fs.mkdirs(npy.getParent());
      }
      store.spark().sparkContext().setJobDescription("export " + table + " to " + prefix + ".{npy,len,tsv}");
      Iterator<Row> rows = features.select(FeatureSchema.INPUT_ORDER, FeatureSchema.REL_PATH, FeatureSchema.NUM_SAMPLES,
          FeatureSchema.NUM_FRAMES, FeatureSchema.FEATURES).orderBy(FeatureSchema.INPUT_ORDER).toLocalIterator();
      try (OutputStream npyOut = new BufferedOutputStream(fs.create(npy, true), 1 << 20);
           PrintStream lenOut = new PrintStream(fs.create(len, true), false, StandardCharsets.UTF_8);
           PrintStream tsvOut = new PrintStream(fs.create(tsv, true), false, StandardCharsets.UTF_8)) {
        npyOut.write(NpyHeader.float32Matrix(frames, dim));
        tsvOut.print(root + "\n");
        ByteBuffer buf = ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        long written = 0;
        while (rows.hasNext()) {
          Row r = rows.next();
          int numFrames = r.getInt(3);
          List<Float> values = r.getList(4);
          if (values.size() != numFrames * dim) {
            throw new IllegalStateException("Cannot export utterance " + r.getString(1) + ": expected " + numFrames + " x " + dim
                + " values, found " + values.size());
          }
          if (buf.capacity() < values.size() * 4) {
            buf = ByteBuffer.allocate(values.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
          }
          buf.clear();
          for (Float v : values) {
            buf.putFloat(v);
          }
          npyOut.write(buf.array(), 0, buf.position());
          lenOut.print(numFrames + "\n");
          tsvOut.print(r.getString(1) + "\t" + r.getInt(2) + "\n");
          written += numFrames;
        }
        if (written != frames) {
          throw new IllegalStateException("Cannot export " + table + ": the table changed during the export (" + written + " of " + frames + " frames)");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + prefix + ".{npy,len,tsv}: " + e.getMessage(), e);
    }
    return new Summary(npy.toString(), len.toString(), tsv.toString(), utterances, frames, dim);
  }

  /** The root directory the dataset's relative paths are relative to, as recorded by ingest. */
  private String inputRoot(String dataset) {
    String root = store.currentLineage(store.audio(dataset)).get("input-root");
    if (root == null) {
      throw new IllegalStateException("Cannot export " + dataset + ": the audio table's lineage has no input-root");
    }
    return root.startsWith("file:") ? new Path(root).toUri().getPath() : root;
  }
}
