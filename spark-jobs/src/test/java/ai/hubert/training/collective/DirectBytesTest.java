package ai.hubert.training.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectBytesTest {
  @Test
  void aByteViewSharesTheFloatBuffersMemory() {
    assertTrue(DirectBytes.available(), "the test JVM runs with Spark's --add-opens java.base/sun.nio.ch");
    FloatBuffer floats = ByteBuffer.allocateDirect(4 * 10).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    floats.position(3);
    FloatBuffer tail = floats.slice(); // elements 3..9
    ByteBuffer bytes = DirectBytes.of(tail);
    assertEquals(4 * 7, bytes.remaining());
    bytes.putFloat(4, 2.5f); // element 1 of the slice = element 4 of the whole
    assertEquals(2.5f, floats.get(4));
    tail.put(6, -1f);
    assertEquals(-1f, bytes.getFloat(24));
  }

  @Test
  void flatFloatsViewsStayInsideOnePart() {
    FloatBuffer a = ByteBuffer.allocateDirect(4 * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    FloatBuffer b = ByteBuffer.allocateDirect(4 * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    FlatFloats flat = new FlatFloats(List.of(a, b), true);
    ByteBuffer v = flat.view(5, 2); // elements 1..2 of b
    v.putFloat(0, 7f);
    assertEquals(7f, b.get(1));
    assertNull(flat.view(3, 2), "spans two parts: copied instead");
    assertNull(new FlatFloats(List.of(FloatBuffer.allocate(4)), true).view(0, 2), "heap buffers are copied");
    FloatBuffer big = ByteBuffer.allocateDirect(16).order(ByteOrder.BIG_ENDIAN).asFloatBuffer();
    assertNull(DirectBytes.of(big), "big-endian floats are not the wire format");
  }
}
