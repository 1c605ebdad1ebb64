package ai.hubert.relabel;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Scheduled relabeling: finds the checkpoints in a folder (any Hadoop file system) and relabels each new one
 * once with the same config, its label-set tag made unique by the {@code {checkpoint}} placeholder. A checkpoint
 * is a folder with {@code config.json} + {@code model.safetensors} (this project's format; training writes them
 * by rename, so a visible one is complete) or a fairseq {@code .pt} file unchanged for {@code settleSeconds}
 * (still being copied otherwise). Which checkpoints were processed (path, size, modification time → label set)
 * is remembered in {@code <store>/relabel/<dataset>/watch-<hash of the folder>.json}; one that failed is tried
 * again on the next scan, resuming its run ({@link RelabelJob}).
 */
public final class CheckpointWatch {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  private final RelabelJob job;
  private final Configuration conf;
  private final PrintStream out;
  private final long settleMillis;

  public CheckpointWatch(RelabelJob job, Configuration conf, PrintStream out, long settleSeconds) {
    this.job = job;
    this.conf = conf;
    this.out = out;
    this.settleMillis = settleSeconds * 1000;
  }

  /** The outcome of one scan. */
  public record Scan(int found, List<String> relabelled, List<String> failed) {}

  /** Scans {@code folder} once and relabels every checkpoint not processed before, oldest first. */
  public Scan scanOnce(RelabelConfig config, String folder, String stateFile) {
    if (!config.labelSetTemplate().contains("{checkpoint}")) {
      throw new IllegalArgumentException(config.source() + ": relabel.label_set must contain {checkpoint} when watching a folder, so that "
          + "each checkpoint gets its own label set; found '" + config.labelSetTemplate() + "'");
    }
    JsonObject state = readState(stateFile);
    List<FileStatus> checkpoints = list(folder);
    List<String> done = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (FileStatus c : checkpoints) {
      String key = c.getPath().toString();
      String version = c.getLen() + "@" + c.getModificationTime();
      if (state.has(key) && state.getAsJsonObject(key).get("version").getAsString().equals(version)) {
        continue;
      }
      out.printf(Locale.ROOT, "watch: new checkpoint %s%n", key);
      try {
        RelabelJob.Result r = job.run(config.withCheckpoint(key), false);
        JsonObject entry = new JsonObject();
        entry.addProperty("version", version);
        entry.addProperty("label-set", r.labelSet());
        entry.addProperty("sha256", r.checkpointSha256());
        entry.addProperty("at", java.time.Instant.now().toString());
        state.add(key, entry);
        writeState(stateFile, state);
        done.add(r.labelSet());
      } catch (RuntimeException e) {
        out.printf(Locale.ROOT, "watch: relabeling %s failed (tried again on the next scan): %s%n", key, e.getMessage());
        failed.add(key);
      }
    }
    out.printf(Locale.ROOT, "watch: %d checkpoint(s) in %s, %d relabelled now, %d failed%n", checkpoints.size(), folder, done.size(),
        failed.size());
    return new Scan(checkpoints.size(), done, failed);
  }

  /** Scans every {@code pollSeconds} until the thread is interrupted or {@code maxScans} scans ran (0: no limit). */
  public void watch(RelabelConfig config, String folder, String stateFile, long pollSeconds, int maxScans) throws InterruptedException {
    for (int scan = 1; maxScans <= 0 || scan <= maxScans; scan++) {
      scanOnce(config, folder, stateFile);
      if (maxScans > 0 && scan == maxScans) {
        return;
      }
      Thread.sleep(pollSeconds * 1000);
    }
  }

  private List<FileStatus> list(String folder) {
    Path dir = new Path(folder);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.isDirectory(dir)) {
        throw new IllegalArgumentException("Cannot watch " + folder + ": expected a folder of checkpoints, found "
            + (fs.exists(dir) ? "a file" : "nothing"));
      }
      long now = System.currentTimeMillis();
      List<FileStatus> found = new ArrayList<>();
      for (FileStatus s : fs.listStatus(dir)) {
        String name = s.getPath().getName();
        if (name.startsWith(".") || name.startsWith("_")) {
          continue;
        }
        if (s.isDirectory() && fs.exists(new Path(s.getPath(), "config.json")) && fs.exists(new Path(s.getPath(), "model.safetensors"))) {
          found.add(s);
        } else if (s.isFile() && name.endsWith(".pt") && now - s.getModificationTime() >= settleMillis) {
          found.add(s);
        }
      }
      found.sort(Comparator.comparingLong(FileStatus::getModificationTime).thenComparing(s -> s.getPath().getName()));
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list checkpoints in " + folder + ": " + e.getMessage(), e);
    }
  }

  private JsonObject readState(String file) {
    Path path = new Path(file);
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path)) {
        return new JsonObject();
      }
      try (InputStream in = fs.open(path)) {
        return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read watch state " + file + ": " + e.getMessage(), e);
    }
  }

  private void writeState(String file, JsonObject state) {
    Path path = new Path(file);
    Path tmp = new Path(path.getParent(), "." + path.getName() + "." + java.util.UUID.randomUUID() + ".tmp");
    try {
      FileSystem fs = path.getFileSystem(conf);
      fs.mkdirs(path.getParent());
      try (OutputStream o = fs.create(tmp, false)) {
        o.write(GSON.toJson(state).getBytes(StandardCharsets.UTF_8));
      }
      if (fs.exists(path)) {
        fs.delete(path, false);
      }
      if (!fs.rename(tmp, path)) {
        throw new IOException("cannot rename " + tmp + " to " + path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write watch state " + file + ": " + e.getMessage(), e);
    }
  }
}
