package ai.hubert.store;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Layout of a dataset's {@code labels} table: one row per utterance and label set, frame labels as
 * little-endian 16-bit integers (2 bytes a frame; k ≤ 32767), partitioned by {@code label_set}. A label
 * set is visible only through its tag ({@code VERSION AS OF '<tag>'}); see {@link LabelSetPublish}.
 */
public final class LabelSchema {
  public static final String LABEL_SET = "label_set";
  public static final String UTT_ID = AudioSchema.UTT_ID;
  public static final String INPUT_ORDER = AudioSchema.INPUT_ORDER;
  public static final String NUM_FRAMES = "num_frames";
  public static final String LABEL_RATE_HZ = "label_rate_hz";
  public static final String LABELS = "labels";
  /** Largest class count a 16-bit label column holds. */
  public static final int MAX_K = Short.MAX_VALUE;

  /** The labels table. */
  public static final StructType TABLE = new StructType(new StructField[] {
      new StructField(LABEL_SET, DataTypes.StringType, false, Metadata.empty()),
      new StructField(UTT_ID, DataTypes.StringType, false, Metadata.empty()),
      new StructField(INPUT_ORDER, DataTypes.LongType, false, Metadata.empty()),
      new StructField(NUM_FRAMES, DataTypes.IntegerType, false, Metadata.empty()),
      new StructField(LABEL_RATE_HZ, DataTypes.IntegerType, false, Metadata.empty()),
      new StructField(LABELS, DataTypes.BinaryType, false, Metadata.empty())});

  /** Rows handed to {@link FeatureStore#publishLabelSet}: the table without {@code label_set}. */
  public static final StructType ROWS = new StructType(java.util.Arrays.copyOfRange(TABLE.fields(), 1, TABLE.size()));

  private LabelSchema() {}

  /** Packs labels as little-endian 16-bit integers. */
  public static byte[] pack(short[] labels) {
    byte[] out = new byte[labels.length * 2];
    for (int i = 0; i < labels.length; i++) {
      out[2 * i] = (byte) labels[i];
      out[2 * i + 1] = (byte) (labels[i] >> 8);
    }
    return out;
  }

  /** Unpacks a label column value. */
  public static int[] unpack(byte[] packed) {
    int[] out = new int[packed.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (short) ((packed[2 * i] & 0xff) | (packed[2 * i + 1] << 8));
    }
    return out;
  }
}
