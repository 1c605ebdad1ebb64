package ai.hubert.labels.kmeans;

import java.util.Arrays;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/** Column checks shared by {@link KMeansFitter} and {@link KMeansCentroids} {@code transformSchema}. */
final class SchemaChecks {
  private SchemaChecks() {}

  /** Fails unless {@code schema} has column {@code name} of exactly type {@code expected}. */
  static void require(StructType schema, String name, DataType expected) {
    if (!Arrays.asList(schema.fieldNames()).contains(name)) {
      throw new IllegalArgumentException("Column " + name + " must be of type " + expected.catalogString()
          + " but does not exist (input columns: " + String.join(", ", schema.fieldNames()) + ")");
    }
    DataType actual = schema.apply(name).dataType();
    if (!DataType.equalsIgnoreNullability(actual, expected)) {
      throw new IllegalArgumentException("Column " + name + " must be of type " + expected.catalogString()
          + " but was actually " + actual.catalogString() + ".");
    }
  }

  /** Fails when {@code schema} already has the output column {@code name}. */
  static void requireAbsent(StructType schema, String name) {
    if (Arrays.asList(schema.fieldNames()).contains(name)) {
      throw new IllegalArgumentException("Output column " + name + " already exists in the input; expected a new "
          + "column name (input columns: " + String.join(", ", schema.fieldNames()) + ")");
    }
  }
}
