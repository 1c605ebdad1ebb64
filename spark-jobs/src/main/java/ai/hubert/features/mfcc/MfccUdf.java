package ai.hubert.features.mfcc;

import org.apache.spark.sql.api.java.UDF3;

/**
 * Spark SQL function (pcm, sample rate, utterance id) &rarr; flattened MFCC frames, used by {@link MfccTransformer}.
 * The {@link KaldiMfcc} (tables plus per-thread scratch) is built once per deserialized copy, i.e. once per task,
 * and reused for every row of the partition.
 */
final class MfccUdf implements UDF3<byte[], Integer, Object, float[]> {
    private static final long serialVersionUID = 1L;

    private final MfccOptions options;
    private final String sampleRateColumn;
    private final String idColumn;
    private transient KaldiMfcc mfcc;

    MfccUdf(MfccOptions options, String sampleRateColumn, String idColumn) {
        this.options = options;
        this.sampleRateColumn = sampleRateColumn;
        this.idColumn = idColumn;
    }

    @Override
    public float[] call(byte[] pcm, Integer sampleRate, Object utteranceId) {
        if (pcm == null) {
            return null;
        }
        if (sampleRate == null || sampleRate != options.sampleFrequency()) {
            throw new IllegalArgumentException(describe(utteranceId) + " has sample rate "
                    + (sampleRate == null ? "null" : sampleRate + " Hz") + " in column " + sampleRateColumn
                    + " but the MFCC transformer expects " + formatHz(options.sampleFrequency())
                    + " (param sampleFrequency); resample the audio first");
        }
        if (mfcc == null) {
            mfcc = new KaldiMfcc(options);
        }
        return mfcc.computePcm16(pcm);
    }

    private String describe(Object utteranceId) {
        return idColumn == null
                ? "An utterance (the input has no id column)"
                : "Utterance " + idColumn + "=" + utteranceId;
    }

    private static String formatHz(double hz) {
        return hz == Math.rint(hz) ? (long) hz + " Hz" : hz + " Hz";
    }
}
