package ai.hubert.features.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/** The device choice of feature extraction: the Spark-assigned GPU address, else the CPU. */
class ExecutorDeviceTest {
  @Test
  void outsideATaskItIsTheCpu() {
    assertEquals(Device.cpu(), ExecutorDevice.current());
  }

  @Test
  void aSparkGpuAddressIsACudaOrdinal() {
    assertEquals(Device.gpu(1), ExecutorDevice.of("1"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ExecutorDevice.of("GPU-5f1c"));
    assertTrue(e.getMessage().contains("GPU-5f1c") && e.getMessage().contains("ordinal"), e.getMessage());
  }
}
