package ai.hubert.features.mfcc;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML transformer that adds Kaldi/torchaudio-compatible MFCC + &Delta; + &Delta;&Delta; features (see
 * {@link KaldiMfcc}) to a DataFrame of PCM audio.
 *
 * <p>Input: {@code inputCol} (BinaryType, 16-bit signed little-endian mono PCM), {@code sampleRateCol}
 * (IntegerType; every row must equal {@code sampleFrequency}, otherwise the job fails naming the row's
 * {@code idCol} value when that column exists). Output: {@code outputCol} (array&lt;float&gt;, flattened frame-major
 * T &times; D, D = 39 by default) and {@code numFramesCol} (int T). Null PCM gives null outputs.
 *
 * <p>The MFCC parameters mirror {@link MfccOptions}; their defaults are the HuBERT recipe. Each task builds one
 * {@link KaldiMfcc} and reuses it for all rows of its partition. Persist with {@link #write()} / {@link #load}.
 */
public final class MfccTransformer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;

    private final Param<String> inputCol;
    private final Param<String> sampleRateCol;
    private final Param<String> idCol;
    private final Param<String> outputCol;
    private final Param<String> numFramesCol;
    private final DoubleParam sampleFrequency;
    private final DoubleParam frameLengthMs;
    private final DoubleParam frameShiftMs;
    private final BooleanParam removeDcOffset;
    private final DoubleParam preemphasisCoefficient;
    private final Param<String> windowType;
    private final IntParam numMelBins;
    private final DoubleParam lowFreq;
    private final DoubleParam highFreq;
    private final IntParam numCeps;
    private final DoubleParam cepstralLifter;
    private final BooleanParam useDeltas;
    private final IntParam deltaWindow;

    /** A transformer with a random uid and the HuBERT defaults. */
    public MfccTransformer() {
        this(Identifiable$.MODULE$.randomUID("mfcc"));
    }

    /** A transformer with the given uid and the HuBERT defaults (used by copy and by the reader). */
    public MfccTransformer(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "input column: 16-bit signed little-endian mono PCM (binary)");
        sampleRateCol = new Param<>(this, "sampleRateCol",
                "sample rate column (int); rows whose rate differs from sampleFrequency fail the job");
        idCol = new Param<>(this, "idCol",
                "utterance id column, quoted in errors when present in the input (optional)");
        outputCol = new Param<>(this, "outputCol",
                "output column: array<float> of T x featureDim MFCC values, frame-major");
        numFramesCol = new Param<>(this, "numFramesCol", "output column: number of frames T (int)");
        sampleFrequency = new DoubleParam(this, "sampleFrequency", "sample rate in Hz the audio must have (> 0)",
                ParamValidators.gt(0.0));
        frameLengthMs = new DoubleParam(this, "frameLengthMs", "frame length in ms (> 0)", ParamValidators.gt(0.0));
        frameShiftMs = new DoubleParam(this, "frameShiftMs", "frame shift in ms (> 0)", ParamValidators.gt(0.0));
        removeDcOffset = new BooleanParam(this, "removeDcOffset", "subtract each frame's mean before pre-emphasis");
        preemphasisCoefficient = new DoubleParam(this, "preemphasisCoefficient",
                "pre-emphasis coefficient in [0, 1]", ParamValidators.inRange(0.0, 1.0));
        windowType = new Param<>(this, "windowType",
                "analysis window: one of " + windowTypeNames(), ParamValidators.inArray(windowTypeNames()));
        numMelBins = new IntParam(this, "numMelBins", "number of triangular mel filters (>= 4)",
                ParamValidators.gtEq(4));
        lowFreq = new DoubleParam(this, "lowFreq", "lower edge of the mel filters in Hz (>= 0)",
                ParamValidators.gtEq(0.0));
        highFreq = new DoubleParam(this, "highFreq",
                "upper edge of the mel filters in Hz; values <= 0 are offsets from Nyquist");
        numCeps = new IntParam(this, "numCeps", "cepstral coefficients kept including C0, in [1, numMelBins]",
                ParamValidators.gtEq(1));
        cepstralLifter = new DoubleParam(this, "cepstralLifter", "cepstral lifter (>= 0, 0 disables)",
                ParamValidators.gtEq(0.0));
        useDeltas = new BooleanParam(this, "useDeltas", "append delta and delta-delta features");
        deltaWindow = new IntParam(this, "deltaWindow", "odd delta regression window in frames (>= 3)",
                ParamValidators.gtEq(3));

        MfccOptions d = MfccOptions.defaults();
        setDefault(inputCol, "pcm");
        setDefault(sampleRateCol, "sample_rate");
        setDefault(idCol, "utt_id");
        setDefault(outputCol, "mfcc");
        setDefault(numFramesCol, "num_frames");
        setDefault(sampleFrequency, d.sampleFrequency());
        setDefault(frameLengthMs, d.frameLengthMs());
        setDefault(frameShiftMs, d.frameShiftMs());
        setDefault(removeDcOffset, d.removeDcOffset());
        setDefault(preemphasisCoefficient, d.preemphasisCoefficient());
        setDefault(windowType, d.windowType().name().toLowerCase(Locale.ROOT));
        setDefault(numMelBins, d.numMelBins());
        setDefault(lowFreq, d.lowFreq());
        setDefault(highFreq, d.highFreq());
        setDefault(numCeps, d.numCeps());
        setDefault(cepstralLifter, d.cepstralLifter());
        setDefault(useDeltas, d.useDeltas());
        setDefault(deltaWindow, d.deltaWindow());
    }

    @Override
    public String uid() {
        return uid;
    }

    /** Reader for {@link #write()}'s output (also used by {@code PipelineModel.load}). */
    public static MLReader<MfccTransformer> read() {
        return new DefaultParamsReader<>();
    }

    /** Loads a transformer saved with {@code write().save(path)}. */
    public static MfccTransformer load(String path) {
        return read().load(path);
    }

    // ---- params (public accessors are how Spark ML discovers them) ----

    public Param<String> inputCol() { return inputCol; }
    public Param<String> sampleRateCol() { return sampleRateCol; }
    public Param<String> idCol() { return idCol; }
    public Param<String> outputCol() { return outputCol; }
    public Param<String> numFramesCol() { return numFramesCol; }
    public DoubleParam sampleFrequency() { return sampleFrequency; }
    public DoubleParam frameLengthMs() { return frameLengthMs; }
    public DoubleParam frameShiftMs() { return frameShiftMs; }
    public BooleanParam removeDcOffset() { return removeDcOffset; }
    public DoubleParam preemphasisCoefficient() { return preemphasisCoefficient; }
    public Param<String> windowType() { return windowType; }
    public IntParam numMelBins() { return numMelBins; }
    public DoubleParam lowFreq() { return lowFreq; }
    public DoubleParam highFreq() { return highFreq; }
    public IntParam numCeps() { return numCeps; }
    public DoubleParam cepstralLifter() { return cepstralLifter; }
    public BooleanParam useDeltas() { return useDeltas; }
    public IntParam deltaWindow() { return deltaWindow; }

    public String getInputCol() { return (String) getOrDefault(inputCol); }
    public String getSampleRateCol() { return (String) getOrDefault(sampleRateCol); }
    public String getIdCol() { return (String) getOrDefault(idCol); }
    public String getOutputCol() { return (String) getOrDefault(outputCol); }
    public String getNumFramesCol() { return (String) getOrDefault(numFramesCol); }
    public double getSampleFrequency() { return (Double) getOrDefault(sampleFrequency); }
    public double getFrameLengthMs() { return (Double) getOrDefault(frameLengthMs); }
    public double getFrameShiftMs() { return (Double) getOrDefault(frameShiftMs); }
    public boolean getRemoveDcOffset() { return (Boolean) getOrDefault(removeDcOffset); }
    public double getPreemphasisCoefficient() { return (Double) getOrDefault(preemphasisCoefficient); }
    public String getWindowType() { return (String) getOrDefault(windowType); }
    public int getNumMelBins() { return (Integer) getOrDefault(numMelBins); }
    public double getLowFreq() { return (Double) getOrDefault(lowFreq); }
    public double getHighFreq() { return (Double) getOrDefault(highFreq); }
    public int getNumCeps() { return (Integer) getOrDefault(numCeps); }
    public double getCepstralLifter() { return (Double) getOrDefault(cepstralLifter); }
    public boolean getUseDeltas() { return (Boolean) getOrDefault(useDeltas); }
    public int getDeltaWindow() { return (Integer) getOrDefault(deltaWindow); }

    public MfccTransformer setInputCol(String value) { return put(inputCol, value); }
    public MfccTransformer setSampleRateCol(String value) { return put(sampleRateCol, value); }
    public MfccTransformer setIdCol(String value) { return put(idCol, value); }
    public MfccTransformer setOutputCol(String value) { return put(outputCol, value); }
    public MfccTransformer setNumFramesCol(String value) { return put(numFramesCol, value); }
    public MfccTransformer setSampleFrequency(double value) { return put(sampleFrequency, value); }
    public MfccTransformer setFrameLengthMs(double value) { return put(frameLengthMs, value); }
    public MfccTransformer setFrameShiftMs(double value) { return put(frameShiftMs, value); }
    public MfccTransformer setRemoveDcOffset(boolean value) { return put(removeDcOffset, value); }
    public MfccTransformer setPreemphasisCoefficient(double value) { return put(preemphasisCoefficient, value); }
    public MfccTransformer setWindowType(String value) { return put(windowType, value); }
    public MfccTransformer setNumMelBins(int value) { return put(numMelBins, value); }
    public MfccTransformer setLowFreq(double value) { return put(lowFreq, value); }
    public MfccTransformer setHighFreq(double value) { return put(highFreq, value); }
    public MfccTransformer setNumCeps(int value) { return put(numCeps, value); }
    public MfccTransformer setCepstralLifter(double value) { return put(cepstralLifter, value); }
    public MfccTransformer setUseDeltas(boolean value) { return put(useDeltas, value); }
    public MfccTransformer setDeltaWindow(int value) { return put(deltaWindow, value); }

    /**
     * The MFCC settings these params describe.
     *
     * @throws IllegalArgumentException when they are inconsistent (e.g. numCeps &gt; numMelBins)
     */
    public MfccOptions mfccOptions() {
        return MfccOptions.builder()
                .sampleFrequency(getSampleFrequency())
                .frameLengthMs(getFrameLengthMs())
                .frameShiftMs(getFrameShiftMs())
                .removeDcOffset(getRemoveDcOffset())
                .preemphasisCoefficient(getPreemphasisCoefficient())
                .windowType(WindowType.valueOf(getWindowType().toUpperCase(Locale.ROOT)))
                .numMelBins(getNumMelBins())
                .lowFreq(getLowFreq())
                .highFreq(getHighFreq())
                .numCeps(getNumCeps())
                .cepstralLifter(getCepstralLifter())
                .useDeltas(getUseDeltas())
                .deltaWindow(getDeltaWindow())
                .build();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        mfccOptions();
        requireColumn(schema, getInputCol(), DataTypes.BinaryType);
        requireColumn(schema, getSampleRateCol(), DataTypes.IntegerType);
        for (String output : List.of(getOutputCol(), getNumFramesCol())) {
            if (Arrays.asList(schema.fieldNames()).contains(output)) {
                throw new IllegalArgumentException("Output column " + output + " already exists in the input; "
                        + "expected a new column name (input columns: " + String.join(", ", schema.fieldNames())
                        + ")");
            }
        }
        if (getOutputCol().equals(getNumFramesCol())) {
            throw new IllegalArgumentException("outputCol and numFramesCol must differ but both are "
                    + getOutputCol());
        }
        return schema
                .add(new StructField(getOutputCol(), new ArrayType(DataTypes.FloatType, false), true,
                        org.apache.spark.sql.types.Metadata.empty()))
                .add(new StructField(getNumFramesCol(), DataTypes.IntegerType, true,
                        org.apache.spark.sql.types.Metadata.empty()));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = dataset.schema();
        transformSchema(schema);
        MfccOptions options = mfccOptions();
        boolean hasId = Arrays.asList(schema.fieldNames()).contains(getIdCol());
        UserDefinedFunction mfcc = functions.udf(
                new MfccUdf(options, getSampleRateCol(), hasId ? getIdCol() : null),
                new ArrayType(DataTypes.FloatType, false));
        Column id = hasId ? dataset.col(getIdCol()) : functions.lit(null);
        Column features = mfcc.apply(dataset.col(getInputCol()), dataset.col(getSampleRateCol()), id);
        Dataset<Row> withFeatures = dataset.toDF().withColumn(getOutputCol(), features);
        Column out = withFeatures.col(getOutputCol());
        Column frames = functions.when(out.isNull(), functions.lit(null).cast(DataTypes.IntegerType))
                .otherwise(functions.size(out).divide(options.featureDim()).cast(DataTypes.IntegerType));
        return withFeatures.withColumn(getNumFramesCol(), frames);
    }

    @Override
    public MfccTransformer copy(ParamMap extra) {
        return (MfccTransformer) defaultCopy(extra);
    }

    private <T> MfccTransformer put(Param<T> param, T value) {
        set(param, value);
        return this;
    }

    private static void requireColumn(StructType schema, String name, DataType expected) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("Column " + name + " must be of type " + expected.catalogString()
                    + " but does not exist (input columns: " + String.join(", ", schema.fieldNames()) + ")");
        }
        DataType actual = schema.apply(name).dataType();
        if (!actual.equals(expected)) {
            throw new IllegalArgumentException("Column " + name + " must be of type " + expected.catalogString()
                    + " but was actually " + actual.catalogString() + ".");
        }
    }

    private static List<String> windowTypeNames() {
        return Arrays.stream(WindowType.values()).map(w -> w.name().toLowerCase(Locale.ROOT)).toList();
    }
}
