package ai.hubert.store;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Layout of a feature-set table ({@code features_<name>}): one row per utterance with its frames
 * flattened frame-major ({@code num_frames × dim} floats), in the audio table's input order.
 */
public final class FeatureSchema {
  public static final String UTT_ID = AudioSchema.UTT_ID;
  public static final String INPUT_ORDER = AudioSchema.INPUT_ORDER;
  public static final String REL_PATH = AudioSchema.REL_PATH;
  public static final String NUM_SAMPLES = AudioSchema.NUM_SAMPLES;
  public static final String NUM_FRAMES = "num_frames";
  public static final String DIM = "dim";
  public static final String FEATURES = "features";

  /** The feature-set table. */
  public static final StructType TABLE = new StructType(new StructField[] {
      new StructField(UTT_ID, DataTypes.StringType, false, Metadata.empty()),
      new StructField(INPUT_ORDER, DataTypes.LongType, false, Metadata.empty()),
      new StructField(REL_PATH, DataTypes.StringType, false, Metadata.empty()),
      new StructField(NUM_SAMPLES, DataTypes.IntegerType, false, Metadata.empty()),
      new StructField(NUM_FRAMES, DataTypes.IntegerType, false, Metadata.empty()),
      new StructField(DIM, DataTypes.IntegerType, false, Metadata.empty()),
      new StructField(FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false, Metadata.empty())});

  private FeatureSchema() {}
}
