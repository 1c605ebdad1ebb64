package ai.hubert.deploy;

import static ai.hubert.deploy.RepoFiles.ROOT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/scripts/getGpusResources.sh prints what Spark's own parser accepts, for each way a container sees GPUs. */
class GpuDiscoveryScriptTest {
  @TempDir Path tmp;

  @Test
  void cudaVisibleDevicesAreRenumberedFromZero() throws Exception {
    ResourceInformation gpus = discover(Map.of("CUDA_VISIBLE_DEVICES", "2,5"), false);
    assertEquals("gpu", gpus.name());
    assertArrayEquals(new String[] {"0", "1"}, gpus.addresses());
  }

  @Test
  void nvidiaSmiListsTheContainersGpus() throws Exception {
    assertArrayEquals(new String[] {"0", "1", "2", "3", "4", "5", "6", "7"}, discover(Map.of(), true).addresses());
  }

  @Test
  void noGpuGivesAnEmptyListSoSparkRefusesTheExecutor() throws Exception {
    assertEquals(0, discover(Map.of(), false).addresses().length);
  }

  private ResourceInformation discover(Map<String, String> env, boolean withNvidiaSmi) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin-" + System.nanoTime()));
    if (withNvidiaSmi) {
      Path smi = bin.resolve("nvidia-smi");
      Files.writeString(smi, "#!/usr/bin/env bash\n[ \"$1\" = --query-gpu=index ] && [ \"$2\" = --format=csv,noheader ] || exit 9\nseq 0 7\n");
      Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("deploy/scripts/getGpusResources.sh").toString());
    pb.environment().remove("CUDA_VISIBLE_DEVICES");
    pb.environment().put("PATH", bin + ":/usr/bin:/bin");
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    return ResourceInformation.parseJson(out.trim());
  }
}
