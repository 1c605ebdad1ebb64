package ai.hubert.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.audio.ingest.IngestJob;
import ai.hubert.audio.ingest.IngestSummary;
import ai.hubert.features.MfccJob;
import ai.hubert.features.export.FairseqExport;
import ai.hubert.spark.HubertSpark;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.StoreLocation;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input, store and export all on HDFS (MiniDFSCluster, one datanode on loopback). */
class HdfsRoundTripTest {
  @TempDir static Path tmp;
  static MiniDFSCluster cluster;

  @BeforeAll
  static void startHdfs() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
    conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  void manifestOnHdfsIngestsIntoAStoreOnHdfsAndExportsBackToHdfs() throws Exception {
    String hdfs = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    FileSystem fs = cluster.getFileSystem();
    List<String> files = SampleCorpus.audioFiles().subList(0, 4);
    StringBuilder manifest = new StringBuilder(hdfs + "/corpus\n");
    for (String rel : files) {
      try (InputStream in = SampleCorpus.open(rel); OutputStream out = fs.create(new org.apache.hadoop.fs.Path("/corpus/" + rel))) {
        in.transferTo(out);
      }
      manifest.append(rel).append('\t').append(samples(rel)).append('\n');
    }
    try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path("/manifests/train.tsv"))) {
      out.write(manifest.toString().getBytes(StandardCharsets.UTF_8));
    }

    FeatureStore store = FeatureStore.attach(HubertSpark.builder().master("local[2]")
        .store(StoreLocation.of(hdfs + "/store")).forTests().getOrCreate());
    IngestSummary s = new IngestJob(store).run(hdfs + "/manifests/train.tsv", "hdfsds", false);
    assertEquals(4, s.ingested());
    assertEquals(0, s.rejected());
    MfccJob.Summary m = new MfccJob(store).run("hdfsds", false);
    new FairseqExport(store).run("hdfsds", "mfcc", hdfs + "/export/train_0_1");

    assertEquals(true, fs.exists(new org.apache.hadoop.fs.Path("/store/tables/hdfsds/audio/metadata")), "tables live on HDFS");
    String len;
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path("/export/train_0_1.len"))) {
      len = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    long frames = len.lines().mapToLong(Long::parseLong).sum();
    assertEquals(m.frames(), frames);
    assertEquals(headerLength(fs) + frames * 39 * 4, fs.getFileStatus(new org.apache.hadoop.fs.Path("/export/train_0_1.npy")).getLen());
  }

  private static long headerLength(FileSystem fs) throws Exception {
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path("/export/train_0_1.npy"))) {
      byte[] b = in.readNBytes(10);
      return 10 + ((b[8] & 0xff) | ((b[9] & 0xff) << 8));
    }
  }

  private static int samples(String rel) throws Exception {
    try (InputStream in = SampleCorpus.open(rel)) {
      return new ai.hubert.audio.AudioDecoder(16000).decode(rel, in.readAllBytes()).numSamples();
    }
  }
}
