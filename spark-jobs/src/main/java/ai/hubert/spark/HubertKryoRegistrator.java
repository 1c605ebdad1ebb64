package ai.hubert.spark;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers the classes that Spark serializes with Kryo in this project's jobs, so that
 * {@code spark.kryo.registrationRequired=true} (on in tests) catches an unregistered class before
 * it silently costs a class name per record on a cluster.
 */
public final class HubertKryoRegistrator implements KryoRegistrator {
  /** Classes by name, for those not on the compile classpath of this module or private to a library. */
  static final String[] CLASS_NAMES = {
      "org.apache.spark.sql.execution.datasources.v2.DataWritingSparkTaskResult",
      "org.apache.spark.sql.execution.datasources.WriteTaskResult",
      "org.apache.spark.sql.execution.datasources.BasicWriteTaskStats",
      "org.apache.spark.sql.execution.datasources.ExecutedWriteSummary",
      "org.apache.spark.sql.catalyst.InternalRow[]",
      "org.apache.spark.sql.catalyst.expressions.GenericInternalRow",
      "org.apache.spark.sql.catalyst.expressions.UnsafeRow",
      "org.apache.spark.sql.catalyst.expressions.UnsafeRow[]",
      "org.apache.spark.util.io.ChunkedByteBuffer",
      "org.apache.spark.util.io.ChunkedByteBuffer[]",
      "java.nio.ByteBuffer[]",
      "org.apache.spark.util.HadoopFSUtils$SerializableBlockLocation",
      "org.apache.spark.util.HadoopFSUtils$SerializableBlockLocation[]",
      "org.apache.spark.util.HadoopFSUtils$SerializableFileStatus",
      "org.apache.spark.util.HadoopFSUtils$SerializableFileStatus[]",
      // MLlib KMeans (ai.hubert.labels.kmeans.KMeansFitter): k-means|| candidates and centres
      "org.apache.spark.mllib.clustering.VectorWithNorm[]",
  };

  /**
   * Java-serializable library objects with deep graphs (Iceberg's broadcast table): Kryo writes them
   * with Java serialization instead of registering every nested class.
   */
  static final String[] JAVA_SERIALIZED = {
      "org.apache.iceberg.spark.source.SerializableTableWithSize",
      "org.apache.iceberg.spark.source.SerializableTableWithSize$SerializableMetadataTableWithSize",
      "org.apache.iceberg.SerializableTable",
      "org.apache.iceberg.SerializableTable$SerializableMetadataTable",
      "org.apache.iceberg.spark.source.SerializableFileIOWithSize",
      "org.apache.iceberg.spark.source.SparkWrite$TaskCommit",
      "org.apache.iceberg.spark.source.SparkPositionDeltaWrite$DeltaTaskCommit",
  };

  @Override
  public void registerClasses(Kryo kryo) {
    for (String name : JAVA_SERIALIZED) {
      Class<?> c = load(name);
      if (c != null) {
        kryo.register(c, new com.esotericsoftware.kryo.serializers.JavaSerializer());
      }
    }
    kryo.register(SerializableHadoopConf.class);
    // training stages: the shuffle that hands each rank its utterances, and the broadcast plan and shards
    kryo.register(ai.hubert.training.data.ShardedUtterance.class);
    kryo.register(ai.hubert.training.data.TrainingIndex.class, new com.esotericsoftware.kryo.serializers.JavaSerializer());
    kryo.register(ai.hubert.training.data.StageShards.class, new com.esotericsoftware.kryo.serializers.JavaSerializer());
    kryo.register(byte[][].class);
    kryo.register(float[][].class);
    kryo.register(java.util.ArrayList.class);
    kryo.register(java.util.LinkedHashMap.class);
    kryo.register(java.util.HashMap.class);
    for (String name : CLASS_NAMES) {
      Class<?> c = load(name);
      if (c != null) {
        kryo.register(c);
      }
    }
  }

  /** Loads a class by name ({@code X[]} for arrays); null when this build of a library lacks it. */
  private static Class<?> load(String name) {
    String binary = name.endsWith("[]") ? "[L" + name.substring(0, name.length() - 2) + ";" : name;
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    try {
      return Class.forName(binary, false, loader != null ? loader : HubertKryoRegistrator.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return null;
    }
  }
}
