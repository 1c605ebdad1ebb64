package ai.hubert.relabel;

import ai.hubert.features.model.HubertFeatureJob;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * A checkpoint a relabel run reads, resolved and hashed: a training run folder stands for its newest complete
 * checkpoint (the {@code checkpoint_last} pointer the training job writes), a checkpoint folder or a fairseq
 * {@code .pt} file for itself. The SHA-256 covers every file, so lineage pins the exact weights.
 *
 * @param given the location as configured
 * @param resolved the checkpoint folder or file actually read (fully qualified)
 * @param name its file name (what executors find it by)
 * @param sha256 hash of its content
 */
public record CheckpointRef(String given, String resolved, String name, String sha256) {
  /** The pointer file of a training run folder. */
  public static final String LAST_POINTER = "checkpoint_last";

  /** Resolves {@code location}; fails naming what it found. */
  public static CheckpointRef resolve(SparkSession spark, String location) {
    Path path = new Path(location);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(path)) {
        throw new IllegalArgumentException("Cannot relabel from checkpoint " + location + ": it does not exist (expected a training "
            + "run folder, a checkpoint folder with config.json + model.safetensors, or a fairseq .pt file)");
      }
      FileStatus status = fs.getFileStatus(path);
      Path chosen = fs.makeQualified(path);
      if (status.isDirectory() && fs.exists(new Path(path, LAST_POINTER))) {
        String name;
        try (InputStream in = fs.open(new Path(path, LAST_POINTER))) {
          name = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        chosen = fs.makeQualified(new Path(path, name));
        if (!fs.exists(chosen)) {
          throw new IllegalArgumentException("Cannot relabel from run folder " + location + ": its " + LAST_POINTER + " names " + name
              + ", which does not exist");
        }
      }
      String resolved = chosen.toString();
      return new CheckpointRef(location, resolved, chosen.getName(), HubertFeatureJob.sha256(spark, resolved));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read checkpoint " + location + ": " + e.getMessage(), e);
    }
  }
}
