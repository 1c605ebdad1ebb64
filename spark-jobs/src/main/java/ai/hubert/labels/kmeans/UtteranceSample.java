package ai.hubert.labels.kmeans;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * A seeded Bernoulli sample of utterances that depends only on each utterance's id and the seed, never on how
 * the table is partitioned or ordered: utterance {@code u} is kept iff
 * {@code (xxhash64(u, seed) >>> 11) · 2^-53 < fraction}. It selects about {@code fraction · n} of {@code n}
 * utterances (fairseq's {@code --percent} takes exactly {@code ceil(n · percent)} per shard with numpy's RNG).
 */
public final class UtteranceSample {
  private static final double TWO_TO_MINUS_53 = 1.0 / (1L << 53);

  private UtteranceSample() {}

  /** The uniform [0, 1) value the sample compares with {@code fraction}, for utterance id column {@code id}. */
  public static Column uniform(Column id, long seed) {
    return functions.shiftrightunsigned(functions.xxhash64(id, functions.lit(seed)), 11)
        .cast("double").multiply(TWO_TO_MINUS_53);
  }

  /** True for the utterances in the sample; every row when {@code fraction >= 1}. */
  public static Column keep(Column id, double fraction, long seed) {
    if (!(fraction > 0)) {
      throw new IllegalArgumentException("Expected a sample fraction in (0, 1] but found " + fraction);
    }
    return fraction >= 1 ? functions.lit(true) : uniform(id, seed).lt(fraction);
  }
}
