package ai.hubert.training.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Locale;

/**
 * Single-thread throughput of the per-segment work that {@link TcpRingAllReduce} does on its
 * event-loop thread between socket reads and writes ({@link FlatFloats} encode, accumulate,
 * assign), for {@link AllReduceBenchmark}'s {@code --kernels}: if these are not much faster than
 * the raw link, the ring cannot reach the link's throughput on one thread.
 */
final class AllReduceKernels {
  private AllReduceKernels() {}

  static String measure(int floats, int segmentBytes) {
    FloatBuffer data = ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (int i = 0; i < floats; i++) {
      data.put(i, i & 1023);
    }
    FlatFloats flat = new FlatFloats(List.of(data), true);
    ByteBuffer seg = ByteBuffer.allocateDirect(segmentBytes).order(ByteOrder.LITTLE_ENDIAN);
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "per-segment kernels on one thread (%.1f MB of float32, %d-byte segments), GB/s of float32 processed:%n",
        4.0 * floats / 1e6, segmentBytes));
    for (Wire wire : Wire.values()) {
      int segFloats = segmentBytes / wire.bytesPerElement();
      for (String kernel : new String[] {"encode (fill sendBuf)", "accumulate (reduce-scatter)", "assign (all-gather)"}) {
        double best = 0;
        for (int rep = 0; rep < 4; rep++) { // first passes warm up the JIT
          long t0 = System.nanoTime();
          for (long off = 0; off < floats; off += segFloats) {
            int len = (int) Math.min(segFloats, floats - off);
            seg.clear();
            if (kernel.startsWith("encode")) {
              flat.encode(off, len, seg, wire, false);
            } else {
              seg.limit(len * wire.bytesPerElement());
              if (kernel.startsWith("accumulate")) {
                flat.accumulate(off, len, seg, wire);
              } else {
                flat.assign(off, len, seg, wire);
              }
            }
          }
          best = Math.max(best, 4.0 * floats / ((System.nanoTime() - t0) / 1e9));
        }
        out.append(String.format(Locale.ROOT, "  %-5s %-28s %6.2f%n", wire, kernel, best / 1e9));
      }
    }
    return out.toString();
  }
}
