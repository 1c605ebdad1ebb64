package ai.hubert.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small RIFF/WAVE files for tests. */
public final class Wav {
  private Wav() {}

  /** Writes {@code frames} frames of a sine at 440 Hz with the given format. */
  public static void write(Path file, int sampleRate, int channels, int bits, int frames) throws IOException {
    int bytesPerSample = bits / 8;
    int dataLen = frames * channels * bytesPerSample;
    ByteBuffer b = ByteBuffer.allocate(44 + dataLen).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + dataLen).put("WAVE".getBytes());
    b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) channels).putInt(sampleRate)
        .putInt(sampleRate * channels * bytesPerSample).putShort((short) (channels * bytesPerSample)).putShort((short) bits);
    b.put("data".getBytes()).putInt(dataLen);
    for (int i = 0; i < frames; i++) {
      long v = Math.round(Math.sin(2 * Math.PI * 440 * i / sampleRate) * 0.5 * ((1L << (bits - 1)) - 1));
      for (int c = 0; c < channels; c++) {
        for (int k = 0; k < bytesPerSample; k++) {
          b.put((byte) (v >> (8 * k)));
        }
      }
    }
    Files.createDirectories(file.getParent());
    Files.write(file, b.array());
  }
}
