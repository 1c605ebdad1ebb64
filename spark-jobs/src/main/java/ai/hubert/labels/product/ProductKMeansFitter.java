package ai.hubert.labels.product;

import ai.hubert.labels.kmeans.KMeansCentroids;
import ai.hubert.labels.kmeans.KMeansFitter;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Product k-means (HuBERT paper section II-C, Table VI): the feature vector is split into contiguous sub-spaces and
 * one k-means is fitted per sub-space, all on the same sampled utterances (the {@link KMeansFitter}'s seeded,
 * partition-independent sample) within one Spark application; the input rows are cached once and each group's fit
 * reads its slice of every frame.
 */
public final class ProductKMeansFitter {
  private final KMeansFitter template;
  private final SubSpaces subSpaces;

  /**
   * @param template k, sample fraction, seed and iteration settings shared by every sub-space (its column params
   *     name the input columns)
   * @param subSpaces the groups
   */
  public ProductKMeansFitter(KMeansFitter template, SubSpaces subSpaces) {
    this.template = template;
    this.subSpaces = subSpaces;
  }

  /** Fits one k-means per sub-space on utterance rows of the template's columns; centroids in group order. */
  public List<KMeansCentroids> fit(Dataset<Row> utterances) {
    String id = template.getIdCol();
    String features = template.getFeaturesCol();
    String numFrames = template.getNumFramesCol();
    String dimCol = template.getDimCol();
    Dataset<Row> input = utterances.select(id, features, numFrames, dimCol).persist(StorageLevel.MEMORY_AND_DISK_SER());
    try {
      Row dims = input.agg(org.apache.spark.sql.functions.min(dimCol), org.apache.spark.sql.functions.max(dimCol)).first();
      if (dims.isNullAt(0) || dims.getInt(0) != dims.getInt(1)) {
        throw new IllegalArgumentException("Column " + dimCol + " must hold one dimension for every utterance, found "
            + dims.get(0) + " to " + dims.get(1));
      }
      int dim = dims.getInt(0);
      subSpaces.requireWithin(dim, features);
      StructType schema = new StructType()
          .add(id, DataTypes.StringType, false)
          .add(features, new ArrayType(DataTypes.FloatType, false), false)
          .add(numFrames, DataTypes.IntegerType, false)
          .add(dimCol, DataTypes.IntegerType, false);
      List<KMeansCentroids> out = new ArrayList<>();
      for (int g = 0; g < subSpaces.groups(); g++) {
        input.sparkSession().sparkContext().setJobDescription("product k-means sub-space " + g + " ("
            + subSpaces.ranges().get(g)[0] + ":" + subSpaces.ranges().get(g)[1] + ")");
        Dataset<Row> sliced = input.map(new Slice(subSpaces, g, dim), Encoders.row(schema));
        out.add(template.copy(org.apache.spark.ml.param.ParamMap.empty()).fit(sliced));
      }
      return out;
    } finally {
      input.unpersist();
    }
  }

  /** One utterance row reduced to sub-space {@code g} of each frame. */
  private static final class Slice implements MapFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final SubSpaces subSpaces;
    private final int group;
    private final int dim;

    Slice(SubSpaces subSpaces, int group, int dim) {
      this.subSpaces = subSpaces;
      this.group = group;
      this.dim = dim;
    }

    @Override
    public Row call(Row r) {
      List<Float> values = r.getList(1);
      int frames = r.getInt(2);
      if (values.size() != (long) frames * dim) {
        throw new IllegalArgumentException("Utterance " + r.get(0) + " has " + values.size() + " feature values but "
            + frames + " frames x " + dim + " dims = " + (long) frames * dim);
      }
      int from = subSpaces.from(group);
      int width = subSpaces.width(group);
      float[] out = new float[frames * width];
      for (int t = 0; t < frames; t++) {
        for (int d = 0; d < width; d++) {
          out[t * width + d] = values.get(t * dim + from + d);
        }
      }
      // a Scala Seq, as a deserialized array<float> is read back (getSeq) when Spark skips the encoder round trip
      return RowFactory.create(r.get(0), scala.collection.immutable.ArraySeq.unsafeWrapArray(out), frames, width);
    }
  }
}
