package ai.hubert.labels.kmeans;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One utterance row {@code (id, features, num_frames, dim)} &rarr; one row {@code (frame: float[dim])} per
 * frame; {@link UtteranceFrames} checks the row's shape.
 */
final class FrameExploder implements FlatMapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final int dim;
  private final UtteranceFrames.ColumnNames columns;

  FrameExploder(int dim, UtteranceFrames.ColumnNames columns) {
    this.dim = dim;
    this.columns = columns;
  }

  @Override
  public Iterator<Row> call(Row row) {
    float[] values = UtteranceFrames.values(row.get(0), row.isNullAt(1) ? null : row.getSeq(1),
        row.isNullAt(2) ? null : row.getInt(2), row.isNullAt(3) ? null : row.getInt(3), dim, columns);
    int numFrames = values.length / dim;
    List<Row> frames = new ArrayList<>(numFrames);
    for (int t = 0; t < numFrames; t++) {
      float[] frame = new float[dim];
      System.arraycopy(values, t * dim, frame, 0, dim);
      frames.add(RowFactory.create((Object) frame));
    }
    return frames.iterator();
  }
}
