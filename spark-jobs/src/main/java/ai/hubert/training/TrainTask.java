package ai.hubert.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.hubert.audio.Pcm16;
import ai.hubert.model.HubertModel;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.pretrain.MaskSampler;
import ai.hubert.model.pretrain.PretrainForward;
import ai.hubert.model.pretrain.PretrainMetrics;
import ai.hubert.model.train.AdamW;
import ai.hubert.model.train.Autograd;
import ai.hubert.model.train.DynamicLossScaler;
import ai.hubert.model.train.GradientReducer;
import ai.hubert.model.train.MixedPrecisionTraining;
import ai.hubert.model.train.OptimizerStep;
import ai.hubert.model.train.PolynomialDecaySchedule;
import ai.hubert.model.train.StepReport;
import ai.hubert.model.train.TrainingCheckpoint;
import ai.hubert.training.checkpoint.CheckpointStore;
import ai.hubert.training.checkpoint.RunInfo;
import ai.hubert.training.collective.Collective;
import ai.hubert.training.collective.RingOptions;
import ai.hubert.training.collective.TcpRingAllReduce;
import ai.hubert.training.config.PretrainConfig;
import ai.hubert.training.config.PretrainConfigLoader;
import ai.hubert.training.data.Batch;
import ai.hubert.training.data.BatchPlan;
import ai.hubert.training.data.BatchPlanner;
import ai.hubert.training.data.Prefetcher;
import ai.hubert.training.data.ShardedUtterance;
import ai.hubert.training.data.StageShards;
import ai.hubert.training.data.TrainingIndex;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * One rank of data-parallel HuBERT pretraining, run as a task of a Spark barrier stage: it holds its
 * shard of utterances, meets the other ranks ({@link TcpRingAllReduce}), builds the model identically
 * on every rank (same seed, or the latest checkpoint), and for every update runs forward and backward on
 * its batches (decoded ahead by a {@link Prefetcher}), all-reduces gradients and the number of masked frames,
 * and applies the same AdamW step as every other rank. Rank 0 writes checkpoints and progress.
 */
final class TrainTask implements Serializable {
  private static final long serialVersionUID = 2L;
  /** The checkpoint file holding {@link RunInfo}. */
  static final String RUN_INFO = "run.json";
  /** The float16 loss scaler's state in a checkpoint of a {@code common.fp16} run. */
  static final String LOSS_SCALER = "loss_scaler.json";

  private final String configSource;
  private final String configText;
  private final List<String> overrides;
  private final String dataset;
  private final String labelSet;
  private final String codeVersion;
  private final byte[] secret;
  private final String runUri;
  private final Map<String, String> hadoopConf;
  private final int classOffset;
  private final int failAtUpdate;
  private final boolean failByExit;
  private final TrainingMetrics metrics;
  private final Broadcast<TrainingIndex> index;
  private final Broadcast<StageShards> shards;
  /** The driver's clock when the job started: progress wall times count from it across the job's stages. */
  private final long jobStartMillis;

  TrainTask(String configSource, String configText, List<String> overrides, String dataset, String labelSet, String codeVersion,
      byte[] secret, String runUri, Map<String, String> hadoopConf, int classOffset, int failAtUpdate, boolean failByExit, TrainingMetrics metrics,
      Broadcast<TrainingIndex> index, Broadcast<StageShards> shards, long jobStartMillis) {
    this.configSource = configSource;
    this.configText = configText;
    this.overrides = List.copyOf(overrides);
    this.dataset = dataset;
    this.labelSet = labelSet;
    this.codeVersion = codeVersion;
    this.secret = secret.clone();
    this.runUri = runUri;
    this.hadoopConf = Map.copyOf(hadoopConf);
    this.classOffset = classOffset;
    this.failAtUpdate = failAtUpdate;
    this.failByExit = failByExit;
    this.metrics = metrics;
    this.index = index;
    this.shards = shards;
    this.jobStartMillis = jobStartMillis;
  }


  /** A batch decoded and cropped for the model (by the prefetch thread); labels per label set. */
  private record Decoded(Batch batch, float[] audio, List<int[][]> labels) {}

  /**
   * Trains epochs {@code firstEpoch..lastEpoch} of the stage on the utterances this partition received; returns progress
   * lines (rank 0) as TSV.
   */
  List<String> run(java.util.Iterator<ShardedUtterance> rows) {
    BarrierTaskContext context = BarrierTaskContext.get();
    PretrainConfig cfg = PretrainConfigLoader.parse(configSource, configText, overrides);
    HubertConfig modelConfig = cfg.model();
    Engine engine = Engine.getInstance(); // loads libtorch
    RankDevice device = RankDevice.select(cfg.useGpu(), scala.jdk.javaapi.CollectionConverters.asJava(context.resources()),
        cfg.useGpu() ? engine.getGpuCount() : 0); // no CUDA probe (and its warnings) on CPU ranks
    TrainingIndex utterances = index.value();
    StageShards stage = shards.value();
    RunInfo info = new RunInfo(configSource, configText, overrides, dataset, labelSet, cfg.seed(), cfg.worldSize(), codeVersion,
        RunInfo.RNG);
    CheckpointStore checkpoints = CheckpointStore.open(runUri, hadoopConf);
    List<String> out = new ArrayList<>();
    Path scratch = null;
    boolean cpuThreads = device.gpu() < 0;
    if (cpuThreads) {
      LibtorchThreads.acquire(Math.max(1, cfg.cpusPerTask())); // one libtorch pool per process: cores per rank
    }
    try (Collective ring = TcpRingAllReduce.open(context, secret, RingOptions.defaults());
         NDManager root = NDManager.newBaseManager(device.djl())) {
      scratch = Files.createTempDirectory("hubert-train-rank" + ring.rank() + "-");
      int rank = ring.rank();
      BatchPlan plan = utterances.plan(BatchPlanner.of(cfg));
      RankUtterances shard = RankUtterances.of(rows, rank, stage, plan, utterances, modelConfig.numLabelSets());

      String last = checkpoints.latest();
      HubertModel model;
      AdamW adam = new AdamW(root, cfg.adamBeta1(), cfg.adamBeta2(), cfg.adamEps(), cfg.weightDecay(),
          ai.hubert.model.train.AdamEpsilon.FAIRSEQ);
      OptimizerStep step = new OptimizerStep(adam, new PolynomialDecaySchedule(cfg.lr(), cfg.warmupUpdates(), cfg.totalNumUpdate(),
          cfg.endLearningRate(), cfg.power()), cfg.clipNorm());
      TrainingCheckpoint.State position = new TrainingCheckpoint.State(0, 0, 0, 1, 0);
      Path resumeDir = null;
      if (last == null) {
        model = HubertModel.create(root, modelConfig, cfg.seed());
      } else {
        Path local = checkpoints.download(last, scratch.resolve("resume"));
        resumeDir = local;
        if (!Files.isRegularFile(local.resolve(RUN_INFO))) {
          throw new IllegalArgumentException("Cannot resume from checkpoint " + last + ": it has no " + RUN_INFO
              + " (written before checkpoints recorded their run); use a new --run-dir");
        }
        RunInfo saved = RunInfo.fromJson(Files.readString(local.resolve(RUN_INFO), StandardCharsets.UTF_8));
        info.checkResumableFrom(saved, last);
        model = TrainingCheckpoint.loadModel(root, local);
        position = TrainingCheckpoint.restore(local, adam);
        step.resume(position.updates(), position.skipped());
      }
      long resumedFrom = position.updates();
      // common.fp16: fairseq's FP16Optimizer recipe; the float16 working copy computes, the float32 model is the master
      MixedPrecisionTraining fp16 = cfg.fp16() ? new MixedPrecisionTraining(model, DataType.FLOAT16,
          DynamicLossScaler.fairseqDefaults(cfg.worldSize(), cfg.updateFreq(position.epoch()))) : null;
      if (fp16 != null && resumeDir != null) {
        Path local = resumeDir.resolve(LOSS_SCALER);
        if (Files.isRegularFile(local)) {
          fp16.scaler().restore(parseDoubles(Files.readString(local, StandardCharsets.UTF_8)));
        }
      }
      if (fp16 != null && device.gpu() < 0 && rank == 0) {
        System.err.println("hubert: common.fp16 on CPU ranks: float16 is emulated by libtorch on most CPUs (much slower than "
            + "float32); see docs/mixed-precision.md");
      }
      HubertModel compute = fp16 == null ? model : fp16.working();
      PretrainForward forward = new PretrainForward(compute);
      ProgressWindow window = new ProgressWindow(modelConfig.numLabelSets());
      int epoch = position.epoch();
      int next = position.nextBatch();
      if (epoch < stage.firstEpoch() && step.numUpdates() < cfg.maxUpdate()) {
        throw new IllegalStateException("rank " + rank + ": checkpoint " + last + " stops in epoch " + epoch + " but this stage "
            + "trains epochs " + stage.firstEpoch() + ".." + stage.lastEpoch() + " (the previous stage did not save its end)");
      }
      while (step.numUpdates() < cfg.maxUpdate() && epoch <= stage.lastEpoch()) {
        List<List<Batch>> groups = plan.updates(epoch, rank, ring.worldSize(), cfg.updateFreq(epoch));
        int steps = groups.size(); // >= 1: the driver refuses plans with fewer batches than ranks
        List<Batch> ahead = new ArrayList<>();
        groups.subList(Math.min(next, steps), steps).forEach(ahead::addAll);
        groups.subList(0, Math.min(next, steps)).forEach(done -> done.forEach(shard::skip)); // trained before the checkpoint
        int reached = next;
        try (Prefetcher<Batch, Decoded> decoded = new Prefetcher<>("hubert-prefetch-rank" + rank, ahead.iterator(),
            b -> decode(shard.forBatch(b), b, modelConfig), 2 * cfg.updateFreq(epoch))) {
          for (int g = next; g < steps && step.numUpdates() < cfg.maxUpdate(); g++) {
            reached = g + 1;
            long update = step.numUpdates();
            if (failAtUpdate >= 0 && update == failAtUpdate && context.stageAttemptNumber() == 0 && rank == 1 % ring.worldSize()) {
              failInjected();
            }
            long stepStart = System.nanoTime();
            long localFrames = 0;
            long localSamples = 0;
            double[] local = new double[ProgressWindow.size(modelConfig.numLabelSets())];
            List<Batch> group = groups.get(g);
            for (int b = 0; b < group.size(); b++) {
              Decoded d = decoded.next();
              long seed = mix(cfg.seed(), update, rank, b);
              compute.setLayerDropRandom(new Random(seed ^ 1));
              PretrainMetrics m = forwardBackward(compute, forward, d, cfg, rank, update, seed, fp16);
              localFrames += m.sampleSize();
              localSamples += (long) d.batch().size() * d.batch().cropLength();
              // masked-frame loss in bits per masked frame whatever the loss weights (sample_size counts unmasked frames
              // too when pred_nomask_weight > 0); a skipped masked loss (skip_masked) counts as 0
              long maskedFrames = m.countMasked() / Math.max(1, m.labelSets().size());
              local[0] += Double.isNaN(m.lossMasked()) ? 0 : m.lossMasked() * m.sampleSize();
              local[1] += maskedFrames;
              local[2] += m.correctMasked();
              local[3] += m.countMasked();
              local[4] += m.correctUnmasked();
              local[5] += m.countUnmasked();
              for (int set = 0; set < m.labelSets().size(); set++) {
                var one = m.labelSets().get(set);
                local[6 + 3 * set] += Double.isNaN(one.lossMasked()) ? 0 : one.lossMasked() * m.sampleSize();
                local[7 + 3 * set] += one.correctMasked();
                local[8 + 3 * set] += one.countMasked();
              }
            }
            long reduceStart = System.nanoTime();
            long frames = ring.allReduceSum(localFrames);
            long[] reduceNanos = {System.nanoTime() - reduceStart};
            StepReport report = fp16 == null ? step.apply(model.parameters(), allReduced(ring, frames, reduceNanos))
                : fp16.step(step, allReduced(ring, frames, reduceNanos));
            reduceStart = System.nanoTime();
            double[] global = new double[local.length];
            for (int i = 0; i < local.length; i++) {
              global[i] = ring.allReduceSum(local[i]);
            }
            long samples = ring.allReduceSum(localSamples);
            reduceNanos[0] += System.nanoTime() - reduceStart;
            window.add(global, samples / (double) cfg.sampleRate(), reduceNanos[0], System.nanoTime() - stepStart);
            if (report.skipped()) {
              continue; // non-finite gradient norm: no update, nothing to log or save for it
            }
            long done = step.numUpdates();
            if (rank == 0) {
              metrics.update(done, samples / (double) cfg.sampleRate());
            }
            boolean log = done % Math.max(1, cfg.logInterval()) == 0 || done == cfg.maxUpdate();
            if (log && rank == 0) {
              ProgressLine line = window.line(done, epoch, report, (System.currentTimeMillis() - jobStartMillis) / 1e3, resumedFrom,
                  context.stageAttemptNumber());
              out.add(line.tsv());
              System.out.println(line.console(cfg.maxUpdate()));
              checkpoints.append(ProgressLine.FILE, line.json() + "\n");
            }
            if (log) {
              window.reset();
            }
            boolean endOfEpoch = g == steps - 1;
            // the stage's last update is saved too: the next stage (next epoch's shards) starts from it
            boolean save = (cfg.saveIntervalUpdates() > 0 && done % cfg.saveIntervalUpdates() == 0) || done == cfg.maxUpdate()
                || (endOfEpoch && epoch == stage.lastEpoch());
            if (save && rank == 0) {
              Path staged = scratch.resolve("checkpoint_" + done);
              TrainingCheckpoint.State at = endOfEpoch ? new TrainingCheckpoint.State(done, step.skipped(), adam.steps(), epoch + 1, 0)
                  : new TrainingCheckpoint.State(done, step.skipped(), adam.steps(), epoch, g + 1);
              TrainingCheckpoint.write(staged, model, adam, at, lineage(done, last));
              Files.writeString(staged.resolve("config.yaml"), configText, StandardCharsets.UTF_8);
              Files.writeString(staged.resolve(RUN_INFO), info.toJson(), StandardCharsets.UTF_8);
              if (fp16 != null) {
                Files.writeString(staged.resolve(LOSS_SCALER), java.util.Arrays.toString(fp16.scaler().state()), StandardCharsets.UTF_8);
              }
              checkpoints.publish(staged, done, Math.max(1, cfg.keepIntervalUpdates()));
              TrainingCheckpoint.deleteRecursively(staged);
            }
            if (save) {
              ring.barrier(); // nobody runs ahead of a checkpoint it might have to resume from
            }
          }
        }
        if (reached == steps) {
          shard.checkAllUsed(epoch);
        }
        epoch++;
        next = 0;
      }
      if (fp16 != null) {
        fp16.close();
      }
      model.close();
      adam.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (cpuThreads) {
        LibtorchThreads.release();
      }
      if (scratch != null) {
        try {
          TrainingCheckpoint.deleteRecursively(scratch);
        } catch (IOException ignored) {
          // a temporary folder; the OS cleans up
        }
      }
    }
    return out;
  }

  /** Fails this task as the recovery tests ask: an exception, or the whole executor JVM dies (as under kill -9). */
  private void failInjected() {
    if (failByExit) {
      Runtime.getRuntime().halt(137);
    }
    throw new IllegalStateException("injected failure at update " + failAtUpdate + " (test of automatic recovery)");
  }

  private String lineage(long updates, String resumedFrom) {
    com.google.gson.JsonObject o = new com.google.gson.JsonObject();
    o.addProperty("operation", "train");
    o.addProperty("config", configSource);
    o.addProperty("overrides", String.join(" ", overrides));
    o.addProperty("updates", updates);
    o.addProperty("dataset", dataset);
    o.addProperty("label_set", labelSet);
    o.addProperty("code_version", codeVersion);
    o.addProperty("resumed_from", resumedFrom);
    return o.toString();
  }

  private Decoded decode(Map<Integer, RankUtterances.Utterance> shard, Batch b, HubertConfig model) {
    int n = b.size();
    int len = b.cropLength();
    float[] audio = new float[n * len];
    for (int i = 0; i < n; i++) {
      RankUtterances.Utterance u = shard.get(b.utterances()[i]);
      Pcm16.toFloat(u.pcm(), (int) b.cropStarts()[i], audio, i * len, len); // only the crop, not the utterance
    }
    List<int[][]> sets = new ArrayList<>();
    for (int set = 0; set < model.numLabelSets(); set++) {
      int[] starts = b.labelStarts();
      int length = b.labelLength();
      int rate = model.labelSetRates().get(set);
      if (set > 0 && rate != model.labelRate()) { // the batch plan cropped at the first set's rate: crop this one at its own
        double s2f = (double) rate / model.sampleRate();
        starts = new int[n];
        length = (int) Math.rint(len * s2f);
        for (int i = 0; i < n; i++) {
          starts[i] = (int) Math.rint(b.cropStarts()[i] * s2f);
          length = Math.min(length, shard.get(b.utterances()[i]).labels()[set].length - starts[i]);
        }
        length = Math.max(0, length);
      }
      int[][] labels = new int[n][length];
      for (int i = 0; i < n; i++) {
        int[] source = shard.get(b.utterances()[i]).labels()[set];
        for (int t = 0; t < length; t++) {
          labels[i][t] = source[starts[i] + t] + classOffset;
        }
      }
      sets.add(labels);
    }
    return new Decoded(b, audio, sets);
  }

  private static PretrainMetrics forwardBackward(HubertModel model, PretrainForward forward, Decoded d, PretrainConfig cfg, int rank,
      long update, long dropoutSeed, MixedPrecisionTraining fp16) {
    Random random = new Random(cfg.seed() * 1_000_003L + update * 7919L + rank);
    MaskSampler masks = new MaskSampler(cfg.model().maskProb(), cfg.model().maskLength(), cfg.model().minMasks(), random);
    try (NDManager stepManager = model.newStepManager()) {
      NDArray audio = stepManager.create(d.audio(), new Shape(d.batch().size(), d.batch().cropLength()));
      NDArray wav = fp16 == null ? audio : fp16.input(audio);
      return Autograd.forwardBackward(dropoutSeed, () -> forward.forward(wav, d.labels(), masks, true),
          o -> fp16 == null ? o.loss() : fp16.scaledLoss(o.loss())).metrics();
    }
  }

  /** Parses {@code Arrays.toString(double[])}. */
  static double[] parseDoubles(String text) {
    String body = text.strip();
    if (!body.startsWith("[") || !body.endsWith("]")) {
      throw new IllegalArgumentException("Expected a bracketed list of numbers in " + LOSS_SCALER + ", found '" + body + "'");
    }
    String[] parts = body.substring(1, body.length() - 1).split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Double.parseDouble(parts[i].strip());
    }
    return out;
  }

  /** A seed for (seed, update, rank, batch within the update): SplitMix64 finalizer over the mixed inputs. */
  static long mix(long seed, long update, int rank, int batch) {
    long z = seed * 0x9E3779B97F4A7C15L + update * 0xBF58476D1CE4E5B9L + rank * 0x94D049BB133111EBL + batch * 0x2545F4914F6CDD1DL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Sums gradients over ranks and divides by the all-reduced masked-frame count, as fairseq normalizes; adds the time
   * spent in the all-reduce to {@code nanos[0]}.
   */
  private static GradientReducer allReduced(Collective ring, long frames, long[] nanos) {
    return grads -> {
      int total = 0;
      for (NDArray g : grads.values()) {
        total += (int) g.size();
      }
      FloatBuffer flat = ByteBuffer.allocateDirect(4 * total).order(ByteOrder.nativeOrder()).asFloatBuffer();
      for (NDArray g : grads.values()) {
        flat.put(g.toFloatArray());
      }
      flat.flip();
      long t0 = System.nanoTime();
      ring.allReduceSum(flat);
      nanos[0] += System.nanoTime() - t0;
      float scale = frames > 0 ? 1f / frames : 0f;
      int offset = 0;
      for (Map.Entry<String, NDArray> e : grads.entrySet()) {
        NDArray g = e.getValue();
        float[] reduced = new float[(int) g.size()];
        flat.get(offset, reduced);
        offset += reduced.length;
        try (NDArray r = g.getManager().create(reduced, g.getShape())) {
          g.muli(0).addi(r.muli(scale));
        }
      }
    };
  }
}
