package ai.hubert.labels.quality;

import java.util.Map;

/**
 * Teacher-quality evaluation of frame labels against phone alignments: phone purity, cluster purity and
 * PNMI exactly as fairseq's {@code examples/hubert/measure_teacher_quality.py} (see {@link QualityAccumulator}
 * for the frame handling and {@link PhoneAlignments} for the frame convention).
 */
public final class LabelQuality {
  private LabelQuality() {}

  /**
   * Evaluates in one call.
   *
   * @param reference phone alignments (read with {@link TsvAlignmentReader} or {@link TextGridAlignmentReader})
   * @param labelsByUtt per utterance id, one cluster id per frame at {@code labelRateHz}
   * @param labelRateHz 100 (MFCC-frame labels) or 50 (model-frame labels, repeated x2)
   */
  public static QualityReport evaluate(PhoneAlignments reference, Map<String, int[]> labelsByUtt,
      double labelRateHz) {
    return evaluate(reference, labelsByUtt, labelRateHz, 0);
  }

  /** As {@link #evaluate(PhoneAlignments, Map, double)} with fairseq's {@code pad_len} edge padding. */
  public static QualityReport evaluate(PhoneAlignments reference, Map<String, int[]> labelsByUtt,
      double labelRateHz, int padLen) {
    QualityAccumulator accumulator = new QualityAccumulator(reference, labelRateHz, padLen);
    labelsByUtt.forEach(accumulator::add);
    return accumulator.report();
  }
}
