package ai.hubert.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressHistoryTest {
  private static String line(long update, long resumedFrom, int attempt, double loss) {
    return new ProgressLine(update, 1, loss, 0.1, 0.1, 1e-4, 1.0, 100, 5.0, 0.05, 1.0, resumedFrom, attempt).json();
  }

  @Test
  void aResumedAttemptSupersedesTheUpdatesAfterItsCheckpoint() {
    String jsonl = String.join("\n",
        line(1, 0, 0, 9), line(2, 0, 0, 9), line(3, 0, 0, 9), line(4, 0, 0, 9), line(5, 0, 0, 9), // attempt 0 died after 5
        line(4, 3, 1, 4), line(5, 3, 1, 5), line(6, 3, 1, 6), // the retry resumed from checkpoint 3
        line(7, 6, 0, 7)) + "\n"; // a later job resumed the finished run with a larger max_update
    List<Long> updates = ProgressHistory.resolve(jsonl).stream().map(o -> o.get("update").getAsLong()).toList();
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), updates);
    List<Double> losses = ProgressHistory.resolve(jsonl).stream().map(o -> o.get("loss_m_bits").getAsDouble()).toList();
    assertEquals(List.of(9.0, 9.0, 9.0, 4.0, 5.0, 6.0, 7.0), losses, "the retry's values win");
  }
}
