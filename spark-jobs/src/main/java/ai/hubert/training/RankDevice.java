package ai.hubert.training;

import ai.djl.Device;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;

/**
 * The device one training rank runs on: the GPU Spark assigned to its task ({@code TaskContext.resources().get("gpu")},
 * i.e. {@code spark.task.resource.gpu.amount=1} with executor GPU discovery) when the config says
 * {@code spark.use_gpu: true}, else the CPU slot the task runs in.
 *
 * @param gpu the CUDA device index, or -1 for the CPU
 */
public record RankDevice(int gpu) {
  /** The CPU. */
  public static final RankDevice CPU = new RankDevice(-1);

  /**
   * Picks the device from the task's resources.
   *
   * @param useGpu the config's {@code spark.use_gpu}
   * @param resources the task's resources ({@code TaskContext.resources()})
   * @param visibleGpus GPUs libtorch sees in this executor ({@code Engine.getGpuCount()})
   * @throws IllegalArgumentException when GPUs are asked for and the task has none, several, or one libtorch cannot see
   */
  public static RankDevice select(boolean useGpu, Map<String, ResourceInformation> resources, int visibleGpus) {
    if (!useGpu) {
      return CPU;
    }
    ResourceInformation gpus = resources.get("gpu");
    if (gpus == null || gpus.addresses().length == 0) {
      throw new IllegalArgumentException("spark.use_gpu is true but this task was given no GPU: run with "
          + "spark.executor.resource.gpu.amount, a GPU discovery script and spark.task.resource.gpu.amount=1 (one rank per GPU)");
    }
    if (gpus.addresses().length != 1) {
      throw new IllegalArgumentException("Expected one GPU per training task (spark.task.resource.gpu.amount=1), found "
          + gpus.addresses().length + ": " + String.join(",", gpus.addresses()));
    }
    String address = gpus.addresses()[0].trim();
    int index;
    try {
      index = Integer.parseInt(address);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Expected a numeric GPU address from Spark's resource discovery, found '" + address + "'", e);
    }
    if (index < 0 || index >= visibleGpus) {
      throw new IllegalArgumentException("Spark assigned GPU " + index + " but libtorch sees " + visibleGpus + " GPU(s) in this "
          + "executor (CUDA_VISIBLE_DEVICES renumbers devices: the discovery script must report the visible indices)");
    }
    return new RankDevice(index);
  }

  /** The DJL device. */
  public Device djl() {
    return gpu < 0 ? Device.cpu() : Device.gpu(gpu);
  }

  @Override
  public String toString() {
    return gpu < 0 ? "cpu" : "gpu" + gpu;
  }
}
