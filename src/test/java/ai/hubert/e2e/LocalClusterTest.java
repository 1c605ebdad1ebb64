package ai.hubert.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.audio.ingest.IngestJob;
import ai.hubert.audio.ingest.IngestSummary;
import ai.hubert.features.MfccJob;
import ai.hubert.features.mfcc.KaldiMfcc;
import ai.hubert.spark.HubertSpark;
import ai.hubert.store.FeatureSchema;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.StoreLocation;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest and MFCC with executors in two separate JVMs ({@code local-cluster[2,1,1024]}): every closure,
 * broadcast and task result crosses a process boundary, with strict Kryo registration.
 */
@Tag("cluster")
class LocalClusterTest {
  @TempDir static Path tmp;
  static SparkSession spark;

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void ingestAndMfccRunOnExecutorsInOtherJvms() throws Exception {
    scala.Option<SparkSession> existing = SparkSession.getDefaultSession();
    if (existing.isDefined()) {
      existing.get().stop(); // one SparkContext per JVM: this test needs its own master
    }
    System.setProperty("spark.testing", "true");
    System.setProperty("spark.test.home", tmp.toString());
    Path tree = tmp.resolve("tree");
    List<String> files = SampleCorpus.audioFiles().subList(0, 12);
    for (String rel : files) {
      Files.createDirectories(tree.resolve(rel).getParent());
      try (InputStream in = SampleCorpus.open(rel)) {
        Files.write(tree.resolve(rel), in.readAllBytes());
      }
    }
    spark = HubertSpark.builder().master("local-cluster[2,1,1024]").store(StoreLocation.of(tmp.resolve("store").toString()))
        .forTests().conf("spark.default.parallelism", "4").getOrCreate();
    FeatureStore store = FeatureStore.attach(spark);
    long deadline = System.nanoTime() + 90_000_000_000L;
    while (spark.sparkContext().getExecutorMemoryStatus().size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(3, spark.sparkContext().getExecutorMemoryStatus().size(), "driver + 2 executor JVMs registered");

    IngestSummary ingest = new IngestJob(store).run(tree.toString(), "cluster", false);
    assertEquals(12, ingest.ingested());
    MfccJob.Summary mfcc = new MfccJob(store).run("cluster", false);
    assertEquals(12, mfcc.utterances());

    KaldiMfcc kaldi = new KaldiMfcc();
    long expectedFrames = 0;
    for (Row r : store.read(store.audio("cluster")).select("num_samples").collectAsList()) {
      expectedFrames += kaldi.numFrames(r.getInt(0));
    }
    long frames = store.read(store.features("cluster", "mfcc")).agg(org.apache.spark.sql.functions.sum(FeatureSchema.NUM_FRAMES))
        .first().getLong(0);
    assertEquals(expectedFrames, frames);
    assertEquals(expectedFrames, mfcc.frames());
  }
}
