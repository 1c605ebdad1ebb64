package ai.hubert.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's main class run by Spark's own launcher, as on a cluster:
 * {@code spark-submit --class ai.hubert.cli.HubertCli <jar> --store S ingest}, in a separate JVM.
 */
@Tag("cluster")
class SparkSubmitTest {
  @TempDir Path tmp;

  @Test
  void sparkSubmitRunsTheCliMainClassFromTheApplicationJar() throws Exception {
    Path root = Path.of(System.getProperty("hubert.repo.root", "..")).toAbsolutePath().normalize();
    Path jar;
    try (Stream<Path> jars = Files.list(root.resolve("spark-jobs/target"))) {
      jar = jars.filter(p -> p.getFileName().toString().matches("hubert-spark-jobs-.*\\.jar")
          && !p.getFileName().toString().endsWith("-dist.jar")).findFirst().orElse(null);
    }
    assumeTrue(jar != null, "spark-jobs jar not packaged (run mvn install)");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognized") || a.startsWith("-Dio.netty")
            || a.startsWith("--enable-native-access")).toList());
    cmd.add("-Xmx1g");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", "local[2]", "--conf", "spark.ui.enabled=false",
        "--class", "ai.hubert.cli.HubertCli", jar.toString(), "--store", tmp.resolve("store").toString(), "ingest"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().remove("SPARK_TESTING");
    pb.directory(tmp.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "spark-submit finished");
    String out = Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("found = ingested + rejected: 90 = 90 + 0"), out);
    assertTrue(new File(tmp.resolve("store/tables/sample/audio/metadata").toString()).isDirectory());
  }
}
