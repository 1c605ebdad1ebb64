package ai.hubert.store;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Layout of a dataset's {@code audio} table (one row per utterance, 16-bit mono PCM stored
 * uncompressed in Parquet with zstd) and of its {@code audio_rejects} table (one row per input that
 * was not ingested, with the reason).
 */
public final class AudioSchema {
  public static final String UTT_ID = "utt_id";
  public static final String SPEAKER = "speaker";
  public static final String BOOK = "book";
  public static final String SOURCE_PATH = "source_path";
  public static final String REL_PATH = "rel_path";
  public static final String INPUT_ORDER = "input_order";
  public static final String SAMPLE_RATE = "sample_rate";
  public static final String NUM_SAMPLES = "num_samples";
  public static final String DURATION_S = "duration_s";
  public static final String PCM = "pcm";
  public static final String PCM_SHA256 = "pcm_sha256";
  public static final String METADATA = "metadata";
  public static final String REASON = "reason";
  public static final String DETAIL = "detail";

  /** The audio table. */
  public static final StructType AUDIO = new StructType(new StructField[] {
      field(UTT_ID, DataTypes.StringType, false),
      field(SPEAKER, DataTypes.StringType, true),
      field(BOOK, DataTypes.StringType, true),
      field(SOURCE_PATH, DataTypes.StringType, false),
      field(REL_PATH, DataTypes.StringType, false),
      field(INPUT_ORDER, DataTypes.LongType, false),
      field(SAMPLE_RATE, DataTypes.IntegerType, false),
      field(NUM_SAMPLES, DataTypes.IntegerType, false),
      field(DURATION_S, DataTypes.DoubleType, false),
      field(PCM, DataTypes.BinaryType, false),
      field(PCM_SHA256, DataTypes.StringType, false),
      field(METADATA, DataTypes.StringType, true)});

  /** The rejects table. */
  public static final StructType REJECTS = new StructType(new StructField[] {
      field(INPUT_ORDER, DataTypes.LongType, false),
      field(UTT_ID, DataTypes.StringType, true),
      field(SOURCE_PATH, DataTypes.StringType, false),
      field(REL_PATH, DataTypes.StringType, false),
      field(REASON, DataTypes.StringType, false),
      field(DETAIL, DataTypes.StringType, false)});

  private AudioSchema() {}

  private static StructField field(String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
    return new StructField(name, type, nullable, Metadata.empty());
  }
}
