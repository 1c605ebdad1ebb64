package ai.hubert.training.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.hubert.model.HubertModel;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.train.AdamW;
import ai.hubert.model.train.TrainingCheckpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing, finding, pruning and fetching checkpoints on a local file system and on HDFS (MiniDFSCluster). */
class CheckpointStoreTest {
  @TempDir static Path tmp;
  static MiniDFSCluster hdfs;

  @BeforeAll
  static void startHdfs() throws IOException {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
    for (String key : new String[] {"dfs.namenode.rpc-address", "dfs.datanode.address", "dfs.datanode.http.address",
        "dfs.datanode.ipc.address", "dfs.namenode.http-address"}) {
      conf.set(key, "127.0.0.1:0");
    }
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();
  }

  @AfterAll
  static void stopHdfs() {
    if (hdfs != null) {
      hdfs.shutdown();
    }
  }

  private static String hdfsUri(String path) {
    return "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + path;
  }

  private static Path fakeCheckpoint(String name, String payload) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("staged").resolve(name + "-" + System.nanoTime()));
    Files.writeString(dir.resolve("model.safetensors"), payload, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("trainer.json"), "{\"updates\": 0}", StandardCharsets.UTF_8);
    return dir;
  }

  private static void publishFindPrune(CheckpointStore store) throws IOException {
    assertNull(store.latest(), "a fresh run has no checkpoint");
    for (int u = 10; u <= 40; u += 10) {
      store.publish(fakeCheckpoint("c" + u, "weights at " + u), u, 2);
    }
    assertTrue(store.latest().endsWith("/checkpoint_40"), store.latest());
    assertEquals(List.of("checkpoint_30", "checkpoint_40"), store.checkpoints(), "keep=2 prunes the oldest");
    Path local = store.download(store.latest(), tmp.resolve("fetched-" + System.nanoTime()));
    assertEquals("weights at 40", Files.readString(local.resolve("model.safetensors")));
    assertFalse(Files.exists(local.resolve(".model.safetensors.crc")), "checksum side files are not fetched");

    // a retried attempt republishes the same update: replaced, and the pointer still resolves
    store.publish(fakeCheckpoint("again", "weights at 40, again"), 40, 2);
    assertEquals("weights at 40, again",
        Files.readString(store.download(store.latest(), tmp.resolve("again-" + System.nanoTime())).resolve("model.safetensors")));

    store.append("progress.jsonl", "{\"update\": 1}\n");
    store.append("progress.jsonl", "{\"update\": 2}\n");
    assertEquals("{\"update\": 1}\n{\"update\": 2}\n", store.read("progress.jsonl"));
  }

  @Test
  void publishesFindsAndPrunesOnALocalFileSystem() throws IOException {
    CheckpointStore store = CheckpointStore.open(tmp.resolve("local-run").toString(), new Configuration());
    assertTrue(store.atomicRename());
    publishFindPrune(store);
    try (var names = Files.list(tmp.resolve("local-run"))) {
      assertTrue(names.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary leftovers");
    }
  }

  @Test
  void publishesFindsAndPrunesOnHdfs() throws IOException {
    CheckpointStore store = CheckpointStore.open(hdfsUri("/runs/a"), hdfs.getConfiguration(0));
    assertTrue(store.uri().startsWith("hdfs://"), store.uri());
    assertTrue(store.atomicRename(), "HDFS renames atomically");
    publishFindPrune(store);
  }

  @Test
  void aWriterThatDiedMidCheckpointLeavesThePreviousOneCurrent() throws IOException {
    CheckpointStore store = CheckpointStore.open(hdfsUri("/runs/crash"), hdfs.getConfiguration(0));
    store.publish(fakeCheckpoint("c5", "five"), 5, 0);
    FileSystem fs = hdfs.getFileSystem();
    // what a rank 0 killed during its upload leaves: a temporary folder without trainer.json, and no new pointer
    try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path("/runs/crash/.checkpoint_10.tmp-dead/model.safetensors"))) {
      out.write(new byte[] {1, 2, 3});
    }
    assertTrue(store.latest().endsWith("/checkpoint_5"), store.latest());
    store.publish(fakeCheckpoint("c10", "ten"), 10, 0);
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/runs/crash/.checkpoint_10.tmp-dead")), "leftover removed");
    assertEquals(List.of("checkpoint_5", "checkpoint_10"), store.checkpoints(), "keep <= 0 keeps all");
  }

  @Test
  void aPointerToAnIncompleteCheckpointIsAnErrorNamingBoth() throws IOException {
    CheckpointStore store = CheckpointStore.open(hdfsUri("/runs/bad"), hdfs.getConfiguration(0));
    FileSystem fs = hdfs.getFileSystem();
    fs.mkdirs(new org.apache.hadoop.fs.Path("/runs/bad/checkpoint_7"));
    try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path("/runs/bad/checkpoint_last"))) {
      out.write("checkpoint_7\n".getBytes(StandardCharsets.UTF_8));
    }
    IOException e = assertThrows(IOException.class, store::latest);
    assertTrue(e.getMessage().contains("/runs/bad/checkpoint_last") && e.getMessage().contains("checkpoint_7")
        && e.getMessage().contains("trainer.json"), e.getMessage());
    IOException incomplete = assertThrows(IOException.class, () -> store.publish(Files.createDirectories(tmp.resolve("empty")), 8, 0));
    assertTrue(incomplete.getMessage().contains("trainer.json"), incomplete.getMessage());
  }

  @Test
  void objectStoresArePublishedByThePointerAlone() throws IOException {
    CheckpointStore store = CheckpointStore.open(tmp.resolve("object-store-run").toString(), new Configuration(), false);
    assertFalse(store.atomicRename());
    publishFindPrune(store);
    try (var names = Files.list(tmp.resolve("object-store-run"))) {
      assertTrue(names.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary folder, no rename");
    }
  }

  @Test
  void aModelCheckpointRoundTripsThroughHdfs() throws IOException {
    CheckpointStore store = CheckpointStore.open(hdfsUri("/runs/model"), Map.of("fs.defaultFS", hdfsUri("/")));
    try (NDManager root = NDManager.newBaseManager()) {
      HubertModel model = HubertModel.create(root, HubertConfig.tiny(), 7);
      AdamW adam = AdamW.hubert(root);
      Path staged = tmp.resolve("staged-model");
      TrainingCheckpoint.write(staged, model, adam, new TrainingCheckpoint.State(12, 1, 13, 3, 5), "{\"operation\":\"test\"}");
      store.publish(staged, 12, 1);
      Path local = store.download(store.latest(), tmp.resolve("fetched-model"));
      TrainingCheckpoint.State state = TrainingCheckpoint.readState(local);
      assertEquals(new TrainingCheckpoint.State(12, 1, 13, 3, 5), state, "counters and data position survive");
      try (HubertModel back = TrainingCheckpoint.loadModel(root, local)) {
        for (String name : model.parameters().keySet()) {
          assertArrayEquals(model.parameters().get(name).getArray().toFloatArray(),
              back.parameters().get(name).getArray().toFloatArray(), name);
        }
      }
      model.close();
      adam.close();
    }
  }
}
