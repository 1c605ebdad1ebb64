package ai.hubert.labels.quality;

import java.io.Serializable;

/**
 * A frame grid over 16 kHz audio: frame {@code t} covers samples {@code [t*hop, t*hop + window)} and is
 * represented by its centre {@code (t*hop + window/2) / sampleRate} seconds. An utterance of {@code N}
 * samples has {@code 1 + floor((N - window) / hop)} frames ({@code 0} when {@code N < window}).
 *
 * @param sampleRate audio samples per second
 * @param windowSamples frame length (analysis window or receptive field) in samples
 * @param hopSamples frame shift in samples
 */
public record FrameGrid(int sampleRate, int windowSamples, int hopSamples) implements Serializable {
  /** Kaldi MFCC frames (25 ms window, 10 ms shift at 16 kHz): 100 Hz, centre {@code (160t + 200)/16000} s. */
  public static final FrameGrid MFCC_100HZ = new FrameGrid(16000, 400, 160);

  /**
   * HuBERT/wav2vec 2.0 convolutional feature frames (receptive field 400 samples, stride 320 at 16 kHz):
   * 50 Hz, centre {@code (320t + 200)/16000} s; the conv stack's output length is exactly
   * {@code 1 + floor((N - 400) / 320)}.
   */
  public static final FrameGrid CONV_50HZ = new FrameGrid(16000, 400, 320);

  /** Checks that all three values are positive. */
  public FrameGrid {
    if (sampleRate <= 0 || windowSamples <= 0 || hopSamples <= 0) {
      throw new IllegalArgumentException(
          "sampleRate, windowSamples and hopSamples must be > 0, found " + sampleRate + ", " + windowSamples
              + ", " + hopSamples);
    }
  }

  /** Frames per second. */
  public double frameRateHz() {
    return sampleRate / (double) hopSamples;
  }

  /** The time in seconds that frame {@code t} stands for: its centre. */
  public double centreSeconds(int t) {
    return (hopSamples * (double) t + windowSamples / 2.0) / sampleRate;
  }

  /** Number of frames of an utterance of {@code numSamples} samples. */
  public int numFrames(long numSamples) {
    if (numSamples < windowSamples) {
      return 0;
    }
    return Math.toIntExact(1 + (numSamples - windowSamples) / hopSamples);
  }
}
