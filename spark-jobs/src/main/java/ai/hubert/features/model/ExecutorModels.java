package ai.hubert.features.model;

import ai.djl.ndarray.NDManager;
import ai.hubert.model.HubertModel;
import ai.hubert.model.checkpoint.Checkpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One loaded model per checkpoint per executor JVM, shared by the executor's tasks. Loading a Base
 * checkpoint costs seconds and hundreds of MB, so it happens once, not once per task or partition.
 */
final class ExecutorModels {
  private static final Map<String, HubertModel> MODELS = new HashMap<>();

  private ExecutorModels() {}

  /** The model of the checkpoint at a local path, loaded on first use. */
  static synchronized HubertModel get(String localPath) {
    return MODELS.computeIfAbsent(localPath, p -> {
      try {
        return Checkpoints.load(NDManager.newBaseManager(), Path.of(p));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot load checkpoint " + p + " on this executor: " + e.getMessage(), e);
      }
    });
  }
}
