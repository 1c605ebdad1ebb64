package ai.hubert.labels;

import ai.hubert.labels.quality.AlignmentOptions;
import ai.hubert.labels.quality.PhoneAlignments;
import ai.hubert.labels.quality.QualityAccumulator;
import ai.hubert.labels.quality.QualityReport;
import ai.hubert.labels.quality.TextGridAlignmentReader;
import ai.hubert.labels.quality.TsvAlignmentReader;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.LabelSchema;
import ai.hubert.store.Lineage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Measures a label set against phone alignments exactly as fairseq's {@code measure_teacher_quality.py}
 * (phone purity, cluster purity, PNMI): each partition accumulates (phone, cluster) frame counts, only
 * the counts travel to the driver. The result is appended to the dataset's {@code label_quality} table.
 */
public final class EvaluateLabelsJob {
  static final StructType QUALITY = new StructType()
      .add("label_set", DataTypes.StringType, false)
      .add("alignments", DataTypes.StringType, false)
      .add("pnmi", DataTypes.DoubleType, false)
      .add("phone_purity", DataTypes.DoubleType, false)
      .add("cluster_purity", DataTypes.DoubleType, false)
      .add("frames", DataTypes.LongType, false)
      .add("report", DataTypes.StringType, false)
      .add("created_at", DataTypes.StringType, false);

  private final FeatureStore store;

  public EvaluateLabelsJob(FeatureStore store) {
    this.store = store;
  }

  /** Reads alignments: a TSV file (any Hadoop URI) or a local folder of Praat TextGrids. */
  public static PhoneAlignments readAlignments(String location, org.apache.hadoop.conf.Configuration conf) {
    try {
      java.nio.file.Path local = java.nio.file.Path.of(location.startsWith("file:") ? new Path(location).toUri().getPath() : location);
      if (!location.contains("://") && java.nio.file.Files.isDirectory(local)) {
        return TextGridAlignmentReader.read(local);
      }
      Path path = new Path(location);
      FileSystem fs = path.getFileSystem(conf);
      try (InputStream in = fs.open(path)) {
        return TsvAlignmentReader.read(in, location, AlignmentOptions.defaults());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read alignments " + location + ": " + e.getMessage(), e);
    }
  }

  /** Evaluates label set {@code tag} of {@code dataset} against the alignments at {@code alignments}. */
  public QualityReport run(String dataset, String tag, String alignments) {
    PhoneAlignments reference = readAlignments(alignments, store.spark().sparkContext().hadoopConfiguration());
    QualityReport report = accumulate(store, dataset, tag, reference).report();
    Row row = RowFactory.create(tag, alignments, report.pnmi(), report.phonePurity(), report.clusterPurity(), report.frames(),
        report.toJson(), Instant.now().toString());
    store.append(store.labelQuality(dataset), store.spark().createDataFrame(List.of(row), QUALITY),
        Lineage.builder("evaluate-labels").put("dataset", dataset).put("label-set", tag).put("alignments", alignments)
            .putAll("", report.toMap()).build());
    return report;
  }

  /** The (phone, cluster) counts of label set {@code tag} against {@code reference}, accumulated per partition. */
  public static QualityAccumulator accumulate(FeatureStore store, String dataset, String tag, PhoneAlignments reference) {
    double rate = Double.parseDouble(store.labelSetLineage(dataset, tag).get("label-rate-hz"));
    return accumulate(store.readLabelSet(dataset, tag).select(LabelSchema.UTT_ID, LabelSchema.LABELS), rate, reference);
  }

  /**
   * The (phone, cluster) counts of labels in rows {@code (utt_id string, labels binary)} (16-bit packed, as
   * {@link LabelSchema#pack}) at {@code labelRateHz} against {@code reference}.
   */
  public static QualityAccumulator accumulate(org.apache.spark.sql.Dataset<Row> labels, double labelRateHz, PhoneAlignments reference) {
    List<byte[]> partials = labels.mapPartitions((MapPartitionsFunction<Row, byte[]>) rows -> {
      QualityAccumulator acc = new QualityAccumulator(reference, labelRateHz);
      while (rows.hasNext()) {
        Row r = rows.next();
        acc.add(r.getString(0), LabelSchema.unpack((byte[]) r.get(1)));
      }
      return List.of(serialize(acc)).iterator();
    }, Encoders.BINARY()).collectAsList();
    QualityAccumulator total = new QualityAccumulator(reference, labelRateHz);
    for (byte[] p : partials) {
      total.merge(deserialize(p));
    }
    return total;
  }

  private static byte[] serialize(QualityAccumulator acc) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(acc);
    }
    return bytes.toByteArray();
  }

  private static QualityAccumulator deserialize(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (QualityAccumulator) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("Cannot read a partition's label-quality counts: " + e, e);
    }
  }
}
