package ai.hubert.labels;

import ai.hubert.features.MfccJob;
import ai.hubert.features.mfcc.KaldiMfcc;

/** The {@code mfcc} feature set recomputed from audio: the same {@link KaldiMfcc} defaults as {@link MfccJob}. */
final class MfccFeaturizer implements FrameFeaturizer {
  private static final long serialVersionUID = 1L;
  static final String FEATURE_SET = MfccJob.FEATURE_SET;
  private transient KaldiMfcc mfcc;

  private KaldiMfcc mfcc() {
    if (mfcc == null) {
      mfcc = new KaldiMfcc();
    }
    return mfcc;
  }

  @Override
  public String featureSet() {
    return FEATURE_SET;
  }

  @Override
  public int dim() {
    return mfcc().featureDim();
  }

  @Override
  public int frameRateHz() {
    return 100;
  }

  @Override
  public int numFrames(int numSamples) {
    return mfcc().numFrames(numSamples);
  }

  @Override
  public float[] featurize(byte[] pcm16) {
    return mfcc().computePcm16(pcm16);
  }
}
