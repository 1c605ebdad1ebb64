package ai.hubert.features.mfcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MfccOptionsTest {

    @Test
    void defaultsAreTheHubertRecipe() {
        MfccOptions o = MfccOptions.defaults();
        assertEquals(16000.0, o.sampleFrequency());
        assertEquals(400, o.windowSize());
        assertEquals(160, o.windowShift());
        assertEquals(512, o.paddedWindowSize());
        assertEquals(23, o.numMelBins());
        assertEquals(20.0, o.lowFreq());
        assertEquals(8000.0, o.effectiveHighFreq());
        assertEquals(13, o.numCeps());
        assertEquals(22.0, o.cepstralLifter());
        assertEquals(0.97, o.preemphasisCoefficient());
        assertEquals(WindowType.POVEY, o.windowType());
        assertEquals(1.1920928955078125e-07, o.logFloor());
        assertEquals(5, o.deltaWindow());
        assertEquals(39, o.featureDim());
        assertEquals(13, o.toBuilder().useDeltas(false).build().featureDim());
    }

    @Test
    void builderRoundTripsAndValueEquality() {
        MfccOptions custom = MfccOptions.builder().numCeps(20).numMelBins(40).highFreq(-400).build();
        assertEquals(custom, custom.toBuilder().build());
        assertEquals(custom.hashCode(), custom.toBuilder().build().hashCode());
        assertNotEquals(MfccOptions.defaults(), custom);
        assertEquals(7600.0, custom.effectiveHighFreq());
        assertEquals(1024, MfccOptions.builder().sampleFrequency(22050).build().paddedWindowSize());
    }

    static Stream<Arguments> invalidOptions() {
        return Stream.of(
                invalid(b -> b.sampleFrequency(0), "MFCC option sampleFrequency must be a finite number > 0 Hz but was 0.0"),
                invalid(b -> b.frameLengthMs(-1), "MFCC option frameLengthMs must be a finite number > 0 ms but was -1.0"),
                invalid(b -> b.frameLengthMs(0.1), "MFCC option frameLengthMs must be a length of 4 to 2^24 samples"
                        + " at sampleFrequency=16000.0 Hz but was 0.1 ms (1 samples)"),
                invalid(b -> b.frameShiftMs(0.01), "MFCC option frameShiftMs must be at least one sample at "
                        + "sampleFrequency=16000.0 Hz but was 0.01 ms (0 samples)"),
                invalid(b -> b.preemphasisCoefficient(1.5), "MFCC option preemphasisCoefficient must be in [0, 1] but was 1.5"),
                invalid(b -> b.windowType(null), "MFCC option windowType must be one of [POVEY, HANNING, HAMMING, "
                        + "RECTANGULAR, BLACKMAN] but was null"),
                invalid(b -> b.numMelBins(3), "MFCC option numMelBins must be an integer >= 4 but was 3"),
                invalid(b -> b.lowFreq(8000), "MFCC option lowFreq must be in [0, 8000.0) Hz (Nyquist of "
                        + "sampleFrequency=16000.0) but was 8000.0"),
                invalid(b -> b.highFreq(9000), "MFCC option highFreq must be in (lowFreq=20.0, 8000.0] Hz once resolved "
                        + "(values <= 0 are offsets from Nyquist) but was 9000.0 (resolved to 9000.0 Hz)"),
                invalid(b -> b.highFreq(-7990), "but was -7990.0 (resolved to 10.0 Hz)"),
                invalid(b -> b.numCeps(24), "MFCC option numCeps must be in [1, numMelBins=23] but was 24"),
                invalid(b -> b.numCeps(0), "MFCC option numCeps must be in [1, numMelBins=23] but was 0"),
                invalid(b -> b.cepstralLifter(-1), "MFCC option cepstralLifter must be a finite number >= 0 "
                        + "(0 disables liftering) but was -1.0"),
                invalid(b -> b.logFloor(0), "MFCC option logFloor must be a finite number > 0 but was 0.0"),
                invalid(b -> b.deltaWindow(4), "MFCC option deltaWindow must be an odd integer >= 3 but was 4"),
                invalid(b -> b.deltaWindow(1), "MFCC option deltaWindow must be an odd integer >= 3 but was 1"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidOptions")
    void invalidOptionsNameTheOptionTheRangeAndTheValue(UnaryOperator<MfccOptions.Builder> change, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> change.apply(MfccOptions.builder()).build());
        if (!e.getMessage().contains(message)) {
            assertEquals(message, e.getMessage());
        }
    }

    @Test
    void deltaWindowIsIgnoredWithoutDeltas() {
        assertEquals(13, MfccOptions.builder().useDeltas(false).deltaWindow(4).build().featureDim());
    }

    private static Arguments invalid(UnaryOperator<MfccOptions.Builder> change, String message) {
        return Arguments.of(change, message);
    }
}
