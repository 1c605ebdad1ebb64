package ai.hubert.training.collective;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The bytes behind a direct little-endian {@link FloatBuffer} made by {@code ByteBuffer.asFloatBuffer()}, as a
 * {@link ByteBuffer} over the same memory, so the ring can write to and read from sockets without copying. The JDK
 * has no public way to get them: this uses {@code sun.nio.ch.DirectBuffer} ({@code attachment()}, {@code address()}),
 * which Spark's {@code --add-opens java.base/sun.nio.ch} (and {@code bin/hubert}'s flags) make reachable. When that is
 * not possible, or the buffer is on the heap or big-endian, it returns null and the ring copies as before.
 */
final class DirectBytes {
  private static final Method ATTACHMENT;
  private static final Method ADDRESS;

  static {
    Method attachment = null;
    Method address = null;
    try {
      Class<?> direct = Class.forName("sun.nio.ch.DirectBuffer");
      attachment = direct.getMethod("attachment");
      address = direct.getMethod("address");
      ByteBuffer probe = ByteBuffer.allocateDirect(8).order(ByteOrder.LITTLE_ENDIAN);
      attachment.invoke(probe.asFloatBuffer()); // fails here without access
      address.invoke(probe);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      attachment = null;
      address = null;
    }
    ATTACHMENT = attachment;
    ADDRESS = address;
  }

  private DirectBytes() {}

  /** Whether byte views can be made in this JVM. */
  static boolean available() {
    return ATTACHMENT != null;
  }

  /** The bytes of {@code floats}' elements [0, limit) in little-endian order, or null. */
  static ByteBuffer of(FloatBuffer floats) {
    if (ATTACHMENT == null || !floats.isDirect() || floats.order() != ByteOrder.LITTLE_ENDIAN) {
      return null;
    }
    try {
      if (!(ATTACHMENT.invoke(floats) instanceof ByteBuffer root) || !root.isDirect()) {
        return null;
      }
      long offset = (long) ADDRESS.invoke(floats) - (long) ADDRESS.invoke(root);
      long end = offset + 4L * floats.limit();
      if (offset < 0 || end > root.capacity()) {
        return null;
      }
      return root.duplicate().clear().limit((int) end).position((int) offset).slice().order(ByteOrder.LITTLE_ENDIAN);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
