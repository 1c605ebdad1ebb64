package ai.hubert.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

class RankDeviceTest {
  private static Map<String, ResourceInformation> gpus(String... addresses) {
    return Map.of("gpu", new ResourceInformation("gpu", addresses));
  }

  @Test
  void theTasksGpuAddressBecomesTheDjlDevice() {
    RankDevice d = RankDevice.select(true, gpus("3"), 4);
    assertEquals(3, d.gpu());
    assertEquals(Device.gpu(3), d.djl());
    assertEquals("gpu3", d.toString());
  }

  @Test
  void cpuWhenTheConfigSaysNoGpuEvenIfTheTaskHasOne() {
    assertEquals(RankDevice.CPU, RankDevice.select(false, gpus("0"), 1));
    assertEquals(Device.cpu(), RankDevice.select(false, Map.of(), 0).djl());
  }

  @Test
  void clearErrorsForMissingSeveralOrInvisibleGpus() {
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> RankDevice.select(true, Map.of(), 0));
    assertTrue(none.getMessage().contains("spark.task.resource.gpu.amount=1"), none.getMessage());
    IllegalArgumentException two = assertThrows(IllegalArgumentException.class, () -> RankDevice.select(true, gpus("0", "1"), 2));
    assertTrue(two.getMessage().contains("found 2: 0,1"), two.getMessage());
    IllegalArgumentException invisible = assertThrows(IllegalArgumentException.class, () -> RankDevice.select(true, gpus("2"), 1));
    assertTrue(invisible.getMessage().contains("GPU 2") && invisible.getMessage().contains("sees 1"), invisible.getMessage());
    IllegalArgumentException odd = assertThrows(IllegalArgumentException.class, () -> RankDevice.select(true, gpus("GPU-ab12"), 1));
    assertTrue(odd.getMessage().contains("'GPU-ab12'"), odd.getMessage());
  }
}
