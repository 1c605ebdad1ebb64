package ai.hubert.features.model;

import ai.djl.Device;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * The device a Spark task runs models on: the GPU that Spark's resource scheduling assigned to the task
 * ({@code spark.executor.resource.gpu.amount} and {@code spark.task.resource.gpu.amount} set, addresses from the
 * executor's discovery script), else the CPU. Outside a task (the driver, a local test) it is the CPU.
 */
final class ExecutorDevice {
  static final String GPU = "gpu";

  private ExecutorDevice() {}

  /** The current task's device. */
  static Device current() {
    TaskContext task = TaskContext.get();
    if (task == null) {
      return Device.cpu();
    }
    scala.Option<ResourceInformation> gpu = task.resources().get(GPU);
    if (gpu.isEmpty() || gpu.get().addresses().length == 0) {
      return Device.cpu();
    }
    return of(gpu.get().addresses()[0]);
  }

  /** The device for a Spark GPU address (a CUDA ordinal such as {@code "0"}); fails naming the address. */
  static Device of(String gpuAddress) {
    try {
      return Device.gpu(Integer.parseInt(gpuAddress.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalStateException("Spark assigned GPU address '" + gpuAddress + "' to this task; expected a CUDA device "
          + "ordinal (0, 1, ...) from the executor's GPU discovery script", e);
    }
  }
}
