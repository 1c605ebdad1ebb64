package ai.hubert.labels.fairseq;

import ai.hubert.labels.LabelAudit;
import ai.hubert.store.AudioSchema;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.LabelSchema;
import ai.hubert.store.LabelSetRejectedException;
import ai.hubert.store.Lineage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Imports a fairseq {@code .km} file as a label set. Strict: the file must have one line per
 * utterance of the dataset (in its input order), and each line as many labels as the utterance has
 * frames at the given rate, within one frame; otherwise nothing is published and the error names the
 * utterance and both numbers. The class count is taken from {@code dict.km.txt} beside the file when
 * present, else from {@code --k}, else from the largest label.
 */
public final class KmImport {

  private final FeatureStore store;

  public KmImport(FeatureStore store) {
    this.store = store;
  }

  /** What was imported. */
  public record Summary(String dataset, String tag, long utterances, long frames, int k, long snapshotId) {
    public void print(PrintStream out) {
      out.printf(Locale.ROOT, "imported label set %s of %s (snapshot %d): %d utterances, %d frames, k=%d%n", tag, dataset, snapshotId,
          utterances, frames, k);
    }
  }

  /**
   * Reads {@code kmFile} (any Hadoop URI) and publishes it as {@code tag}. {@code k} may be null.
   * The file is read on the driver, one line at a time, against the audio table's lengths.
   */
  public Summary run(String dataset, String kmFile, int labelRateHz, String tag, Integer k) {
    if (labelRateHz != 100 && labelRateHz != 50) {
      throw new IllegalArgumentException("Cannot import " + kmFile + ": expected --label-rate 100 (MFCC frames) or 50 (model frames), found "
          + labelRateHz);
    }
    Dataset<Row> audio = store.read(store.audio(dataset));
    List<Row> utterances = audio.select(AudioSchema.UTT_ID, AudioSchema.INPUT_ORDER, AudioSchema.NUM_SAMPLES)
        .orderBy(AudioSchema.INPUT_ORDER).collectAsList();
    List<Row> rows = new ArrayList<>(utterances.size());
    List<String> problems = new ArrayList<>();
    int maxLabel = -1;
    long frames = 0;
    Path path = new Path(kmFile);
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try {
      FileSystem fs = path.getFileSystem(store.spark().sparkContext().hadoopConfiguration());
      try (InputStream raw = fs.open(path);
           BufferedReader in = new BufferedReader(new InputStreamReader(new java.security.DigestInputStream(raw, sha), StandardCharsets.UTF_8))) {
        int lineNo = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lineNo++;
          if (lineNo > utterances.size()) {
            continue; // counted below
          }
          Row u = utterances.get(lineNo - 1);
          String[] tokens = line.isBlank() ? new String[0] : line.trim().split("\\s+");
          int expected = LabelAudit.expectedFrames(u.getInt(2), labelRateHz);
          if (Math.abs(tokens.length - expected) > 1) {
            problems.add(String.format(Locale.ROOT, "line %d (%s): expected %d labels at %d Hz for %d samples, found %d", lineNo,
                u.getString(0), expected, labelRateHz, u.getInt(2), tokens.length));
            continue;
          }
          short[] labels = new short[tokens.length];
          for (int i = 0; i < tokens.length; i++) {
            int v;
            try {
              v = Integer.parseInt(tokens[i]);
            } catch (NumberFormatException e) {
              problems.add(String.format(Locale.ROOT, "line %d (%s): label %d is '%s', expected an integer", lineNo, u.getString(0), i + 1, tokens[i]));
              break;
            }
            if (v < 0 || v > LabelSchema.MAX_K) {
              problems.add(String.format(Locale.ROOT, "line %d (%s): label %d is %d, expected 0..%d", lineNo, u.getString(0), i + 1, v,
                  LabelSchema.MAX_K));
              break;
            }
            labels[i] = (short) v;
            maxLabel = Math.max(maxLabel, v);
          }
          frames += labels.length;
          rows.add(RowFactory.create(u.getString(0), u.getLong(1), labels.length, labelRateHz, LabelSchema.pack(labels)));
        }
        if (lineNo != utterances.size()) {
          problems.add(0, String.format(Locale.ROOT, "%s has %d lines, the dataset %s has %d utterances", kmFile, lineNo, dataset,
              utterances.size()));
        }
      }
      if (k == null) {
        Path dict = new Path(path.getParent(), "dict.km.txt");
        if (fs.exists(dict)) {
          try (BufferedReader d = new BufferedReader(new InputStreamReader(fs.open(dict), StandardCharsets.UTF_8))) {
            k = (int) d.lines().filter(l -> !l.isBlank()).count();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + kmFile + ": " + e.getMessage(), e);
    }
    if (!problems.isEmpty()) {
      throw new LabelSetRejectedException(String.format(Locale.ROOT, "Cannot import %s as label set %s: %d problem(s), nothing was "
          + "published: %s", kmFile, tag, problems.size(), String.join("; ", problems.subList(0, Math.min(10, problems.size())))), problems);
    }
    int classes = k != null ? k : maxLabel + 1;
    StringBuilder hex = new StringBuilder();
    for (byte b : sha.digest()) {
      hex.append(String.format("%02x", b & 0xff));
    }
    Lineage lineage = Lineage.builder("import-labels")
        .put("dataset", dataset)
        .put("label-set", tag)
        .put("source-file", kmFile)
        .put("source-sha256", hex)
        .put("source-table", store.audio(dataset).qualified())
        .put("source-snapshot-id", store.currentSnapshotId(store.audio(dataset)))
        .put("label-rate-hz", labelRateHz)
        .put("k", classes)
        .put("frames", frames)
        .put("spark-app-id", store.spark().sparkContext().applicationId())
        .build();
    Dataset<Row> labels = store.spark().createDataFrame(rows, LabelSchema.ROWS);
    long snapshot = store.publishLabelSet(dataset, tag, labels).lineage(lineage)
        .audit(new LabelAudit(audio, classes, labelRateHz, 1)).commit();
    return new Summary(dataset, tag, rows.size(), frames, classes, snapshot);
  }
}
