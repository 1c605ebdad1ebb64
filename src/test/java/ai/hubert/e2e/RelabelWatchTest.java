package ai.hubert.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.model.HubertModel;
import ai.hubert.model.checkpoint.HubertCheckpoint;
import ai.hubert.model.config.HubertConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled relabeling through the CLI as cron or a ScheduledSparkApplication runs it: {@code relabel --watch DIR
 * --once} relabels each checkpoint that appeared in DIR once, with its own tag, and remembers what it did.
 */
class RelabelWatchTest {
  @TempDir Path tmp;

  private static void checkpoint(Path dir, long seed) throws Exception {
    try (NDManager m = NDManager.newBaseManager(); HubertModel model = HubertModel.create(m, HubertConfig.tiny(), seed)) {
      HubertCheckpoint.save(model, "{}", dir);
    }
  }

  @Test
  void eachNewCheckpointIsRelabelledOnce() throws Exception {
    Path tree = tmp.resolve("tree");
    for (String rel : SampleCorpus.audioFiles().subList(75, 81)) {
      Files.createDirectories(tree.resolve(rel).getParent());
      try (InputStream in = SampleCorpus.open(rel)) {
        Files.write(tree.resolve(rel), in.readAllBytes());
      }
    }
    Cli cli = new Cli(tmp.resolve("store"));
    cli.run("ingest", "--input", tree.toString(), "--dataset", "w");
    Path config = tmp.resolve("watch.yaml");
    Files.writeString(config, """
        relabel:
          dataset: w
          checkpoint: none            # each watched checkpoint replaces it
          layer: 1
          label_set: w-{checkpoint}-l{layer}-k{k}
        kmeans:
          k: 8
          sample_fraction: 1.0
          max_iter: 10
        """);
    Path watched = tmp.resolve("checkpoints");
    checkpoint(watched.resolve("checkpoint_100"), 1);
    checkpoint(watched.resolve("checkpoint_200"), 2);
    Files.createDirectories(watched.resolve(".checkpoint_300.tmp-123")); // a checkpoint being written: ignored

    String first = cli.run("relabel", "--config", config.toString(), "--watch", watched.toString(), "--once");
    assertTrue(first.contains("2 relabelled now, 0 failed"), first);
    String second = cli.run("relabel", "--config", config.toString(), "--watch", watched.toString(), "--once");
    assertTrue(second.contains("0 relabelled now"), second);

    checkpoint(watched.resolve("checkpoint_300"), 3);
    String third = cli.run("relabel", "--config", config.toString(), "--watch", watched.toString(), "--once");
    assertTrue(third.contains("1 relabelled now") && third.contains("w-checkpoint_300-l1-k8"), third);

    String list = cli.run("store", "show", "w-checkpoint_200-l1-k8", "--dataset", "w");
    assertTrue(list.contains("checkpoint-sha256") && list.contains("checkpoint_200"), list);
    String rerun = cli.run("relabel", "--config", config.toString(), "--set", "relabel.checkpoint=" + watched.resolve("checkpoint_100"));
    assertTrue(rerun.contains("already complete"), rerun);
    assertEquals(3, Files.list(tmp.resolve("store/relabel/w")).filter(Files::isDirectory).count(), "one run folder per checkpoint");
  }
}
