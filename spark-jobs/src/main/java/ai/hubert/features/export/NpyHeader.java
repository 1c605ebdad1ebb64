package ai.hubert.features.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The header of a NumPy {@code .npy} file (format 1.0), as {@code numpy.save} writes it. */
final class NpyHeader {
  private NpyHeader() {}

  /** Header for a C-ordered little-endian float32 array of shape {@code (rows, cols)}. */
  static byte[] float32Matrix(long rows, int cols) {
    String dict = String.format(Locale.ROOT, "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", rows, cols);
    int unpadded = 10 + dict.length() + 1; // magic(6) + version(2) + length(2) + dict + '\n'
    int total = (unpadded + 63) / 64 * 64;
    StringBuilder header = new StringBuilder(dict);
    while (10 + header.length() + 1 < total) {
      header.append(' ');
    }
    header.append('\n');
    if (header.length() > 0xffff) {
      throw new IllegalStateException("npy header too long: " + header.length());
    }
    ByteBuffer b = ByteBuffer.allocate(10 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) header.length());
    b.put(header.toString().getBytes(StandardCharsets.US_ASCII));
    return b.array();
  }
}
