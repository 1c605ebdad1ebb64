package ai.hubert.demo;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The logged updates of a training run ({@code progress.jsonl} that the training job writes in its run folder):
 * masked-frame loss in bits and masked / unmasked accuracy per logged update. A resumed run logs some updates
 * again; the last line for an update wins.
 */
public record TrainingCurve(String name, List<Point> points) {
  /** One logged update. */
  public record Point(long update, double lossBits, double accMasked, double accUnmasked, double wallSeconds) {}

  public TrainingCurve {
    points = List.copyOf(points);
  }

  /** Reads {@code runDir/progress.jsonl}; fails naming the file and line of a malformed entry. */
  public static TrainingCurve read(String name, Path runDir) {
    Path file = runDir.resolve("progress.jsonl");
    TreeMap<Long, Point> byUpdate = new TreeMap<>();
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).isBlank()) {
          continue;
        }
        try {
          JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
          Point p = new Point(o.get("update").getAsLong(), o.get("loss_m_bits").getAsDouble(), o.get("acc_m").getAsDouble(),
              o.get("acc_u").getAsDouble(), o.get("wall_s").getAsDouble());
          byUpdate.put(p.update(), p);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected a JSON object with update, loss_m_bits, acc_m, acc_u and "
              + "wall_s, found '" + lines.get(i) + "'", e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read training progress " + file + ": " + e.getMessage(), e);
    }
    return new TrainingCurve(name, new ArrayList<>(byUpdate.values()));
  }

  /** The last logged point, or null for an empty curve. */
  public Point last() {
    return points.isEmpty() ? null : points.get(points.size() - 1);
  }
}
