package ai.hubert.features.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.hubert.model.HubertModel;
import ai.hubert.model.checkpoint.Checkpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One loaded model per checkpoint and device per executor JVM, shared by the executor's tasks. Loading a
 * Base checkpoint costs seconds and hundreds of MB, so it happens once, not once per task or partition.
 * The device is the task's Spark-assigned GPU when it has one, else the CPU ({@link ExecutorDevice}).
 */
final class ExecutorModels {
  private static final Map<String, HubertModel> MODELS = new HashMap<>();

  private ExecutorModels() {}

  /** The model of the checkpoint at a local path on the current task's device, loaded on first use. */
  static HubertModel get(String localPath) {
    return get(localPath, ExecutorDevice.current());
  }

  /** The model of the checkpoint at a local path on {@code device}, loaded on first use. */
  static synchronized HubertModel get(String localPath, Device device) {
    return MODELS.computeIfAbsent(localPath + "@" + device, key -> {
      try {
        return Checkpoints.load(NDManager.newBaseManager(device), Path.of(localPath));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot load checkpoint " + localPath + " on this executor (" + device + "): "
            + e.getMessage(), e);
      }
    });
  }
}
