package ai.hubert.audio;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Helpers for little-endian signed 16-bit PCM, the store's audio representation. */
public final class Pcm16 {
  private Pcm16() {}

  /** Samples as floats in [-1, 1): {@code s / 32768}, the scaling of fairseq's waveform reader. */
  public static float[] toFloat(byte[] pcm) {
    float[] out = new float[pcm.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8)) / 32768f;
    }
    return out;
  }

  /** The sample at an index. */
  public static short sample(byte[] pcm, int index) {
    return (short) ((pcm[2 * index] & 0xff) | (pcm[2 * index + 1] << 8));
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
