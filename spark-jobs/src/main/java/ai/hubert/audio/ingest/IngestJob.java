package ai.hubert.audio.ingest;

import ai.hubert.audio.AudioDecoder;
import ai.hubert.audio.AudioRejectedException;
import ai.hubert.audio.DecodedAudio;
import ai.hubert.audio.Pcm16;
import ai.hubert.audio.RejectReason;
import ai.hubert.spark.SerializableHadoopConf;
import ai.hubert.store.AudioSchema;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.Lineage;
import ai.hubert.store.TableId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;

/**
 * Ingests audio into a dataset's {@code audio} table: the driver lists the input, executors read
 * and decode each file, validate it, and checksum its PCM; valid utterances are written as Parquet
 * shards of about 128 MB in input order, every other input goes to {@code audio_rejects} with its
 * reason. Re-running on an unchanged input is a no-op.
 */
public final class IngestJob {
  /** The sample rate every dataset is stored at (HuBERT's 16 kHz). */
  public static final int SAMPLE_RATE = 16000;

  private static final StructType CANDIDATES = new StructType()
      .add("input_order", DataTypes.LongType, false)
      .add("utt_id", DataTypes.StringType, false)
      .add("speaker", DataTypes.StringType, true)
      .add("book", DataTypes.StringType, true)
      .add("source_path", DataTypes.StringType, false)
      .add("rel_path", DataTypes.StringType, false)
      .add("expected_samples", DataTypes.IntegerType, true)
      .add("metadata_path", DataTypes.StringType, true);

  private final FeatureStore store;

  public IngestJob(FeatureStore store) {
    this.store = store;
  }

  /**
   * Ingests {@code input} (a tree or a manifest) as {@code dataset}. With {@code force}, re-ingests
   * even when the input is unchanged.
   */
  public IngestSummary run(String input, String dataset, boolean force) {
    long start = System.nanoTime();
    SparkSession spark = store.spark();
    TableId audio = store.audio(dataset);
    TableId rejects = store.audioRejects(dataset);
    IngestInput listing = IngestInput.resolve(input, spark.sparkContext().hadoopConfiguration());

    Lineage previous = store.currentLineage(audio);
    if (!force && "complete".equals(previous.get("state")) && listing.fingerprint().equals(previous.get("input-fingerprint"))
        && store.exists(rejects)) {
      return summaryFromLineage(dataset, input, listing.kind(), previous, start, true);
    }

    List<Row> rejectRows = new ArrayList<>();
    List<Row> toDecode = new ArrayList<>();
    for (IngestCandidate c : listing.candidates()) {
      if (c.isPreRejected()) {
        rejectRows.add(RowFactory.create(c.inputOrder, c.uttId, c.sourcePath, c.relPath, c.preRejectReason, c.preRejectDetail));
      } else {
        toDecode.add(RowFactory.create(c.inputOrder, c.uttId, c.speaker, c.book, c.sourcePath, c.relPath, c.expectedSamples, c.metadataPath));
      }
    }

    CollectionAccumulator<List<Object>> decodeRejects = spark.sparkContext().collectionAccumulator("ingest-rejects");
    int shards = (int) Math.max(1, Math.ceil(listing.estimatedPcmBytes() / (double) FeatureStore.TARGET_FILE_BYTES));
    int partitions = Math.max(1, Math.min(toDecode.size(), shards));
    // The listing is in input order and a local relation is split into contiguous slices, so merging
    // slices keeps that order without a shuffle; only more shards than slices needs a range shuffle.
    Dataset<Row> candidates = spark.createDataFrame(toDecode, CANDIDATES);
    candidates = partitions <= candidates.rdd().getNumPartitions() ? candidates.coalesce(partitions)
        : candidates.repartitionByRange(partitions, functions.col("input_order"));
    Dataset<Row> decoded = candidates
        .mapPartitions(new DecodePartition(new SerializableHadoopConf(spark.sparkContext().hadoopConfiguration()),
            decodeRejects), Encoders.row(AudioSchema.AUDIO));

    spark.sparkContext().setJobDescription("ingest " + dataset + ": decode and write audio shards");
    Lineage.Builder lineage = Lineage.builder("ingest")
        .put("dataset", dataset)
        .put("input", input)
        .put("input-kind", listing.kind().name().toLowerCase())
        .put("input-root", listing.root())
        .put("input-fingerprint", listing.fingerprint())
        .put("sample-rate", SAMPLE_RATE)
        .put("spark-app-id", spark.sparkContext().applicationId())
        .put("spark-version", spark.version());
    // Two snapshots: the data (state=writing), then, once the rejects are known and the counts
    // reconcile, an empty append whose summary declares the ingest complete with its counts.
    store.replace(audio, decoded).sortedBy(AudioSchema.INPUT_ORDER).lineage(lineage.put("state", "writing").build()).commit();

    Map<Long, Row> decodeRejected = new TreeMap<>();
    for (List<Object> r : decodeRejects.value()) {
      decodeRejected.putIfAbsent((Long) r.get(0), RowFactory.create(r.toArray()));
    }
    rejectRows.addAll(decodeRejected.values());
    rejectRows.sort((a, b) -> Long.compare(a.getLong(0), b.getLong(0)));
    Map<String, Long> byReason = new TreeMap<>();
    for (Row r : rejectRows) {
      byReason.merge(r.getString(4), 1L, Long::sum);
    }

    Dataset<Row> audioTable = store.read(audio);
    Row totals = audioTable.agg(functions.count(functions.lit(1)), functions.coalesce(functions.sum(AudioSchema.NUM_SAMPLES), functions.lit(0L)))
        .first();
    long ingested = totals.getLong(0);
    long totalSamples = ((Number) totals.get(1)).longValue();
    long found = listing.candidates().size();
    if (found != ingested + rejectRows.size()) {
      throw new IllegalStateException(String.format("Cannot finish ingest of %s: counts do not reconcile: found %d, ingested %d, rejected %d",
          dataset, found, ingested, rejectRows.size()));
    }
    lineage.put("state", "complete").put("found", found).put("ingested", ingested).put("rejected", rejectRows.size())
        .put("total-samples", totalSamples);
    byReason.forEach((reason, n) -> lineage.put("rejected-" + reason, n));
    Lineage done = lineage.build();
    store.replace(rejects, spark.createDataFrame(rejectRows, AudioSchema.REJECTS).coalesce(1)).lineage(done).commit();
    store.recordLineage(audio, done);
    return summaryFromLineage(dataset, input, listing.kind(), store.currentLineage(audio), start, false);
  }

  private IngestSummary summaryFromLineage(String dataset, String input, IngestInput.Kind kind, Lineage l, long start, boolean noop) {
    Map<String, Long> byReason = new TreeMap<>();
    l.entries().forEach((k, v) -> {
      if (k.startsWith("rejected-")) {
        byReason.put(k.substring("rejected-".length()), Long.parseLong(v));
      }
    });
    TableId audio = store.audio(dataset);
    long files = store.spark().sql("SELECT count(*) FROM " + audio.qualified() + ".files").first().getLong(0);
    return new IngestSummary(dataset, input, kind, Long.parseLong(l.get("found")), Long.parseLong(l.get("ingested")),
        Long.parseLong(l.get("rejected")), byReason, Long.parseLong(l.get("total-samples")), SAMPLE_RATE, files,
        (System.nanoTime() - start) / 1e9, noop);
  }

  /** Executor side: read, decode, validate and checksum one partition of candidates. */
  static final class DecodePartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final SerializableHadoopConf conf;
    private final CollectionAccumulator<List<Object>> rejects;

    DecodePartition(SerializableHadoopConf conf, CollectionAccumulator<List<Object>> rejects) {
      this.conf = conf;
      this.rejects = rejects;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
      AudioDecoder decoder = new AudioDecoder(SAMPLE_RATE);
      // Decode lazily, one utterance at a time, so a task holds one file's bytes at once.
      return new Iterator<Row>() {
        private Row next = advance();

        private Row advance() {
          while (input.hasNext()) {
            Row c = input.next();
            Row row = decodeOne(decoder, c);
            if (row != null) {
              return row;
            }
          }
          return null;
        }

        @Override
        public boolean hasNext() {
          return next != null;
        }

        @Override
        public Row next() {
          Row r = next;
          next = advance();
          return r;
        }
      };
    }

    private Row decodeOne(AudioDecoder decoder, Row c) {
      long order = c.getLong(0);
      String uttId = c.getString(1);
      String sourcePath = c.getString(4);
      String relPath = c.getString(5);
      Integer expected = c.isNullAt(6) ? null : c.getInt(6);
      try {
        byte[] bytes;
        try {
          bytes = readAll(sourcePath);
        } catch (IOException e) {
          throw new AudioRejectedException(RejectReason.UNREADABLE, relPath + ": cannot read " + sourcePath + " (" + e + ")");
        }
        DecodedAudio audio = decoder.decode(relPath, bytes);
        if (expected != null && expected != audio.numSamples()) {
          throw new AudioRejectedException(RejectReason.MANIFEST_LENGTH_MISMATCH, relPath + ": manifest says num_samples "
              + expected + ", the decoded file has " + audio.numSamples());
        }
        String metadata = c.isNullAt(7) ? null : readMetadata(c.getString(7));
        return RowFactory.create(uttId, c.getString(2), c.getString(3), sourcePath, relPath, order, audio.sampleRate(),
            audio.numSamples(), audio.numSamples() / (double) audio.sampleRate(), audio.pcm16(), Pcm16.sha256(audio.pcm16()), metadata);
      } catch (AudioRejectedException e) {
        List<Object> r = new ArrayList<>(6);
        r.add(order);
        r.add(uttId);
        r.add(sourcePath);
        r.add(relPath);
        r.add(e.reason().name());
        r.add(e.getMessage());
        rejects.add(r);
        return null;
      }
    }

    private byte[] readAll(String path) throws IOException {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf.get());
      try (InputStream in = fs.open(p)) {
        return in.readAllBytes();
      }
    }

    private String readMetadata(String path) {
      try {
        byte[] bytes = readAll(path);
        return new String(bytes, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return null;
      }
    }
  }
}
