package ai.hubert.audio;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Helpers for little-endian signed 16-bit PCM, the store's audio representation. */
public final class Pcm16 {
  private Pcm16() {}

  /** Samples as floats in [-1, 1): {@code s / 32768}, the scaling of fairseq's waveform reader. */
  public static float[] toFloat(byte[] pcm) {
    float[] out = new float[pcm.length / 2];
    toFloat(pcm, 0, out, 0, out.length);
    return out;
  }

  /** Converts {@code count} samples starting at sample {@code start} into {@code dst[dstOffset..]} (a crop, no copy of the rest). */
  public static void toFloat(byte[] pcm, int start, float[] dst, int dstOffset, int count) {
    for (int i = 0; i < count; i++) {
      int b = 2 * (start + i);
      dst[dstOffset + i] = (short) ((pcm[b] & 0xff) | (pcm[b + 1] << 8)) / 32768f;
    }
  }

  /** Hex SHA-256 of the PCM bytes: the checksum stored with every utterance. */
  public static String sha256(byte[] pcm) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(pcm);
      StringBuilder sb = new StringBuilder(64);
      for (byte b : digest) {
        sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
