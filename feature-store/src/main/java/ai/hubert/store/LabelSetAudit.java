package ai.hubert.store;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Checks a staged label set before it is published; any problem keeps it invisible. */
@FunctionalInterface
public interface LabelSetAudit {
  /**
   * Returns the problems found in the staged rows (schema {@link LabelSchema#TABLE}); an empty list
   * lets the label set be published. Each problem names the utterance and what was expected and found.
   */
  List<String> problems(Dataset<Row> staged);
}
