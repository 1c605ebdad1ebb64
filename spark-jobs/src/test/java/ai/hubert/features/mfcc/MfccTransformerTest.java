package ai.hubert.features.mfcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MfccTransformerTest {
    private static final StructType SCHEMA = new StructType()
            .add("utt_id", DataTypes.StringType, false)
            .add("pcm", DataTypes.BinaryType, true)
            .add("sample_rate", DataTypes.IntegerType, true);

    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("MfccTransformerTest")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .config("spark.kryo.registrationRequired",
                        Boolean.toString(Boolean.getBoolean("hubert.test.kryoRegistrationRequired")))
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void addsTheSameFeaturesAsThePlainJavaApi() {
        Map<String, byte[]> audio = utterances();
        Dataset<Row> result = new MfccTransformer().transform(frame(audio, 16000));
        assertEquals(new ArrayType(DataTypes.FloatType, false), result.schema().apply("mfcc").dataType());
        assertEquals(DataTypes.IntegerType, result.schema().apply("num_frames").dataType());
        assertEquals(new MfccTransformer().transformSchema(SCHEMA), result.schema());
        assertMatchesJava(audio, result.collectAsList(), new KaldiMfcc());
    }

    @Test
    void runsInsideAFittedPipelineWithCustomParams() throws Exception {
        Map<String, byte[]> audio = utterances();
        MfccTransformer mfcc = new MfccTransformer()
                .setOutputCol("features")
                .setNumFramesCol("frames")
                .setNumCeps(20)
                .setNumMelBins(40)
                .setUseDeltas(false);
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {mfcc}).fit(frame(audio, 16000));
        KaldiMfcc java = new KaldiMfcc(MfccOptions.builder().numCeps(20).numMelBins(40).useDeltas(false).build());
        List<Row> rows = model.transform(frame(audio, 16000)).collectAsList();
        for (Row row : rows) {
            String id = row.getAs("utt_id");
            if (audio.get(id) == null) {
                assertTrue(row.isNullAt(row.fieldIndex("features")), id);
                continue;
            }
            float[] expected = java.computePcm16(audio.get(id));
            assertArrayEquals(expected, toFloats(row.getList(row.fieldIndex("features"))), id);
            assertEquals(expected.length / 20, (int) row.<Integer>getAs("frames"), id);
        }
    }

    @Test
    void savesAndLoadsWithItsParams(@TempDir Path dir) throws Exception {
        MfccTransformer original = new MfccTransformer().setNumCeps(12).setWindowType("hamming").setIdCol("key");
        String path = dir.resolve("mfcc").toString();
        original.write().save(path);
        MfccTransformer loaded = MfccTransformer.load(path);
        assertEquals(original.uid(), loaded.uid());
        assertEquals(12, loaded.getNumCeps());
        assertEquals("hamming", loaded.getWindowType());
        assertEquals("key", loaded.getIdCol());
        assertEquals(original.mfccOptions(), loaded.mfccOptions());
        assertTrue(Files.exists(dir.resolve("mfcc").resolve("metadata")));
        MfccTransformer copy = original.copy(new org.apache.spark.ml.param.ParamMap().put(original.numCeps(), 7));
        assertEquals(7, copy.getNumCeps());
        assertEquals(12, original.getNumCeps());
        assertEquals(original.uid(), copy.uid());
    }

    @Test
    void wrongSampleRateFailsNamingTheUtteranceAndBothRates() {
        Map<String, byte[]> audio = new HashMap<>();
        audio.put("spk1-utt-8k", pcm(4000, 5));
        Exception e = assertThrows(Exception.class,
                () -> new MfccTransformer().transform(frame(audio, 8000)).collectAsList());
        String message = causeMessages(e);
        assertTrue(message.contains("Utterance utt_id=spk1-utt-8k has sample rate 8000 Hz in column sample_rate but "
                + "the MFCC transformer expects 16000 Hz"), message);
    }

    @Test
    void schemaValidationNamesTheColumnAndTheTypes() {
        StructType wrongPcm = new StructType().add("pcm", DataTypes.StringType).add("sample_rate", DataTypes.IntegerType);
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class,
                () -> new MfccTransformer().transformSchema(wrongPcm));
        assertEquals("Column pcm must be of type binary but was actually string.", e1.getMessage());

        StructType wrongRate = new StructType().add("pcm", DataTypes.BinaryType).add("sample_rate", DataTypes.LongType);
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> new MfccTransformer().transformSchema(wrongRate));
        assertEquals("Column sample_rate must be of type int but was actually bigint.", e2.getMessage());

        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class,
                () -> new MfccTransformer().setInputCol("audio").transformSchema(SCHEMA));
        assertTrue(e3.getMessage().startsWith("Column audio must be of type binary but does not exist"),
                e3.getMessage());

        StructType taken = SCHEMA.add("mfcc", DataTypes.StringType);
        IllegalArgumentException e4 = assertThrows(IllegalArgumentException.class,
                () -> new MfccTransformer().transformSchema(taken));
        assertTrue(e4.getMessage().startsWith("Output column mfcc already exists in the input"), e4.getMessage());

        IllegalArgumentException e5 = assertThrows(IllegalArgumentException.class,
                () -> new MfccTransformer().setNumCeps(30).transformSchema(SCHEMA));
        assertEquals("MFCC option numCeps must be in [1, numMelBins=23] but was 30", e5.getMessage());

        assertThrows(IllegalArgumentException.class, () -> new MfccTransformer().setNumMelBins(2));
        assertThrows(IllegalArgumentException.class, () -> new MfccTransformer().setWindowType("kaiser"));
    }

    private static void assertMatchesJava(Map<String, byte[]> audio, List<Row> rows, KaldiMfcc java) {
        assertEquals(audio.size(), rows.size());
        for (Row row : rows) {
            String id = row.getAs("utt_id");
            byte[] pcm = audio.get(id);
            if (pcm == null) {
                assertNull(row.getAs("mfcc"), id);
                assertNull(row.getAs("num_frames"), id);
                continue;
            }
            float[] expected = java.computePcm16(pcm);
            assertArrayEquals(expected, toFloats(row.getList(row.fieldIndex("mfcc"))), id);
            assertEquals(java.numFrames(pcm.length / 2), (int) row.<Integer>getAs("num_frames"), id);
        }
    }

    private static Dataset<Row> frame(Map<String, byte[]> audio, int sampleRate) {
        List<Row> rows = new ArrayList<>();
        audio.forEach((id, pcm) -> rows.add(RowFactory.create(id, pcm, sampleRate)));
        return spark.createDataFrame(rows, SCHEMA).repartition(2);
    }

    private static Map<String, byte[]> utterances() {
        Map<String, byte[]> audio = new HashMap<>();
        int[] lengths = {16000, 8123, 400, 399, 560, 24000};
        for (int i = 0; i < lengths.length; i++) {
            audio.put("utt-" + i, pcm(lengths[i], i));
        }
        audio.put("utt-null", null);
        return audio;
    }

    private static byte[] pcm(int samples, long seed) {
        Random random = new Random(seed);
        byte[] bytes = new byte[2 * samples];
        for (int i = 0; i < samples; i++) {
            double v = 6000 * Math.sin(i * (0.02 + 0.01 * seed)) + 800 * random.nextGaussian();
            short s = (short) Math.max(-32768, Math.min(32767, Math.round(v)));
            bytes[2 * i] = (byte) s;
            bytes[2 * i + 1] = (byte) (s >> 8);
        }
        return bytes;
    }

    private static float[] toFloats(List<Object> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Float) values.get(i);
        }
        return out;
    }

    private static String causeMessages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
