package ai.hubert.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.audio.AudioDecoder;
import ai.hubert.features.mfcc.KaldiMfcc;
import ai.hubert.labels.KMeansModelRecord;
import ai.hubert.labels.assign.NearestCentroid;
import ai.hubert.spark.HubertSpark;
import ai.hubert.store.FeatureStore;
import ai.hubert.store.StoreLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The label half of the README pipeline through the CLI: k-means on MFCC, fused labelling, fairseq
 * export and evaluation. Every exported label is checked against the plain Java path (MFCC of the
 * decoded file, nearest stored centroid).
 */
class LabelPipelineTest {
  @TempDir Path tmp;

  private String cli(String... args) {
    return new Cli(tmp.resolve("store")).run(args);
  }

  @Test
  void kmeansLabelExportAndEvaluateAgreeWithTheDirectComputation() throws Exception {
    cli("ingest");
    cli("mfcc");
    String fit = cli("kmeans", "--dataset", "sample", "--features", "mfcc", "--k", "20", "--sample-fraction", "0.5", "--seed", "3",
        "--model", "km20");
    assertTrue(fit.contains("k=20"), fit);
    cli("label", "--dataset", "sample", "--kmeans", "km20", "--label-set", "mfcc-k20");
    Path prefix = tmp.resolve("labels/train");
    cli("export-labels", "--dataset", "sample", "--label-set", "mfcc-k20", "--output-prefix", prefix.toString());
    String eval = cli("evaluate-labels", "--dataset", "sample", "--label-set", "mfcc-k20");
    assertTrue(eval.trim().startsWith("{\"pnmi\": "), eval);
    double pnmi = Double.parseDouble(eval.replaceAll("(?s).*\"pnmi\": ([0-9.eE-]+).*", "$1"));
    assertTrue(pnmi > 0.1 && pnmi < 1.0, "PNMI of MFCC k=20 labels on speech: " + pnmi);

    FeatureStore store = FeatureStore.attach(HubertSpark.builder().master("local[2]")
        .store(StoreLocation.of(tmp.resolve("store").toString())).forTests().getOrCreate());
    KMeansModelRecord model = KMeansModelRecord.load(store, "sample", "km20");
    NearestCentroid nearest = new NearestCentroid(model.centroids(), model.k(), model.dim());
    List<String> km = Files.readAllLines(Path.of(prefix + ".km"));
    List<String> tsv = Files.readAllLines(Path.of(prefix + ".tsv"));
    assertEquals(20, Files.readAllLines(prefix.getParent().resolve("dict.km.txt")).size());
    assertEquals(90, km.size());
    Path root = Path.of(tsv.get(0));
    KaldiMfcc mfcc = new KaldiMfcc();
    AudioDecoder decoder = new AudioDecoder(16000);
    for (int i = 0; i < km.size(); i++) {
      String rel = tsv.get(i + 1).split("\t")[0];
      float[] features = mfcc.computePcm16(decoder.decode(rel, Files.readAllBytes(root.resolve(rel))).pcm16());
      int[] expected = nearest.assign(features, features.length / 39);
      String[] tokens = km.get(i).split(" ");
      assertEquals(expected.length, tokens.length, "frames of " + rel);
      for (int t = 0; t < tokens.length; t++) {
        assertEquals(expected[t], Integer.parseInt(tokens[t]), rel + " frame " + t);
      }
    }
    String show = cli("store", "show", "mfcc-k20", "--dataset", "sample");
    assertTrue(show.contains("kmeans-model") && show.contains("km20") && show.contains("quality"), show);
  }
}
