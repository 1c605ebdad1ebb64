package ai.hubert.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a float32 2-d .npy file the way numpy.load does (format 1.0, C order, little-endian). */
final class Npy {
  final long rows;
  final int cols;
  final float[] data;

  private Npy(long rows, int cols, float[] data) {
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  static Npy parse(byte[] bytes) throws IOException {
    if ((bytes[0] & 0xff) != 0x93 || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
      throw new IOException("not an .npy file");
    }
    int headerLen = (bytes[8] & 0xff) | ((bytes[9] & 0xff) << 8);
    if ((10 + headerLen) % 64 != 0) {
      throw new IOException("header not 64-byte aligned: " + (10 + headerLen));
    }
    String header = new String(bytes, 10, headerLen, StandardCharsets.US_ASCII);
    if (!header.contains("'descr': '<f4'") || !header.contains("'fortran_order': False") || !header.endsWith("\n")) {
      throw new IOException("unexpected header " + header);
    }
    Matcher m = Pattern.compile("'shape': \\((\\d+), (\\d+)\\)").matcher(header);
    if (!m.find()) {
      throw new IOException("no 2-d shape in " + header);
    }
    long rows = Long.parseLong(m.group(1));
    int cols = Integer.parseInt(m.group(2));
    ByteBuffer b = ByteBuffer.wrap(bytes, 10 + headerLen, bytes.length - 10 - headerLen).order(ByteOrder.LITTLE_ENDIAN);
    if (b.remaining() != rows * cols * 4) {
      throw new IOException("expected " + rows * cols * 4 + " data bytes, found " + b.remaining());
    }
    float[] data = new float[(int) (rows * cols)];
    b.asFloatBuffer().get(data);
    return new Npy(rows, cols, data);
  }
}
