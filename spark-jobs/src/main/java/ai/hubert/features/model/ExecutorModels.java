package ai.hubert.features.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.hubert.model.HubertModel;
import ai.hubert.model.checkpoint.Checkpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;

/**
 * One loaded model per checkpoint and device per executor JVM, shared by the executor's tasks. Loading a
 * Base checkpoint costs seconds and hundreds of MB, so it happens once, not once per task or partition.
 * A checkpoint on a local (or shared, mounted) file system is read in place; one on another Hadoop file system
 * (HDFS, S3) is first copied to the executor's temporary folder under a name derived from its URI, so two
 * checkpoints with the same file name never collide. The device is the task's Spark-assigned GPU when it has
 * one, else the CPU ({@link ExecutorDevice}).
 */
final class ExecutorModels {
  private static final Map<String, HubertModel> MODELS = new HashMap<>();

  private ExecutorModels() {}

  /** The model of the checkpoint at {@code uri} on the current task's device, loaded on first use. */
  static HubertModel get(String uri, long modificationTime, Configuration conf) {
    return get(uri, modificationTime, conf, ExecutorDevice.current());
  }

  static synchronized HubertModel get(String uri, long modificationTime, Configuration conf, Device device) {
    return MODELS.computeIfAbsent(uri + "@" + modificationTime + "@" + device, key -> {
      try {
        return Checkpoints.load(NDManager.newBaseManager(device), localCopy(uri, modificationTime, conf));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot load checkpoint " + uri + " on this executor (" + device + "): " + e.getMessage(), e);
      }
    });
  }

  private static Path localCopy(String uri, long modificationTime, Configuration conf) throws IOException {
    org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(uri);
    if ("file".equals(remote.toUri().getScheme())) {
      return Path.of(remote.toUri());
    }
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "hubert-checkpoints", digest(uri + "@" + modificationTime));
    Path local = dir.resolve(remote.getName());
    Path done = dir.resolve(".complete");
    if (!Files.exists(done)) {
      FileUtil.fullyDelete(dir.toFile());
      Files.createDirectories(dir);
      FileSystem fs = remote.getFileSystem(conf);
      if (!FileUtil.copy(fs, remote, local.toFile(), false, conf)) {
        throw new IOException("copying " + uri + " to " + local + " failed");
      }
      Files.writeString(done, uri, StandardCharsets.UTF_8);
    }
    return local;
  }

  private static String digest(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < 12; i++) {
        hex.append(String.format("%02x", d[i] & 0xff));
      }
      return hex.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
