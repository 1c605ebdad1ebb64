package ai.hubert.audio;

/**
 * A decoded utterance: 16-bit mono PCM, little-endian, exactly the samples of the source file.
 *
 * @param sampleRate samples per second
 * @param pcm16 little-endian signed 16-bit samples; length is {@code 2 * numSamples}
 */
public record DecodedAudio(int sampleRate, byte[] pcm16) {
  public int numSamples() {
    return pcm16.length / 2;
  }
}
