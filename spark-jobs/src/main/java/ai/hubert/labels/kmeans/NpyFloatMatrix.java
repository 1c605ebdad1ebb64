package ai.hubert.labels.kmeans;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A C-order float32 matrix in NumPy's {@code .npy} format (versions 1–3, little-endian {@code <f4}), as
 * fairseq's feature dumps ({@code NpyAppendArray}) write them.
 *
 * @param rows number of rows
 * @param cols number of columns
 * @param values {@code rows × cols} values, row-major
 */
public record NpyFloatMatrix(int rows, int cols, float[] values) {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d+)\\s*,?\\)");

  /** Checks that {@code values} holds {@code rows × cols} numbers. */
  public NpyFloatMatrix {
    if ((long) rows * cols != values.length) {
      throw new IllegalArgumentException("Expected rows x cols = " + rows + " x " + cols + " values but found "
          + values.length);
    }
  }

  /** Reads a 2-D {@code <f4} C-order array. */
  public static NpyFloatMatrix read(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 20))) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new IOException(file + ": expected the .npy magic \\x93NUMPY but found other bytes");
      }
      int major = in.readUnsignedByte();
      in.readUnsignedByte();
      long headerLength;
      if (major == 1) {
        headerLength = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
      } else if (major == 2 || major == 3) {
        headerLength = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
      } else {
        throw new IOException(file + ": expected .npy format version 1, 2 or 3 but found " + major);
      }
      String header = new String(in.readNBytes((int) headerLength), StandardCharsets.ISO_8859_1);
      if (!header.contains("'descr': '<f4'") || !header.contains("'fortran_order': False")) {
        throw new IOException(file + ": expected a little-endian float32 C-order array ('<f4', fortran_order "
            + "False) but the header is " + header.trim());
      }
      Matcher m = SHAPE.matcher(header);
      if (!m.find()) {
        throw new IOException(file + ": expected a 2-D shape (rows, cols) but the header is " + header.trim());
      }
      int rows = Integer.parseInt(m.group(1));
      int cols = Integer.parseInt(m.group(2));
      long count = (long) rows * cols;
      if (count > Integer.MAX_VALUE - 8) {
        throw new IOException(file + ": " + rows + " x " + cols + " values do not fit one Java array");
      }
      byte[] bytes = in.readNBytes((int) count * 4);
      if (bytes.length != count * 4) {
        throw new IOException(file + ": expected " + count * 4 + " data bytes for shape (" + rows + ", " + cols
            + ") but found " + bytes.length);
      }
      float[] values = new float[(int) count];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      return new NpyFloatMatrix(rows, cols, values);
    }
  }

  /** Writes this matrix as a version-1 {@code .npy} file. */
  public void write(Path file) throws IOException {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
    int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(padding) + "\n";
    ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + values.length * 4)
        .order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    out.put(header.getBytes(StandardCharsets.ISO_8859_1));
    out.asFloatBuffer().put(values);
    Files.write(file, out.array());
  }
}
