package ai.hubert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line contract without Spark: help, usage errors, exit codes, launcher flags. */
class HubertCliTest {
  @TempDir Path tmp;

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = new HubertCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(args);
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void everyCommandHasHelpListingItsOptions() {
    Result main = run("--help");
    assertEquals(0, main.status());
    for (String command : new String[] {"ingest", "mfcc", "extract-features", "export-features", "kmeans", "label",
        "export-labels", "import-labels", "evaluate-labels", "export-checkpoint", "train", "relabel", "store", "bench", "demo", "product-kmeans",
        "ablation"}) {
      assertTrue(main.out().contains("  " + command + " "), "main help lists " + command + ":\n" + main.out());
      Result help = run(command, "--help");
      assertEquals(0, help.status(), command);
      assertTrue(help.out().contains("usage: hubert [global options] " + command), help.out());
    }
    Result ingest = run("ingest", "--help");
    assertTrue(ingest.out().contains("--input PATH") && ingest.out().contains("--dataset NAME"), ingest.out());
    Result export = run("export-features", "--help");
    for (String option : new String[] {"--dataset", "--features", "--format", "--output-prefix"}) {
      assertTrue(export.out().contains(option), export.out());
    }
  }

  @Test
  void usageErrorsExitWithTwoAndSayWhatIsWrong() {
    Result unknown = run("frobnicate");
    assertEquals(2, unknown.status());
    assertTrue(unknown.err().contains("unknown command 'frobnicate'"), unknown.err());
    Result badOption = run("mfcc", "--datset", "x");
    assertEquals(2, badOption.status());
    assertTrue(badOption.err().contains("unknown option --datset"), badOption.err());
    Result missingValue = run("mfcc", "--dataset");
    assertEquals(2, missingValue.status());
    assertTrue(missingValue.err().contains("--dataset expects a value"), missingValue.err());
    Result badConf = run("--conf", "novalue", "demo");
    assertEquals(2, badConf.status());
    assertTrue(badConf.err().contains("--conf expects key=value"), badConf.err());
    Result missingDataset = run("--store", tmp.toString(), "--master", "local[1]", "--conf", "spark.ui.enabled=false",
        "ingest", "--input", tmp.toString());
    assertEquals(2, missingDataset.status());
    assertTrue(missingDataset.err().contains("--dataset"), missingDataset.err());
    Result train = run("train");
    assertEquals(2, train.status());
    assertTrue(train.err().contains("missing required option --config"), train.err());
    Result product = run("product-kmeans", "--name", "pq");
    assertEquals(2, product.status());
    assertTrue(product.err().contains("exactly one of --subspaces and --groups"), product.err());
    Result ablation = run("ablation");
    assertEquals(2, ablation.status());
    assertTrue(ablation.err().contains("missing required option --config"), ablation.err());
    Result bench = run("bench", "nothing");
    assertEquals(2, bench.status());
    assertTrue(bench.err().contains("expected a benchmark name"), bench.err());
    Result format = run("export-features", "--format", "hdf5", "--output-prefix", "x");
    assertEquals(2, format.status());
    assertTrue(format.err().contains("unsupported --format 'hdf5'"), format.err());
  }

  @Test
  void failuresExitWithOneAndNameTheInput() {
    Result missing = run("--store", tmp.resolve("store").toString(), "--master", "local[1]", "--conf", "spark.ui.enabled=false",
        "ingest", "--input", tmp.resolve("nope").toString(), "--dataset", "x");
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("nope") && missing.err().contains("no such file or directory"), missing.err());
  }

  @Test
  void exportCheckpointWritesAHuggingFaceFolderThatLoadsBack() throws Exception {
    Path ours = tmp.resolve("ours");
    Path hf = tmp.resolve("hf");
    try (ai.djl.ndarray.NDManager root = ai.djl.ndarray.NDManager.newBaseManager();
         ai.hubert.model.HubertModel model = ai.hubert.model.HubertModel.create(root, ai.hubert.model.config.HubertConfig.tiny(), 3)) {
      ai.hubert.model.checkpoint.HubertCheckpoint.save(model, "{}", ours);
      Result r = run("export-checkpoint", "--checkpoint", ours.toString(), "--format", "hf", "--output", hf.toString());
      assertEquals(0, r.status(), r.err());
      assertTrue(r.out().contains("wrote hf checkpoint"), r.out());
      try (ai.hubert.model.HubertModel loaded = ai.hubert.model.checkpoint.Checkpoints.load(root, hf)) {
        float[] a = model.stateDict().get("encoder.layers.3.fc2.weight").toFloatArray();
        float[] b = loaded.stateDict().get("encoder.layers.3.fc2.weight").toFloatArray();
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
      }
    }
    Result bad = run("export-checkpoint", "--checkpoint", ours.toString(), "--format", "onnx", "--output", hf.toString());
    assertEquals(2, bad.status());
    assertTrue(bad.err().contains("expected --format hf or hubert"), bad.err());
    Result missing = run("export-checkpoint", "--checkpoint", tmp.resolve("nothing").toString(), "--output", hf.toString());
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("nothing"), missing.err());
  }

  @Test
  void launcherAndTestJvmUseTheSameSparkModuleFlags() throws Exception {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    String pom = Files.readString(root.resolve("pom.xml"));
    Matcher m = Pattern.compile("<spark.jvm.flags>(.*?)</spark.jvm.flags>", Pattern.DOTALL).matcher(pom);
    assertTrue(m.find(), "pom.xml defines spark.jvm.flags");
    String launcher = Files.readString(root.resolve("bin/hubert"));
    Matcher l = Pattern.compile("SPARK_JVM_FLAGS=\"(.*?)\"").matcher(launcher);
    assertTrue(l.find(), "bin/hubert defines SPARK_JVM_FLAGS");
    assertEquals(m.group(1).trim(), l.group(1).trim());
    assertTrue(launcher.contains("SPARK_LOCAL_IP"), "bin/hubert keeps local Spark on loopback");
  }
}
