package ai.hubert.training.config;

import ai.hubert.model.config.HubertConfig;
import java.util.List;
import java.util.Objects;

/**
 * Immutable HuBERT pre-training configuration: fairseq's {@code examples/hubert/config/pretrain/*.yaml} sections
 * ({@code common}, {@code checkpoint}, {@code distributed_training}, {@code task}, {@code dataset},
 * {@code criterion}, {@code optimization}, {@code optimizer}, {@code lr_scheduler}, {@code model}) plus this
 * project's {@code hubert} and {@code spark} sections. Model, criterion, label/sample rate and waveform
 * normalisation live in {@link #model()} (a {@link HubertConfig}); the getters here delegate to it.
 *
 * <p>Read from YAML with {@link PretrainConfigLoader}; build in code with {@link #builder(HubertConfig)}.
 * Defaults are fairseq's dataclass defaults where fairseq has one (hubert-spec.md sections 4, 5.1, 8).
 */
public final class PretrainConfig {

    /** Model presets of {@code hubert.model_preset}. */
    public static final List<String> PRESETS = List.of("base", "large", "xlarge", "tiny");

    private final String modelPreset;
    private final HubertConfig model;
    private final boolean skipMasked;
    private final boolean skipNomask;
    private final boolean untieFinalProj;
    private final long seed;
    private final boolean fp16;
    private final int logInterval;
    private final String checkpointDir;
    private final int saveIntervalUpdates;
    private final int keepIntervalUpdates;
    private final boolean noEpochCheckpoints;
    private final int worldSize;
    private final int nprocsPerNode;
    private final int maxSampleSize;
    private final int minSampleSize;
    private final boolean padAudio;
    private final boolean randomCrop;
    private final long maxTokens;
    private final int requiredBatchSizeMultiple;
    private final boolean skipInvalidSizeInputsValidTest;
    private final int validateIntervalUpdates;
    private final int maxUpdate;
    private final List<Double> lr;
    private final List<Integer> updateFreq;
    private final double clipNorm;
    private final double adamBeta1;
    private final double adamBeta2;
    private final double adamEps;
    private final double weightDecay;
    private final int warmupUpdates;
    private final double endLearningRate;
    private final int totalNumUpdate;
    private final double power;
    private final String dataset;
    private final String labelSet;
    private final boolean useGpu;
    private final int cpusPerTask;
    private final double dataPerRankGb;

    private PretrainConfig(Builder b) {
        modelPreset = b.modelPreset;
        model = b.model;
        skipMasked = b.skipMasked;
        skipNomask = b.skipNomask;
        untieFinalProj = b.untieFinalProj;
        seed = b.seed;
        fp16 = b.fp16;
        logInterval = b.logInterval;
        checkpointDir = b.checkpointDir;
        saveIntervalUpdates = b.saveIntervalUpdates;
        keepIntervalUpdates = b.keepIntervalUpdates;
        noEpochCheckpoints = b.noEpochCheckpoints;
        worldSize = b.worldSize;
        nprocsPerNode = b.nprocsPerNode;
        maxSampleSize = b.maxSampleSize;
        minSampleSize = b.minSampleSize;
        padAudio = b.padAudio;
        randomCrop = b.randomCrop;
        maxTokens = b.maxTokens;
        requiredBatchSizeMultiple = b.requiredBatchSizeMultiple;
        skipInvalidSizeInputsValidTest = b.skipInvalidSizeInputsValidTest;
        validateIntervalUpdates = b.validateIntervalUpdates;
        maxUpdate = b.maxUpdate;
        lr = List.copyOf(b.lr);
        updateFreq = List.copyOf(b.updateFreq);
        clipNorm = b.clipNorm;
        adamBeta1 = b.adamBeta1;
        adamBeta2 = b.adamBeta2;
        adamEps = b.adamEps;
        weightDecay = b.weightDecay;
        warmupUpdates = b.warmupUpdates;
        endLearningRate = b.endLearningRate;
        totalNumUpdate = b.totalNumUpdate > 0 ? b.totalNumUpdate : b.maxUpdate;
        power = b.power;
        dataset = b.dataset;
        labelSet = b.labelSet;
        useGpu = b.useGpu;
        cpusPerTask = b.cpusPerTask;
        dataPerRankGb = b.dataPerRankGb;
    }

    /** A builder with fairseq's defaults around {@code model} (preset name "custom"). */
    public static Builder builder(HubertConfig model) {
        return new Builder(model);
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** {@code hubert.model_preset}: the {@link HubertConfig} preset the {@code model} section starts from. */
    public String modelPreset() {
        return modelPreset;
    }

    /** Model, masking, criterion weights, label/sample rate and {@code task.normalize}. */
    public HubertConfig model() {
        return model;
    }

    /** {@code model.skip_masked} (always false: the loss on masked frames is computed). */
    public boolean skipMasked() {
        return skipMasked;
    }

    /** {@code model.skip_nomask} (always false). */
    public boolean skipNomask() {
        return skipNomask;
    }

    /** {@code model.untie_final_proj} (always true for the released recipes). */
    public boolean untieFinalProj() {
        return untieFinalProj;
    }

    /** {@code common.seed}: batch order, crop offsets and masks derive from it. */
    public long seed() {
        return seed;
    }

    /**
     * {@code common.fp16}: fairseq's float16 mixed precision with dynamic loss scaling (float32 master weights); meant for
     * GPUs: CPUs emulate float16 (see docs/mixed-precision.md).
     */
    public boolean fp16() {
        return fp16;
    }

    /** {@code common.log_interval}: updates between progress lines. */
    public int logInterval() {
        return logInterval;
    }

    /** {@code checkpoint.dir}: where checkpoints go (Hadoop URI); null = {@code <store>/checkpoints/<run>}. */
    public String checkpointDir() {
        return checkpointDir;
    }

    /** {@code checkpoint.save_interval_updates}: checkpoint every N updates (0 = only at the end). */
    public int saveIntervalUpdates() {
        return saveIntervalUpdates;
    }

    /** {@code checkpoint.keep_interval_updates}: how many interval checkpoints to keep (-1 = all). */
    public int keepIntervalUpdates() {
        return keepIntervalUpdates;
    }

    /** {@code checkpoint.no_epoch_checkpoints}: no checkpoint at epoch ends. */
    public boolean noEpochCheckpoints() {
        return noEpochCheckpoints;
    }

    /** {@code distributed_training.distributed_world_size}: number of ranks = Spark barrier tasks. */
    public int worldSize() {
        return worldSize;
    }

    /** {@code distributed_training.nprocs_per_node}: ranks per executor (GPUs per node). */
    public int nprocsPerNode() {
        return nprocsPerNode;
    }

    /** {@code task.sample_rate} (16000). */
    public int sampleRate() {
        return model.sampleRate();
    }

    /** {@code task.label_rate} = {@code model.label_rate}: label frames per second (50 or 100). */
    public int labelRate() {
        return model.labelRate();
    }

    /** {@code task.normalize}: utterance-level waveform layer norm before cropping. */
    public boolean normalize() {
        return model.normalize();
    }

    /** {@code task.max_sample_size}: crop length cap in samples. */
    public int maxSampleSize() {
        return maxSampleSize;
    }

    /** {@code task.min_sample_size}: utterances shorter than this many samples are dropped. */
    public int minSampleSize() {
        return minSampleSize;
    }

    /** {@code task.pad_audio} (always false: a batch is cropped to its shortest utterance). */
    public boolean padAudio() {
        return padAudio;
    }

    /** {@code task.random_crop}: random crop start (else crop from the start). */
    public boolean randomCrop() {
        return randomCrop;
    }

    /** {@code dataset.max_tokens}: samples per batch per rank ({@code batch size x longest}). */
    public long maxTokens() {
        return maxTokens;
    }

    /** {@code dataset.required_batch_size_multiple}: fairseq's {@code bsz_mult} in {@code batch_by_size} (8). */
    public int requiredBatchSizeMultiple() {
        return requiredBatchSizeMultiple;
    }

    /** {@code dataset.skip_invalid_size_inputs_valid_test}: drop (instead of fail on) too-short valid inputs. */
    public boolean skipInvalidSizeInputsValidTest() {
        return skipInvalidSizeInputsValidTest;
    }

    /** {@code dataset.validate_interval_updates}: validate every N updates (0 = never mid-epoch). */
    public int validateIntervalUpdates() {
        return validateIntervalUpdates;
    }

    /** {@code optimization.max_update}: total updates; also the LR schedule's {@code total_num_update}. */
    public int maxUpdate() {
        return maxUpdate;
    }

    /** {@code optimization.lr}: the list as written; {@code polynomial_decay} uses its first element. */
    public List<Double> lrList() {
        return lr;
    }

    /** Peak learning rate ({@code optimization.lr[0]}). */
    public double lr() {
        return lr.get(0);
    }

    /** {@code optimization.update_freq}: the list as written (per epoch, last value repeats). */
    public List<Integer> updateFreqList() {
        return updateFreq;
    }

    /** Batches accumulated per update in {@code epoch} (1-based), fairseq's {@code update_freq[epoch-1]}. */
    public int updateFreq(int epoch) {
        if (epoch < 1) {
            throw new IllegalArgumentException("epochs count from 1, found " + epoch);
        }
        return updateFreq.get(Math.min(epoch, updateFreq.size()) - 1);
    }

    /** {@code optimization.clip_norm}: global gradient-norm clip (0 = none). */
    public double clipNorm() {
        return clipNorm;
    }

    /** {@code optimizer.adam_betas[0]}. */
    public double adamBeta1() {
        return adamBeta1;
    }

    /** {@code optimizer.adam_betas[1]}. */
    public double adamBeta2() {
        return adamBeta2;
    }

    /** {@code optimizer.adam_eps}. */
    public double adamEps() {
        return adamEps;
    }

    /** {@code optimizer.weight_decay} (decoupled, all parameters). */
    public double weightDecay() {
        return weightDecay;
    }

    /** {@code lr_scheduler.warmup_updates}: linear warm-up length. */
    public int warmupUpdates() {
        return warmupUpdates;
    }

    /** {@code lr_scheduler.end_learning_rate}. */
    public double endLearningRate() {
        return endLearningRate;
    }

    /**
     * {@code lr_scheduler.total_num_update}: the update at which the decay reaches {@code end_learning_rate}
     * (fairseq's field; defaults to {@code optimization.max_update}). Setting it above {@code max_update} stops a
     * run part-way through its schedule, to be resumed later with a larger {@code max_update}.
     */
    public int totalNumUpdate() {
        return totalNumUpdate;
    }

    /** {@code lr_scheduler.power} (1 = linear decay). */
    public double power() {
        return power;
    }

    /** {@code hubert.dataset}: training dataset in the store; null = given on the command line. */
    public String dataset() {
        return dataset;
    }

    /** {@code hubert.label_set}: label-set tag; null = given on the command line. */
    public String labelSet() {
        return labelSet;
    }

    /** {@code hubert.label_set} as a list: label-set tags or ensemble names (empty when unset). */
    public List<String> labelSets() {
        return labelSet == null ? List.of() : List.of(labelSet.split(","));
    }

    /** {@code spark.use_gpu}: each barrier task takes one GPU (Spark resource {@code gpu}). */
    public boolean useGpu() {
        return useGpu;
    }

    /** {@code spark.cpus_per_task}: {@code spark.task.cpus} for the training stage. */
    public int cpusPerTask() {
        return cpusPerTask;
    }

    /**
     * {@code spark.data_per_rank_gb}: audio (PCM16, GB of 10<sup>9</sup> bytes) a rank may hold in memory. When the
     * whole kept dataset fits, every rank receives all of it once and one barrier stage runs every epoch; otherwise
     * each epoch is a stage of its own whose shuffle streams each rank exactly that epoch's utterances, in the order
     * of its batches.
     */
    public double dataPerRankGb() {
        return dataPerRankGb;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PretrainConfig c && c.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "PretrainConfig{preset=" + modelPreset + ", model=" + model.toJson() + ", skipMasked=" + skipMasked
                + ", skipNomask=" + skipNomask + ", untieFinalProj=" + untieFinalProj + ", seed=" + seed
                + ", fp16=" + fp16 + ", logInterval=" + logInterval + ", checkpointDir=" + checkpointDir
                + ", saveIntervalUpdates=" + saveIntervalUpdates + ", keepIntervalUpdates=" + keepIntervalUpdates
                + ", noEpochCheckpoints=" + noEpochCheckpoints + ", worldSize=" + worldSize + ", nprocsPerNode="
                + nprocsPerNode + ", maxSampleSize=" + maxSampleSize + ", minSampleSize=" + minSampleSize
                + ", padAudio=" + padAudio + ", randomCrop=" + randomCrop + ", maxTokens=" + maxTokens
                + ", requiredBatchSizeMultiple=" + requiredBatchSizeMultiple + ", skipInvalid="
                + skipInvalidSizeInputsValidTest + ", validateIntervalUpdates=" + validateIntervalUpdates
                + ", maxUpdate=" + maxUpdate + ", lr=" + lr + ", updateFreq=" + updateFreq + ", clipNorm="
                + clipNorm + ", adamBetas=(" + adamBeta1 + "," + adamBeta2 + "), adamEps=" + adamEps
                + ", weightDecay=" + weightDecay + ", warmupUpdates=" + warmupUpdates + ", endLearningRate="
                + endLearningRate + ", totalNumUpdate=" + totalNumUpdate + ", power=" + power + ", dataset=" + dataset + ", labelSet=" + labelSet
                + ", useGpu=" + useGpu + ", cpusPerTask=" + cpusPerTask + ", dataPerRankGb=" + dataPerRankGb + "}";
    }

    /** Mutable builder; {@link #build()} validates every range and throws {@link ConfigException}. */
    public static final class Builder {
        private String modelPreset = "custom";
        private HubertConfig model;
        private boolean skipMasked;
        private boolean skipNomask;
        private boolean untieFinalProj = true;
        private long seed = 1;
        private boolean fp16;
        private int logInterval = 100;
        private String checkpointDir;
        private int saveIntervalUpdates;
        private int keepIntervalUpdates = -1;
        private boolean noEpochCheckpoints;
        private int worldSize = 1;
        private int nprocsPerNode = 1;
        private int maxSampleSize = 250_000;
        private int minSampleSize = 32_000;
        private boolean padAudio;
        private boolean randomCrop = true;
        private long maxTokens = 1_400_000;
        private int requiredBatchSizeMultiple = 8;
        private boolean skipInvalidSizeInputsValidTest;
        private int validateIntervalUpdates;
        private int maxUpdate = 400_000;
        private List<Double> lr = List.of(5e-4);
        private List<Integer> updateFreq = List.of(1);
        private double clipNorm;
        private double adamBeta1 = 0.9;
        private double adamBeta2 = 0.999;
        private double adamEps = 1e-8;
        private double weightDecay;
        private int warmupUpdates;
        private double endLearningRate;
        private int totalNumUpdate;
        private double power = 1.0;
        private String dataset;
        private String labelSet;
        private boolean useGpu;
        private int cpusPerTask = 1;
        private double dataPerRankGb = 4.0;

        private Builder(HubertConfig model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        private Builder(PretrainConfig c) {
            modelPreset = c.modelPreset;
            model = c.model;
            skipMasked = c.skipMasked;
            skipNomask = c.skipNomask;
            untieFinalProj = c.untieFinalProj;
            seed = c.seed;
            fp16 = c.fp16;
            logInterval = c.logInterval;
            checkpointDir = c.checkpointDir;
            saveIntervalUpdates = c.saveIntervalUpdates;
            keepIntervalUpdates = c.keepIntervalUpdates;
            noEpochCheckpoints = c.noEpochCheckpoints;
            worldSize = c.worldSize;
            nprocsPerNode = c.nprocsPerNode;
            maxSampleSize = c.maxSampleSize;
            minSampleSize = c.minSampleSize;
            padAudio = c.padAudio;
            randomCrop = c.randomCrop;
            maxTokens = c.maxTokens;
            requiredBatchSizeMultiple = c.requiredBatchSizeMultiple;
            skipInvalidSizeInputsValidTest = c.skipInvalidSizeInputsValidTest;
            validateIntervalUpdates = c.validateIntervalUpdates;
            maxUpdate = c.maxUpdate;
            lr = c.lr;
            updateFreq = c.updateFreq;
            clipNorm = c.clipNorm;
            adamBeta1 = c.adamBeta1;
            adamBeta2 = c.adamBeta2;
            adamEps = c.adamEps;
            weightDecay = c.weightDecay;
            warmupUpdates = c.warmupUpdates;
            endLearningRate = c.endLearningRate;
            totalNumUpdate = c.totalNumUpdate == c.maxUpdate ? 0 : c.totalNumUpdate;
            power = c.power;
            dataset = c.dataset;
            labelSet = c.labelSet;
            useGpu = c.useGpu;
            cpusPerTask = c.cpusPerTask;
            dataPerRankGb = c.dataPerRankGb;
        }

        public Builder modelPreset(String v) {
            modelPreset = v;
            return this;
        }

        public Builder model(HubertConfig v) {
            model = Objects.requireNonNull(v, "model");
            return this;
        }

        public Builder skipMasked(boolean v) {
            skipMasked = v;
            return this;
        }

        public Builder skipNomask(boolean v) {
            skipNomask = v;
            return this;
        }

        public Builder untieFinalProj(boolean v) {
            untieFinalProj = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder fp16(boolean v) {
            fp16 = v;
            return this;
        }

        public Builder logInterval(int v) {
            logInterval = v;
            return this;
        }

        public Builder checkpointDir(String v) {
            checkpointDir = v;
            return this;
        }

        public Builder saveIntervalUpdates(int v) {
            saveIntervalUpdates = v;
            return this;
        }

        public Builder keepIntervalUpdates(int v) {
            keepIntervalUpdates = v;
            return this;
        }

        public Builder noEpochCheckpoints(boolean v) {
            noEpochCheckpoints = v;
            return this;
        }

        public Builder worldSize(int v) {
            worldSize = v;
            return this;
        }

        public Builder nprocsPerNode(int v) {
            nprocsPerNode = v;
            return this;
        }

        public Builder maxSampleSize(int v) {
            maxSampleSize = v;
            return this;
        }

        public Builder minSampleSize(int v) {
            minSampleSize = v;
            return this;
        }

        public Builder padAudio(boolean v) {
            padAudio = v;
            return this;
        }

        public Builder randomCrop(boolean v) {
            randomCrop = v;
            return this;
        }

        public Builder maxTokens(long v) {
            maxTokens = v;
            return this;
        }

        public Builder requiredBatchSizeMultiple(int v) {
            requiredBatchSizeMultiple = v;
            return this;
        }

        public Builder skipInvalidSizeInputsValidTest(boolean v) {
            skipInvalidSizeInputsValidTest = v;
            return this;
        }

        public Builder validateIntervalUpdates(int v) {
            validateIntervalUpdates = v;
            return this;
        }

        public Builder maxUpdate(int v) {
            maxUpdate = v;
            return this;
        }

        public Builder lr(List<Double> v) {
            lr = List.copyOf(v);
            return this;
        }

        public Builder updateFreq(List<Integer> v) {
            updateFreq = List.copyOf(v);
            return this;
        }

        public Builder clipNorm(double v) {
            clipNorm = v;
            return this;
        }

        public Builder adamBetas(double beta1, double beta2) {
            adamBeta1 = beta1;
            adamBeta2 = beta2;
            return this;
        }

        public Builder adamEps(double v) {
            adamEps = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder warmupUpdates(int v) {
            warmupUpdates = v;
            return this;
        }

        /** {@code lr_scheduler.total_num_update}; 0 = {@code max_update}. */
        public Builder totalNumUpdate(int v) {
            totalNumUpdate = v;
            return this;
        }

        public Builder endLearningRate(double v) {
            endLearningRate = v;
            return this;
        }

        public Builder power(double v) {
            power = v;
            return this;
        }

        public Builder dataset(String v) {
            dataset = v;
            return this;
        }

        public Builder labelSet(String v) {
            labelSet = v;
            return this;
        }

        public Builder useGpu(boolean v) {
            useGpu = v;
            return this;
        }

        public Builder cpusPerTask(int v) {
            cpusPerTask = v;
            return this;
        }

        public Builder dataPerRankGb(double v) {
            dataPerRankGb = v;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws ConfigException naming the field path, what was expected and what was found
         */
        public PretrainConfig build() {
            check(model.sampleRate() == 16000, "task.sample_rate", "16000 (audio is ingested at 16 kHz)",
                    model.sampleRate());
            check(model.labelRate() == 50 || model.labelRate() == 100, "model.label_rate", "50 or 100",
                    model.labelRate());
            check(model.maskProb() >= 0 && model.maskProb() <= 1, "model.mask_prob", "a value in [0, 1]",
                    model.maskProb());
            check(skipMasked == model.skipMasked() && skipNomask == model.skipNomask(), "model.skip_masked",
                    "the same skip flags in the model config", model.skipMasked() + "/" + model.skipNomask());
            check(untieFinalProj, "model.untie_final_proj", "true (the only projection ai.hubert.model has)",
                    false);
            check(seed >= 0, "common.seed", "a seed >= 0", seed);
            check(logInterval > 0, "common.log_interval", "an interval > 0", logInterval);
            check(saveIntervalUpdates >= 0, "checkpoint.save_interval_updates", "an interval >= 0 (0 = off)",
                    saveIntervalUpdates);
            check(keepIntervalUpdates >= -1 && keepIntervalUpdates != 0, "checkpoint.keep_interval_updates",
                    "-1 (keep all) or a count >= 1", keepIntervalUpdates);
            check(worldSize >= 1, "distributed_training.distributed_world_size", "a rank count >= 1", worldSize);
            check(nprocsPerNode >= 1, "distributed_training.nprocs_per_node", "a count >= 1", nprocsPerNode);
            check(maxSampleSize >= 400, "task.max_sample_size",
                    "at least 400 samples (one conv frame's receptive field)", maxSampleSize);
            check(minSampleSize >= 0 && minSampleSize <= maxSampleSize, "task.min_sample_size",
                    "a size in [0, task.max_sample_size=" + maxSampleSize + "]", minSampleSize);
            check(!padAudio, "task.pad_audio",
                    "false (batches are cropped to their shortest utterance; padding is not implemented)", true);
            check(maxTokens >= maxSampleSize, "dataset.max_tokens",
                    "at least task.max_sample_size=" + maxSampleSize + " (one cropped utterance must fit)",
                    maxTokens);
            check(requiredBatchSizeMultiple >= 1, "dataset.required_batch_size_multiple", "a multiple >= 1",
                    requiredBatchSizeMultiple);
            check(validateIntervalUpdates >= 0, "dataset.validate_interval_updates", "an interval >= 0",
                    validateIntervalUpdates);
            check(maxUpdate > 0, "optimization.max_update", "a count > 0", maxUpdate);
            check(lr.size() == 1, "optimization.lr",
                    "exactly one value (polynomial_decay uses lr[0]; fairseq ignores the rest)", lr);
            for (double v : lr) {
                check(v > 0 && Double.isFinite(v), "optimization.lr", "values > 0", lr);
            }
            check(!updateFreq.isEmpty(), "optimization.update_freq", "at least one value", updateFreq);
            for (int v : updateFreq) {
                check(v >= 1, "optimization.update_freq", "values >= 1", updateFreq);
            }
            check(clipNorm >= 0, "optimization.clip_norm", "a norm >= 0 (0 = no clipping)", clipNorm);
            check(adamBeta1 >= 0 && adamBeta1 < 1 && adamBeta2 >= 0 && adamBeta2 < 1, "optimizer.adam_betas",
                    "two values in [0, 1)", "(" + adamBeta1 + "," + adamBeta2 + ")");
            check(adamEps > 0, "optimizer.adam_eps", "a value > 0", adamEps);
            check(weightDecay >= 0, "optimizer.weight_decay", "a value >= 0", weightDecay);
            check(warmupUpdates >= 0 && warmupUpdates <= maxUpdate, "lr_scheduler.warmup_updates",
                    "a count in [0, optimization.max_update=" + maxUpdate + "]", warmupUpdates);
            check(endLearningRate >= 0 && endLearningRate <= lr.get(0), "lr_scheduler.end_learning_rate",
                    "a value in [0, lr[0]=" + lr.get(0) + "]", endLearningRate);
            check(totalNumUpdate == 0 || totalNumUpdate >= maxUpdate, "lr_scheduler.total_num_update",
                    "0 (= optimization.max_update) or a count >= optimization.max_update=" + maxUpdate, totalNumUpdate);
            check(power > 0, "lr_scheduler.power", "a value > 0", power);
            check(PRESETS.contains(modelPreset) || modelPreset.equals("custom"), "hubert.model_preset",
                    "one of " + PRESETS, modelPreset);
            check(cpusPerTask >= 1, "spark.cpus_per_task", "a count >= 1", cpusPerTask);
            check(dataPerRankGb >= 0 && Double.isFinite(dataPerRankGb), "spark.data_per_rank_gb", "a size in GB >= 0",
                    dataPerRankGb);
            return new PretrainConfig(this);
        }

        private static void check(boolean ok, String path, String expected, Object found) {
            if (!ok) {
                throw ConfigException.field(path, expected, found);
            }
        }
    }
}
