package ai.hubert.relabel;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The persisted progress of one relabel run: {@code state.json} in the run folder (any Hadoop file system),
 * replaced atomically (write a temporary file, rename) after every step, so a rerun after a crash sees the
 * last completed step and nothing half-written. {@code fingerprint} identifies what the run computes
 * (checkpoint hash, layer, k-means settings, audio snapshot); a folder holding another fingerprint is not reused.
 */
final class RunState {
  static final String FILE = "state.json";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  private final Path folder;
  private final Configuration conf;
  private JsonObject json;

  private RunState(Path folder, Configuration conf, JsonObject json) {
    this.folder = folder;
    this.conf = conf;
    this.json = json;
  }

  /** The state in {@code folder}, or an empty one when the folder has none. */
  static RunState open(String folder, Configuration conf) {
    Path dir = new Path(folder);
    Path file = new Path(dir, FILE);
    try {
      FileSystem fs = file.getFileSystem(conf);
      if (!fs.exists(file)) {
        return new RunState(dir, conf, new JsonObject());
      }
      try (InputStream in = fs.open(file)) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        try {
          return new RunState(dir, conf, JsonParser.parseString(text).getAsJsonObject());
        } catch (RuntimeException e) {
          throw new IllegalStateException("Cannot read relabel run state " + file + ": expected a JSON object, found '"
              + text.substring(0, Math.min(80, text.length())) + "' (" + e.getMessage() + "); delete the file or pass --restart", e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read relabel run state " + file + ": " + e.getMessage(), e);
    }
  }

  boolean isNew() {
    return !json.has("fingerprint");
  }

  String fingerprint() {
    return json.has("fingerprint") ? json.get("fingerprint").getAsString() : null;
  }

  boolean done(String step) {
    return json.has("steps") && json.getAsJsonObject("steps").has(step);
  }

  /** What a completed step recorded. */
  JsonObject result(String step) {
    return json.getAsJsonObject("steps").getAsJsonObject(step);
  }

  boolean finished() {
    return json.has("finished") && json.get("finished").getAsBoolean();
  }

  String folder() {
    return folder.toString();
  }

  /** Starts a fresh run with {@code fingerprint} and its description; saved. */
  void start(String fingerprint, JsonObject description) {
    json = new JsonObject();
    json.addProperty("fingerprint", fingerprint);
    json.add("run", description);
    json.add("steps", new JsonObject());
    json.addProperty("finished", false);
    save();
  }

  /** Records a completed step; saved. */
  void complete(String step, JsonObject result) {
    result.addProperty("completed-at", java.time.Instant.now().toString());
    json.getAsJsonObject("steps").add(step, result);
    save();
  }

  /** Marks the run finished; saved. */
  void finish() {
    json.addProperty("finished", true);
    save();
  }

  /** Deletes the state (a restart). */
  void delete() {
    Path file = new Path(folder, FILE);
    try {
      file.getFileSystem(conf).delete(file, false);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete relabel run state " + file + ": " + e.getMessage(), e);
    }
    json = new JsonObject();
  }

  private void save() {
    Path file = new Path(folder, FILE);
    Path tmp = new Path(folder, "." + FILE + "." + java.util.UUID.randomUUID() + ".tmp");
    try {
      FileSystem fs = file.getFileSystem(conf);
      fs.mkdirs(folder);
      try (OutputStream out = fs.create(tmp, false)) {
        out.write(GSON.toJson(json).getBytes(StandardCharsets.UTF_8));
      }
      // rename(tmp, existing) fails on HDFS; delete-then-rename leaves a short window without a state file, which reads as
      // a fresh run: it refits k-means (replacing the model) and finds an already published tag by its fingerprint.
      if (fs.exists(file) && !fs.delete(file, false)) {
        throw new IOException("cannot delete the previous " + file);
      }
      if (!fs.rename(tmp, file)) {
        throw new IOException("cannot rename " + tmp + " to " + file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write relabel run state " + file + ": " + e.getMessage(), e);
    }
  }
}
