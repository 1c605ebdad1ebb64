package ai.hubert.labels.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityAccumulatorTest {
  private static final String ALIGNMENTS = "utt_id\tstart_s\tend_s\tphone\n"
      + "u1\t0.000\t0.090\tAH1\n"
      + "u1\t0.090\t0.115\tB\n"
      + "u2\t0.000\t0.050\tsil\n"
      + "u2\t0.050\t0.115\tAH0\n"
      + "u3\t0.000\t0.115\tB\n";

  @Test
  void mergedPartitionsMatchOneAccumulator() throws Exception {
    PhoneAlignments ref = LabelQualityTest.tsv(ALIGNMENTS);
    Map<String, int[]> labels = new LinkedHashMap<>();
    labels.put("u1", new int[] {1, 1, 2, 2, 2, 3, 3, 1, 1, 0, 0});
    labels.put("u2", new int[] {5, 5, 5, 1, 1, 1, 1, 2, 2});
    labels.put("u3", new int[] {0, 0, 0, 0, 4, 4, 4, 4, 4, 4});
    labels.put("ghost", new int[] {9});
    QualityReport whole = LabelQuality.evaluate(ref, labels, 100);

    QualityAccumulator partition1 = new QualityAccumulator(ref, 100).add("u1", labels.get("u1"));
    QualityAccumulator partition2 = new QualityAccumulator(ref, 100).add("u3", labels.get("u3"))
        .add("ghost", labels.get("ghost"));
    QualityAccumulator partition3 = new QualityAccumulator(ref, 100).add("u2", labels.get("u2"));
    QualityAccumulator driver = new QualityAccumulator(ref, 100);
    for (QualityAccumulator part : new QualityAccumulator[] {partition1, partition2, partition3}) {
      QualityAccumulator collected = roundTrip(part);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> collected.add("x", new int[] {1}));
      assertTrue(e.getMessage().contains("deserialized without its alignments"), e.getMessage());
      assertThrows(IllegalStateException.class, collected::report);
      driver.merge(collected);
    }
    assertEquals(whole, driver.report());
    // stress removed by default: AH1 and AH0 are one phone
    assertEquals(3, whole.phones());
  }

  @Test
  void mergeRejectsOverlapAndDifferentSettings() throws IOException {
    PhoneAlignments ref = LabelQualityTest.tsv(ALIGNMENTS);
    QualityAccumulator a = new QualityAccumulator(ref, 100).add("u1", new int[] {1});
    QualityAccumulator b = new QualityAccumulator(ref, 100).add("u1", new int[] {1});
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> a.merge(b));
    assertTrue(both.getMessage().contains("utterance u1 was added to both"), both.getMessage());
    IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
        () -> a.merge(new QualityAccumulator(ref, 50)));
    assertTrue(rate.getMessage().contains("labels at 50.0 Hz with pad 0 into labels at 100.0 Hz"), rate.getMessage());
  }

  private static QualityAccumulator roundTrip(QualityAccumulator accumulator) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(accumulator);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (QualityAccumulator) in.readObject();
    }
  }
}
