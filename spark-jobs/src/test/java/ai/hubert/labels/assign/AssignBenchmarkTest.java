package ai.hubert.labels.assign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class AssignBenchmarkTest {

  @Test
  void javaAloneReportsThroughput() {
    AssignBenchmark.Result r = AssignBenchmark.run(39, 100, 3000, 3, AssignKernel.PACKED, false);
    assertEquals(3000, r.frames());
    assertTrue(r.javaFramesPerCpuSecond() > 0);
    assertTrue(r.java().min() <= r.java().median() && r.java().median() <= r.java().max());
    assertTrue(r.ratio().isEmpty());
    String table = r.table();
    assertTrue(table.contains("39x100") && table.contains("n/a"), table);
  }

  @Test
  void vectorKernelIsReported() {
    Assumptions.assumeTrue(AssignKernel.VECTOR.isAvailable(), "needs --add-modules=jdk.incubator.vector");
    AssignBenchmark.Result r = AssignBenchmark.run(768, 50, 200, 2, AssignKernel.VECTOR, false);
    assertEquals(AssignKernel.VECTOR, r.kernel());
    assertTrue(r.javaFramesPerCpuSecond() > 0);
    assertTrue(r.table().contains("768x50    vector"), r.table());
  }

  @Test
  void numpyAgreesWithJava() {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(AssignBenchmark.DEFAULT_PYTHON)), "no /usr/bin/python3");
    AssignBenchmark.Result r = AssignBenchmark.run(39, 50, 4000, 1, AssignKernel.SCALAR, true);
    Assumptions.assumeTrue(r.numpy() != null, () -> "numpy did not run: " + r.note());
    assertTrue(r.agreement().getAsDouble() >= 0.999, "agreement " + r.agreement());
    assertTrue(r.ratio().getAsDouble() > 0);
    assertTrue(AssignBenchmark.table(List.of(r)).contains("ratio"));
  }

  @Test
  void utteranceLengthsCoverTheFrames() {
    int[] lengths = AssignBenchmark.utteranceLengths(10_001, new Random(1));
    assertEquals(10_001, Arrays.stream(lengths).sum());
    for (int i = 0; i < lengths.length - 1; i++) {
      assertTrue(lengths[i] >= 200 && lengths[i] <= 1600, "length " + lengths[i]);
    }
  }

  @Test
  void invalidArguments() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AssignBenchmark.run(39, 100, 10, 0, AssignKernel.PACKED, false));
    assertTrue(e.getMessage().contains("repetitions: expected >= 1, found 0"), e.getMessage());
  }
}
