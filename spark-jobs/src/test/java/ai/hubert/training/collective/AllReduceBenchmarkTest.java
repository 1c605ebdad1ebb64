package ai.hubert.training.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AllReduceBenchmarkTest {
  @Test
  void smallRunReportsPositiveNumbers() {
    AllReduceBenchmark.Result r = AllReduceBenchmark.run(2, 4, 2, Wire.FP32);
    assertEquals(2, r.ranks());
    assertEquals(4_000_000L, r.bytes());
    assertEquals(4_000_000L, r.linkBytes()); // 2(n-1)/n = 1 for two ranks
    assertTrue(r.allReduce().minSeconds() > 0 && r.allReduce().minSeconds() <= r.allReduce().medianSeconds()
        && r.allReduce().medianSeconds() <= r.allReduce().maxSeconds(), r.allReduce().toString());
    assertTrue(r.raw().minSeconds() > 0, r.raw().toString());
    assertTrue(r.algbw() > 0 && r.busbw() > 0 && r.rawLinkBandwidth() > 0, r.table());
    assertEquals(r.algbw(), r.busbw(), 1e-6 * r.algbw());
    assertTrue(r.ratio() > 0 && r.ratio() < 2, r.table());
    String table = r.table();
    assertTrue(table.contains("busbw / raw link throughput"), table);
    System.out.print(table);
  }

  @Test
  void busbwFollowsNcclTests() {
    assertEquals(1.0, AllReduceBenchmark.busFactor(2), 0);
    assertEquals(1.5, AllReduceBenchmark.busFactor(4), 0);
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> AllReduceBenchmark.run(1, 4, 2, Wire.FP32));
    assertThrows(IllegalArgumentException.class, () -> AllReduceBenchmark.run(2, 0, 2, Wire.FP32));
    assertThrows(IllegalArgumentException.class, () -> AllReduceBenchmark.run(2, 4, 0, Wire.FP32));
  }
}
