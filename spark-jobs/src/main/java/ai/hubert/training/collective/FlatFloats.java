package ai.hubert.training.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.List;

/**
 * Several float buffers seen as one vector with long offsets (gradients over 2 GB, or many
 * parameters fused into one all-reduce). Each buffer contributes its remaining elements
 * (position to limit); positions and limits are not changed.
 */
final class FlatFloats {
  private final FloatBuffer[] parts;
  /** Little-endian byte views of the parts (same memory), or null where none can be had. */
  private final ByteBuffer[] bytes;
  private final long[] starts;
  private final long length;

  FlatFloats(List<FloatBuffer> buffers, boolean writable) {
    parts = new FloatBuffer[buffers.size()];
    bytes = new ByteBuffer[buffers.size()];
    starts = new long[buffers.size()];
    long total = 0;
    for (int i = 0; i < parts.length; i++) {
      FloatBuffer b = buffers.get(i);
      if (b == null) {
        throw new IllegalArgumentException("buffer " + i + " is null");
      }
      if (writable && b.isReadOnly()) {
        throw new IllegalArgumentException("buffer " + i + " is read-only; the result is written in place");
      }
      parts[i] = b.slice();
      bytes[i] = DirectBytes.of(parts[i]);
      starts[i] = total;
      total += parts[i].remaining();
    }
    length = total;
  }

  long length() {
    return length;
  }

  /** Writes elements [off, off+len) to dst in the wire format; BF16 with writeBack stores the rounded values too. */
  void encode(long off, int len, ByteBuffer dst, Wire wire, boolean writeBack) {
    forEachSpan(off, len, (part, at, n) -> {
      if (wire == Wire.FP32) {
        dst.asFloatBuffer().put(0, part, at, n);
        dst.position(dst.position() + 4 * n);
      } else {
        ShortBuffer out = dst.asShortBuffer();
        for (int j = 0; j < n; j++) {
          short h = Wire.toBf16(part.get(at + j));
          out.put(j, h);
          if (writeBack) {
            part.put(at + j, Wire.fromBf16(h));
          }
        }
        dst.position(dst.position() + 2 * n);
      }
    });
  }

  /** Adds elements read from src in the wire format to [off, off+len). */
  void accumulate(long off, int len, ByteBuffer src, Wire wire) {
    forEachSpan(off, len, (part, at, n) -> {
      if (wire == Wire.FP32) {
        addInto(part, at, src.asFloatBuffer(), n);
        src.position(src.position() + 4 * n);
      } else {
        ShortBuffer in = src.asShortBuffer();
        for (int j = 0; j < n; j++) {
          part.put(at + j, part.get(at + j) + Wire.fromBf16(in.get(j)));
        }
        src.position(src.position() + 2 * n);
      }
    });
  }

  /** Overwrites [off, off+len) with elements read from src in the wire format. */
  void assign(long off, int len, ByteBuffer src, Wire wire) {
    forEachSpan(off, len, (part, at, n) -> {
      if (wire == Wire.FP32) {
        part.put(at, src.asFloatBuffer(), 0, n);
        src.position(src.position() + 4 * n);
      } else {
        ShortBuffer in = src.asShortBuffer();
        for (int j = 0; j < n; j++) {
          part.put(at + j, Wire.fromBf16(in.get(j)));
        }
        src.position(src.position() + 2 * n);
      }
    });
  }

  /**
   * {@code part[at + j] += add[j]} for j &lt; n. A plain indexed loop over the buffers: with direct native-order buffers the
   * JIT turns it into SIMD code that reads both operands once (~11.5 GB/s of float32 on one core here), twice as fast as
   * bulk copies to heap arrays and back.
   */
  private static void addInto(FloatBuffer part, int at, FloatBuffer add, int n) {
    for (int j = 0; j < n; j++) {
      part.put(at + j, part.get(at + j) + add.get(j));
    }
  }

  /**
   * Elements [off, off+len) as a little-endian byte buffer over the caller's memory (for reading and writing in place),
   * or null when they span parts or the part has no byte view (heap or big-endian buffers).
   */
  ByteBuffer view(long off, int len) {
    int p = locate(off);
    if (len == 0 || bytes[p] == null) {
      return null;
    }
    int at = (int) (off - starts[p]);
    if (at + len > parts[p].limit()) {
      return null;
    }
    return bytes[p].duplicate().limit(4 * (at + len)).position(4 * at).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A run of elements inside one part: {@code part[at, at+n)}. */
  private interface SpanAction {
    void apply(FloatBuffer part, int at, int n);
  }

  /** Visits [off, off+len) of the flat vector as runs within the parts, in order. */
  private void forEachSpan(long off, int len, SpanAction action) {
    int p = locate(off);
    int done = 0;
    while (done < len) {
      FloatBuffer part = parts[p];
      int at = (int) (off + done - starts[p]);
      int n = Math.min(len - done, part.limit() - at);
      action.apply(part, at, n);
      done += n;
      p++;
    }
  }

  /** Index of the first non-empty part holding element {@code off} (any index when off == length). */
  private int locate(long off) {
    int lo = 0;
    int hi = parts.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= off) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    while (lo < parts.length - 1 && off >= starts[lo] + parts[lo].limit()) {
      lo++;
    }
    return lo;
  }
}
