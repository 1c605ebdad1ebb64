package ai.hubert.audio;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.jflac.FLACDecoder;
import org.jflac.PCMProcessor;
import org.jflac.metadata.StreamInfo;
import org.jflac.util.ByteData;

/**
 * Decodes FLAC or RIFF/WAVE files into 16-bit mono PCM, sample-exactly, and checks that the result
 * is a usable utterance. Every failure is an {@link AudioRejectedException} whose message names the
 * input, what was expected and what was found.
 */
public final class AudioDecoder {
  /** The smallest utterance with one MFCC frame: one 25 ms window at 16 kHz. */
  public static final int MIN_SAMPLES = 400;

  private final int expectedSampleRate;

  public AudioDecoder(int expectedSampleRate) {
    this.expectedSampleRate = expectedSampleRate;
  }

  /** Decodes the bytes of the file called {@code name} (used in messages). */
  public DecodedAudio decode(String name, byte[] bytes) throws AudioRejectedException {
    DecodedAudio audio;
    if (startsWith(bytes, "fLaC")) {
      audio = decodeFlac(name, bytes);
    } else if (startsWith(bytes, "RIFF") && bytes.length >= 12 && new String(bytes, 8, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("WAVE")) {
      audio = decodeWav(name, bytes);
    } else {
      throw new AudioRejectedException(RejectReason.UNSUPPORTED_FORMAT,
          name + ": expected a FLAC or RIFF/WAVE file, found " + describeMagic(bytes));
    }
    if (audio.numSamples() < MIN_SAMPLES) {
      throw new AudioRejectedException(RejectReason.TOO_SHORT, name + ": expected at least " + MIN_SAMPLES
          + " samples (one 25 ms analysis window), found " + audio.numSamples());
    }
    return audio;
  }

  private void checkFormat(String name, int sampleRate, int channels, int bits) throws AudioRejectedException {
    if (channels != 1) {
      throw new AudioRejectedException(RejectReason.NOT_MONO, name + ": expected 1 channel, found " + channels);
    }
    if (sampleRate != expectedSampleRate) {
      throw new AudioRejectedException(RejectReason.WRONG_SAMPLE_RATE,
          name + ": expected sample rate " + expectedSampleRate + " Hz, found " + sampleRate + " Hz");
    }
    if (bits != 16) {
      throw new AudioRejectedException(RejectReason.NOT_16_BIT, name + ": expected 16-bit samples, found " + bits + "-bit");
    }
  }

  private DecodedAudio decodeFlac(String name, byte[] bytes) throws AudioRejectedException {
    // STREAMINFO is the mandatory first metadata block: header at 4..7, body at 8..41, MD5 at body[18..34).
    if (bytes.length < 42 || (bytes[4] & 0x7f) != 0) {
      throw new AudioRejectedException(RejectReason.CORRUPT, name + ": expected a STREAMINFO block after the fLaC marker, found "
          + (bytes.length < 42 ? "only " + bytes.length + " bytes" : "block type " + (bytes[4] & 0x7f)));
    }
    byte[] expectedMd5 = Arrays.copyOfRange(bytes, 8 + 18, 8 + 34);
    FLACDecoder decoder = new FLACDecoder(new ByteArrayInputStream(bytes));
    StreamInfo info;
    try {
      info = decoder.readStreamInfo();
    } catch (IOException | RuntimeException e) {
      throw new AudioRejectedException(RejectReason.CORRUPT, name + ": unreadable FLAC STREAMINFO (" + e + ")");
    }
    if (info == null) {
      throw new AudioRejectedException(RejectReason.CORRUPT, name + ": FLAC stream has no STREAMINFO block");
    }
    checkFormat(name, info.getSampleRate(), info.getChannels(), info.getBitsPerSample());
    long declared = info.getTotalSamples();
    ByteArrayOutputStream pcm = new ByteArrayOutputStream(declared > 0 && declared < Integer.MAX_VALUE / 2 ? (int) declared * 2 : 1 << 16);
    decoder.addPCMProcessor(new PCMProcessor() {
      @Override
      public void processStreamInfo(StreamInfo streamInfo) {}

      @Override
      public void processPCM(ByteData data) {
        pcm.write(data.getData(), 0, data.getLen());
      }
    });
    try {
      decoder.readMetadata(info);
      decoder.decodeFrames();
    } catch (IOException | RuntimeException e) {
      throw new AudioRejectedException(declared > 0 && pcm.size() / 2 < declared ? RejectReason.TRUNCATED : RejectReason.CORRUPT,
          name + ": FLAC decoding failed after " + pcm.size() / 2 + " of " + declared + " samples (" + e + ")");
    }
    byte[] samples = pcm.toByteArray();
    long decoded = samples.length / 2;
    if (decoder.getBadFrames() > 0) {
      throw new AudioRejectedException(RejectReason.CORRUPT, name + ": FLAC stream has " + decoder.getBadFrames()
          + " bad frame(s); decoded " + decoded + " of " + declared + " samples");
    }
    if (declared > 0 && decoded < declared) {
      throw new AudioRejectedException(RejectReason.TRUNCATED,
          name + ": expected " + declared + " samples (FLAC STREAMINFO), found " + decoded + " before the end of the file");
    }
    if (declared > 0 && decoded > declared) {
      throw new AudioRejectedException(RejectReason.CORRUPT,
          name + ": expected " + declared + " samples (FLAC STREAMINFO), decoded " + decoded);
    }
    if (!isZero(expectedMd5)) {
      byte[] actual = md5(samples);
      if (!Arrays.equals(actual, expectedMd5)) {
        throw new AudioRejectedException(RejectReason.CORRUPT, name + ": decoded audio MD5 " + hex(actual)
            + " does not match the MD5 " + hex(expectedMd5) + " recorded in the FLAC STREAMINFO");
      }
    }
    return new DecodedAudio(info.getSampleRate(), samples);
  }

  private DecodedAudio decodeWav(String name, byte[] bytes) throws AudioRejectedException {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int pos = 12;
    int channels = -1;
    int sampleRate = -1;
    int bits = -1;
    while (pos + 8 <= bytes.length) {
      String id = new String(bytes, pos, 4, java.nio.charset.StandardCharsets.US_ASCII);
      long size = Integer.toUnsignedLong(buf.getInt(pos + 4));
      int body = pos + 8;
      if (id.equals("fmt ")) {
        if (size < 16 || body + 16 > bytes.length) {
          throw new AudioRejectedException(RejectReason.CORRUPT, name + ": WAVE fmt chunk of " + size + " bytes is too short");
        }
        int format = buf.getShort(body) & 0xffff;
        channels = buf.getShort(body + 2) & 0xffff;
        sampleRate = buf.getInt(body + 4);
        bits = buf.getShort(body + 14) & 0xffff;
        if (format == 0xFFFE && size >= 26 && body + 26 <= bytes.length) {
          format = buf.getShort(body + 24) & 0xffff; // WAVE_FORMAT_EXTENSIBLE: sub-format GUID starts with the format code
        }
        if (format != 1) {
          throw new AudioRejectedException(RejectReason.NOT_16_BIT, name + ": expected integer PCM (format 1), found WAVE format " + format);
        }
      } else if (id.equals("data")) {
        if (channels < 0) {
          throw new AudioRejectedException(RejectReason.CORRUPT, name + ": WAVE data chunk comes before its fmt chunk");
        }
        checkFormat(name, sampleRate, channels, bits);
        long available = bytes.length - body;
        if (size > available) {
          throw new AudioRejectedException(RejectReason.TRUNCATED, name + ": WAVE data chunk declares " + size / 2
              + " samples, found " + available / 2 + " before the end of the file");
        }
        if (size % 2 != 0) {
          throw new AudioRejectedException(RejectReason.CORRUPT, name + ": WAVE data chunk of " + size + " bytes is not a whole number of 16-bit samples");
        }
        return new DecodedAudio(sampleRate, Arrays.copyOfRange(bytes, body, body + (int) size));
      }
      pos = (int) Math.min((long) body + size + (size & 1), Integer.MAX_VALUE);
    }
    throw new AudioRejectedException(channels < 0 ? RejectReason.CORRUPT : RejectReason.TRUNCATED,
        name + ": expected fmt and data chunks in the WAVE file, found " + (channels < 0 ? "neither" : "no data chunk"));
  }

  private static boolean startsWith(byte[] bytes, String magic) {
    if (bytes.length < magic.length()) {
      return false;
    }
    for (int i = 0; i < magic.length(); i++) {
      if (bytes[i] != magic.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static String describeMagic(byte[] bytes) {
    if (bytes.length == 0) {
      return "an empty file";
    }
    int n = Math.min(4, bytes.length);
    StringBuilder sb = new StringBuilder("leading bytes ");
    for (int i = 0; i < n; i++) {
      sb.append(String.format("%02x", bytes[i] & 0xff));
    }
    return sb.append(" (").append(bytes.length).append(" bytes)").toString();
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] md5(byte[] data) {
    try {
      return MessageDigest.getInstance("MD5").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available in this JVM", e);
    }
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("%02x", x & 0xff));
    }
    return sb.toString();
  }
}
