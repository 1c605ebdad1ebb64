package ai.hubert.training.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * The checkpoints of one training run on any Hadoop file system ({@code file:}, {@code hdfs:}, {@code s3a:}, ...):
 * {@code <run>/checkpoint_<updates>/} folders and the pointer file {@code <run>/checkpoint_last} naming the newest
 * complete one. A resume reads only what the pointer names, so a writer that dies mid-checkpoint leaves nothing a
 * resume would read.
 *
 * <p>How a checkpoint is published depends on the file system:
 * <ul>
 *   <li><b>Atomic rename</b> (local, HDFS, ABFS, ...): the files are written to {@code <run>/.checkpoint_<n>.tmp-<uuid>/},
 *       the folder is renamed to {@code checkpoint_<n>}, then a new pointer is written to a temporary file and renamed
 *       over {@code checkpoint_last} ({@code FileContext.rename(..., OVERWRITE)}, one atomic namenode operation on HDFS).
 *   <li><b>Object stores</b> ({@link #OBJECT_STORES}: s3a, gs, ...) have no atomic rename (a rename copies every object),
 *       so the files are written straight into {@code checkpoint_<n>/} and the pointer is replaced by a single PUT, which
 *       is atomic for one object (S3 is strongly consistent since 2020): until the PUT the pointer still names the
 *       previous complete checkpoint. A half-written {@code checkpoint_<n>/} left by a crash is overwritten by the retry.
 * </ul>
 * Model files are written locally first ({@code TrainingCheckpoint.write}) and then copied up; a resume copies the
 * checkpoint named by the pointer down into a local folder.
 */
public final class CheckpointStore {
  /** The pointer file naming the newest complete checkpoint. */
  public static final String LAST = "checkpoint_last";
  /** URI schemes without an atomic rename; checkpoints there are published by the pointer PUT alone. */
  public static final Set<String> OBJECT_STORES = Set.of("s3a", "s3", "s3n", "gs", "oss", "cosn", "obs", "wasb", "wasbs");
  /** The file every complete checkpoint holds (written last by {@code TrainingCheckpoint.write}). */
  private static final String MARKER = "trainer.json";

  private final Path run;
  private final FileSystem fs;
  private final Configuration conf;
  private final boolean atomicRename;

  private CheckpointStore(Path run, FileSystem fs, Configuration conf, boolean atomicRename) {
    this.run = run;
    this.fs = fs;
    this.conf = conf;
    this.atomicRename = atomicRename;
  }

  /** Opens the run folder {@code runUri} (a Hadoop URI or a local path) with the given Hadoop configuration. */
  public static CheckpointStore open(String runUri, Configuration conf) {
    String scheme = new Path(runUri).toUri().getScheme();
    return open(runUri, conf, scheme == null || !OBJECT_STORES.contains(scheme.toLowerCase(java.util.Locale.ROOT)));
  }

  /** Opens {@code runUri} publishing by renames or (false) as on an object store; tests use the latter on local disk. */
  static CheckpointStore open(String runUri, Configuration conf, boolean atomicRename) {
    try {
      Path p = new Path(runUri);
      FileSystem fs = p.getFileSystem(conf);
      return new CheckpointStore(fs.makeQualified(p), fs, conf, atomicRename);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open checkpoint folder " + runUri + ": " + e.getMessage(), e);
    }
  }

  /** Opens {@code runUri} with a configuration made of {@code entries} (e.g. the driver's, shipped to an executor). */
  public static CheckpointStore open(String runUri, Map<String, String> entries) {
    Configuration conf = new Configuration(); // defaults (e.g. fs.AbstractFileSystem.*.impl) under the shipped entries
    entries.forEach(conf::set);
    return open(runUri, conf);
  }

  /** The qualified URI of the run folder. */
  public String uri() {
    return run.toString();
  }

  /** Whether checkpoints here are published by renames (true) or by the pointer PUT alone (object stores). */
  public boolean atomicRename() {
    return atomicRename;
  }

  /**
   * Publishes the checkpoint whose files are in the local folder {@code local} as {@code checkpoint_<updates>} and points
   * {@code checkpoint_last} at it; keeps the newest {@code keep} checkpoints ({@code keep <= 0}: all). Returns its URI.
   */
  public String publish(java.nio.file.Path local, long updates, int keep) throws IOException {
    if (!Files.isRegularFile(local.resolve(MARKER))) {
      throw new IOException("Expected a complete checkpoint in " + local + " (with " + MARKER + "), found none");
    }
    fs.mkdirs(run);
    String name = "checkpoint_" + updates;
    Path dir = new Path(run, name);
    if (atomicRename()) {
      Path tmp = new Path(run, "." + name + ".tmp-" + UUID.randomUUID());
      upload(local, tmp);
      if (fs.exists(dir)) {
        fs.delete(dir, true); // a retried attempt redoing this update; the pointer still names an older checkpoint
      }
      if (!fs.rename(tmp, dir)) {
        throw new IOException("Cannot rename " + tmp + " to " + dir + " (file system " + fs.getUri() + ")");
      }
      Path pointerTmp = new Path(run, "." + LAST + ".tmp-" + UUID.randomUUID());
      writeText(pointerTmp, name + "\n");
      FileContext.getFileContext(run.toUri(), conf).rename(pointerTmp, new Path(run, LAST), Options.Rename.OVERWRITE);
    } else {
      if (fs.exists(dir)) {
        fs.delete(dir, true);
      }
      upload(local, dir);
      writeText(new Path(run, LAST), name + "\n"); // one PUT on close: atomic for a single object
    }
    prune(name, keep);
    return dir.toString();
  }

  /** The URI of the newest complete checkpoint, or null when the run has none. */
  public String latest() throws IOException {
    Path pointer = new Path(run, LAST);
    if (!fs.exists(pointer)) {
      return null;
    }
    String name = readText(pointer).trim();
    Path dir = new Path(run, name);
    if (!name.matches("checkpoint_\\d+") || !fs.exists(new Path(dir, MARKER))) {
      throw new IOException("Checkpoint pointer " + pointer + " names '" + name + "', which is not a complete checkpoint"
          + " (expected a folder checkpoint_<updates> holding " + MARKER + ")");
    }
    return dir.toString();
  }

  /** Copies the checkpoint at {@code checkpointUri} into the local folder {@code local} (created); returns it. */
  public java.nio.file.Path download(String checkpointUri, java.nio.file.Path local) throws IOException {
    Files.createDirectories(local);
    for (FileStatus f : fs.listStatus(new Path(checkpointUri))) {
      if (f.isFile() && !f.getPath().getName().endsWith(".crc")) {
        try (InputStream in = fs.open(f.getPath())) {
          Files.copy(in, local.resolve(f.getPath().getName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return local;
  }

  /** The text of file {@code name} of the checkpoint at {@code checkpointUri} (without copying the rest of it). */
  public String readCheckpointFile(String checkpointUri, String name) throws IOException {
    Path file = new Path(new Path(checkpointUri), name);
    if (!fs.exists(file)) {
      throw new IOException("Checkpoint " + checkpointUri + " has no file " + name);
    }
    return readText(file);
  }

  /** Checkpoint folder names of the run, oldest first. */
  public List<String> checkpoints() throws IOException {
    List<String> names = new ArrayList<>();
    if (!fs.exists(run)) {
      return names;
    }
    for (FileStatus f : fs.listStatus(run)) {
      if (f.isDirectory() && f.getPath().getName().matches("checkpoint_\\d+")) {
        names.add(f.getPath().getName());
      }
    }
    names.sort(Comparator.comparingLong(CheckpointStore::updatesOf));
    return names;
  }

  /** Appends {@code text} to the run's file {@code name} (rewritten through a temporary file and a rename, or one PUT). */
  public void append(String name, String text) throws IOException {
    Path file = new Path(run, name);
    String before = fs.exists(file) ? readText(file) : "";
    fs.mkdirs(run);
    if (atomicRename()) {
      Path tmp = new Path(run, "." + name + ".tmp-" + UUID.randomUUID());
      writeText(tmp, before + text);
      FileContext.getFileContext(run.toUri(), conf).rename(tmp, file, Options.Rename.OVERWRITE);
    } else {
      writeText(file, before + text);
    }
  }

  /** The text of the run's file {@code name}, or null when absent. */
  public String read(String name) throws IOException {
    Path file = new Path(run, name);
    return fs.exists(file) ? readText(file) : null;
  }

  private void prune(String current, int keep) throws IOException {
    for (FileStatus f : fs.listStatus(run)) {
      String n = f.getPath().getName();
      if (n.startsWith(".checkpoint_") && n.contains(".tmp-")) {
        fs.delete(f.getPath(), true); // left by a writer that died before its rename; only rank 0 writes
      }
    }
    if (keep <= 0) {
      return;
    }
    List<String> names = checkpoints();
    names.remove(current);
    for (int i = 0; i < names.size() - (keep - 1); i++) {
      fs.delete(new Path(run, names.get(i)), true);
    }
  }

  private void upload(java.nio.file.Path local, Path remote) throws IOException {
    fs.mkdirs(remote);
    try (Stream<java.nio.file.Path> files = Files.list(local)) {
      for (java.nio.file.Path f : files.sorted().toList()) {
        if (!Files.isRegularFile(f)) {
          throw new IOException("Expected only files in checkpoint folder " + local + ", found " + f);
        }
        try (InputStream in = Files.newInputStream(f); OutputStream out = fs.create(new Path(remote, f.getFileName().toString()), true)) {
          in.transferTo(out);
        }
      }
    }
  }

  private void writeText(Path file, String text) throws IOException {
    try (OutputStream out = fs.create(file, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private String readText(Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static long updatesOf(String name) {
    return Long.parseLong(name.substring("checkpoint_".length()));
  }
}
