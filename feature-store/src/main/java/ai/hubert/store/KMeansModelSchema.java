package ai.hubert.store;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Layout of a dataset's {@code kmeans_models} table: one row per named k-means model, centroids in
 * float32, row-major {@code k × dim}.
 */
public final class KMeansModelSchema {
  public static final String NAME = "name";
  public static final String FEATURE_SET = "feature_set";
  public static final String K = "k";
  public static final String DIM = "dim";
  public static final String CENTROIDS = "centroids";
  public static final String INERTIA_PER_FRAME = "inertia_per_frame";
  public static final String FRAMES = "frames";
  public static final String UTTERANCES = "utterances";
  public static final String PARAMS = "params";
  public static final String CREATED_AT = "created_at";

  /** The k-means models table. */
  public static final StructType TABLE = new StructType(new StructField[] {
      new StructField(NAME, DataTypes.StringType, false, Metadata.empty()),
      new StructField(FEATURE_SET, DataTypes.StringType, false, Metadata.empty()),
      new StructField(K, DataTypes.IntegerType, false, Metadata.empty()),
      new StructField(DIM, DataTypes.IntegerType, false, Metadata.empty()),
      new StructField(CENTROIDS, DataTypes.createArrayType(DataTypes.FloatType, false), false, Metadata.empty()),
      new StructField(INERTIA_PER_FRAME, DataTypes.DoubleType, false, Metadata.empty()),
      new StructField(FRAMES, DataTypes.LongType, false, Metadata.empty()),
      new StructField(UTTERANCES, DataTypes.LongType, false, Metadata.empty()),
      new StructField(PARAMS, DataTypes.StringType, false, Metadata.empty()),
      new StructField(CREATED_AT, DataTypes.StringType, false, Metadata.empty())});

  private KMeansModelSchema() {}
}
