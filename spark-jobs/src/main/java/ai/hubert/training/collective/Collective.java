package ai.hubert.training.collective;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * Collective operations among the {@link #worldSize()} tasks of one data-parallel training job
 * (in Spark: the tasks of one barrier stage, one task per GPU or per worker).
 *
 * <p>Contract, as in MPI/NCCL: every rank calls the same operations in the same order with the
 * same sizes (and the same root); an implementation checks this where it can and fails instead of
 * producing garbage. Calls are blocking and not thread-safe: one thread per rank drives them.
 * Operations on {@link FloatBuffer}s use the buffer's remaining elements (position to limit), work
 * in place and leave position and limit alone; direct buffers in native byte order are fastest.
 * A failure (dead or stuck peer, timeout, mismatch) throws {@link CollectiveException} on every
 * rank rather than hanging, and leaves the collective unusable: Spark then fails the barrier stage
 * and reruns it, and training resumes from its last checkpoint. {@link #close()} may be called
 * from another thread to abort an operation in progress.
 *
 * <p><b>Implementations.</b> {@link TcpRingAllReduce} is the portable, host-staged one: a Java NIO
 * ring over TCP, connected by a {@link Rendezvous}. A GPU implementation (NCCL) plugs in behind
 * the same interface and the same rendezvous:
 * <ul>
 *   <li>bootstrap: rank 0 calls {@code ncclGetUniqueId}; the 128-byte id travels to all ranks in
 *       Base64 through the same {@link AllGather} (the barrier task's {@code allGather}), or over
 *       the authenticated TCP ring of a {@link Rendezvous}; every rank then calls
 *       {@code ncclCommInitRank(comm, worldSize, id, rank)} on its own GPU (from the task's
 *       {@code resources()}).</li>
 *   <li>binding: either JNI/JavaCPP ({@code org.bytedeco:cuda}'s {@code global.nccl}) or the JDK's
 *       foreign-function API on {@code libnccl.so.2}, or libtorch's c10d {@code ProcessGroupNCCL}
 *       reached through DJL/libtorch, keyed by the same rank, world size and rendezvous.</li>
 *   <li>data: gradients stay on the GPU; such an implementation adds an overload taking a device
 *       tensor (a DJL {@code NDArray} bucket or a raw device pointer plus CUDA stream) and keeps
 *       the {@link FloatBuffer} methods for host-side values. The scalar sums and
 *       {@link #barrier()} keep their meaning.</li>
 *   <li>failures: NCCL calls never return when a peer dies, so it needs the same watchdog as
 *       here: a deadline per operation, {@code ncclCommGetAsyncError} polling and
 *       {@code ncclCommAbort} from {@link #close()}.</li>
 * </ul>
 */
public interface Collective extends AutoCloseable {
  /** This task's rank, 0 ≤ rank &lt; worldSize. */
  int rank();

  /** Number of ranks. */
  int worldSize();

  /** Sums {@code data} element-wise over all ranks, in place; every rank ends with the same result. */
  void allReduceSum(FloatBuffer data);

  /**
   * Sums several buffers as one concatenated vector (a gradient bucket list; the total may exceed
   * 2 GB), in place. Every rank passes buffers of the same sizes in the same order.
   */
  void allReduceSum(List<FloatBuffer> buffers);

  /** The sum of {@code value} over all ranks (e.g. the number of masked frames); overflow throws. */
  long allReduceSum(long value);

  /** The sum of {@code value} over all ranks, added in rank order: identical on every rank. */
  double allReduceSum(double value);

  /** Copies {@code root}'s {@code data} into every other rank's {@code data} (exact, float32). */
  void broadcast(FloatBuffer data, int root);

  /** Returns once every rank has called it. */
  void barrier();

  /** Closes connections and frees buffers; idempotent; aborts an operation running in another thread. */
  @Override
  void close();
}
