package ai.hubert.training;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's {@value ProgressLine#FILE} read back as its final history. The file keeps every attempt's lines in the order
 * they were written; an attempt that resumed from the checkpoint of update {@code c} redoes every update after
 * {@code c}, so its first line supersedes all earlier lines with {@code update > c} (the resume rule). What remains
 * has each logged update once, in order.
 */
public final class ProgressHistory {
  private ProgressHistory() {}

  /** The final history of {@code jsonl} (one JSON object per line, as {@link ProgressLine#json()} writes). */
  public static List<JsonObject> resolve(String jsonl) {
    List<JsonObject> kept = new ArrayList<>();
    String attempt = null;
    for (String text : jsonl.split("\n")) {
      if (text.isBlank()) {
        continue;
      }
      JsonObject line = JsonParser.parseString(text).getAsJsonObject();
      String key = line.get("attempt").getAsString() + "/" + line.get("resumed_from").getAsString();
      if (!key.equals(attempt)) {
        long resumedFrom = line.get("resumed_from").getAsLong();
        kept.removeIf(l -> l.get("update").getAsLong() > resumedFrom);
        attempt = key;
      }
      kept.add(line);
    }
    return kept;
  }
}
