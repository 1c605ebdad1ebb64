package ai.hubert.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hubert.audio.Pcm16;
import ai.hubert.model.HubertModel;
import ai.hubert.model.config.HubertConfig;
import ai.hubert.model.pretrain.MaskSampler;
import ai.hubert.model.pretrain.PretrainForward;
import ai.hubert.model.pretrain.PretrainMetrics;
import ai.hubert.model.train.AdamW;
import ai.hubert.model.train.Autograd;
import ai.hubert.model.train.GradientReducer;
import ai.hubert.model.train.OptimizerStep;
import ai.hubert.model.train.PolynomialDecaySchedule;
import ai.hubert.model.train.StepReport;
import ai.hubert.model.train.TrainingCheckpoint;
import ai.hubert.store.LabelSchema;
import ai.hubert.training.collective.Collective;
import ai.hubert.training.collective.RingOptions;
import ai.hubert.training.collective.TcpRingAllReduce;
import ai.hubert.training.config.PretrainConfig;
import ai.hubert.training.config.PretrainConfigLoader;
import ai.hubert.training.data.Batch;
import ai.hubert.training.data.BatchPlan;
import ai.hubert.training.data.BatchPlanner;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.sql.Row;

/**
 * One rank of data-parallel HuBERT pretraining, run as a task of a Spark barrier stage: it holds its
 * shard of utterances, meets the other ranks ({@link TcpRingAllReduce}), builds the model identically
 * on every rank (same seed, or the latest checkpoint), and for every update runs forward and backward on
 * its batches, all-reduces gradients and the number of masked frames, and applies the same AdamW step as
 * every other rank. Rank 0 writes checkpoints and the progress lines this task returns.
 */
final class TrainTask implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String configSource;
  private final String configText;
  private final List<String> overrides;
  private final byte[] secret;
  private final String runDir;
  private final int classOffset;
  private final int failAtUpdate;

  TrainTask(String configSource, String configText, List<String> overrides, byte[] secret, String runDir, int classOffset,
      int failAtUpdate) {
    this.configSource = configSource;
    this.configText = configText;
    this.overrides = List.copyOf(overrides);
    this.secret = secret.clone();
    this.runDir = runDir;
    this.classOffset = classOffset;
    this.failAtUpdate = failAtUpdate;
  }

  /** One utterance of this rank's shard. */
  private record Utterance(String id, byte[] pcm, int[] labels) {}

  /** Trains on this partition's rows (utt_id, pcm, labels); returns progress lines (rank 0) as TSV. */
  List<String> run(java.util.Iterator<Row> rows) {
    BarrierTaskContext context = BarrierTaskContext.get();
    PretrainConfig cfg = PretrainConfigLoader.parse(configSource, configText, overrides);
    HubertConfig modelConfig = cfg.model();
    List<Utterance> shard = new ArrayList<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      shard.add(new Utterance(r.getString(0), (byte[]) r.get(1), LabelSchema.unpack((byte[]) r.get(2))));
    }
    List<String> out = new ArrayList<>();
    try (Collective ring = TcpRingAllReduce.open(context, secret, RingOptions.defaults());
         NDManager root = NDManager.newBaseManager()) {
      int rank = ring.rank();
      long[] lengths = new long[shard.size()];
      int[] labelLengths = new int[shard.size()];
      for (int i = 0; i < shard.size(); i++) {
        lengths[i] = shard.get(i).pcm().length / 2;
        labelLengths[i] = shard.get(i).labels().length;
      }
      BatchPlan plan = BatchPlanner.of(cfg).plan(lengths, labelLengths);

      Path run = Path.of(runDir);
      Path last = TrainingCheckpoint.latest(run);
      HubertModel model = last == null ? HubertModel.create(root, modelConfig, cfg.seed()) : TrainingCheckpoint.loadModel(root, last);
      AdamW adam = new AdamW(root, cfg.adamBeta1(), cfg.adamBeta2(), cfg.adamEps(), cfg.weightDecay(),
          ai.hubert.model.train.AdamEpsilon.FAIRSEQ);
      OptimizerStep step = new OptimizerStep(adam, new PolynomialDecaySchedule(cfg.lr(), cfg.warmupUpdates(), cfg.maxUpdate(),
          cfg.endLearningRate(), cfg.power()), cfg.clipNorm());
      long resumedFrom = 0;
      if (last != null) {
        TrainingCheckpoint.State state = TrainingCheckpoint.restore(last, adam);
        step.resume(state.updates(), state.skipped());
        resumedFrom = state.updates();
      }
      PretrainForward forward = new PretrainForward(model);
      long started = System.nanoTime();
      double[] window = new double[6]; // loss*frames, masked frames, correct_m, count_m, correct_u, count_u
      long updates = 0;
      outer:
      for (int epoch = 1; ; epoch++) {
        List<List<Batch>> groups = plan.updates(epoch, 0, 1, cfg.updateFreq(epoch));
        int steps = minOverRanks(ring, groups.size());
        if (steps == 0) {
          throw new IllegalStateException("rank " + rank + ": no complete update in epoch " + epoch
              + " on some rank; give every rank more utterances or lower dataset.max_tokens");
        }
        for (int g = 0; g < steps; g++, updates++) {
          if (updates < step.numUpdates()) {
            continue; // already done before the checkpoint this run resumed from
          }
          if (step.numUpdates() >= cfg.maxUpdate()) {
            break outer;
          }
          if (failAtUpdate >= 0 && step.numUpdates() == failAtUpdate && context.stageAttemptNumber() == 0 && rank == 1 % ring.worldSize()) {
            throw new IllegalStateException("injected failure at update " + failAtUpdate + " (test of automatic recovery)");
          }
          long localFrames = 0;
          double[] local = new double[6];
          for (Batch b : groups.get(g)) {
            PretrainMetrics m = forwardBackward(model, forward, shard, b, cfg, rank, step.numUpdates());
            localFrames += m.sampleSize();
            local[0] += m.lossMasked() * m.sampleSize();
            local[1] += m.sampleSize();
            local[2] += m.correctMasked();
            local[3] += m.countMasked();
            local[4] += m.correctUnmasked();
            local[5] += m.countUnmasked();
          }
          long frames = ring.allReduceSum(localFrames);
          StepReport report = step.apply(model.parameters(), allReduced(ring, frames));
          for (int i = 0; i < local.length; i++) {
            window[i] += ring.allReduceSum(local[i]);
          }
          long done = step.numUpdates();
          boolean log = done % Math.max(1, cfg.logInterval()) == 0 || done == cfg.maxUpdate();
          if (log && rank == 0) {
            out.add(String.format(Locale.ROOT, "%d\t%d\t%.5f\t%.5f\t%.5f\t%.3e\t%.4f\t%d\t%.1f\t%d", done, epoch,
                window[0] / Math.max(1, window[1]), window[2] / Math.max(1, window[3]), window[4] / Math.max(1, window[5]),
                report.lr(), report.gradNorm(), (long) window[1], (System.nanoTime() - started) / 1e9, resumedFrom));
          }
          if (log) {
            java.util.Arrays.fill(window, 0);
          }
          boolean save = (cfg.saveIntervalUpdates() > 0 && done % cfg.saveIntervalUpdates() == 0) || done == cfg.maxUpdate();
          if (save && rank == 0) {
            TrainingCheckpoint.save(run, model, adam, new TrainingCheckpoint.State(done, step.skipped(), adam.steps(), epoch),
                lineage(cfg, done), Math.max(1, cfg.keepIntervalUpdates()));
          }
          if (save) {
            ring.barrier(); // nobody runs ahead of a checkpoint it might have to resume from
          }
          if (done >= cfg.maxUpdate()) {
            break outer;
          }
        }
      }
      model.close();
      adam.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private String lineage(PretrainConfig cfg, long updates) {
    return String.format(Locale.ROOT, "{\"operation\":\"train\",\"config\":\"%s\",\"overrides\":\"%s\",\"updates\":%d,"
        + "\"dataset\":\"%s\",\"label_set\":\"%s\",\"code_version\":\"%s\"}", configSource, String.join(" ", overrides), updates,
        cfg.dataset(), cfg.labelSet(), ai.hubert.store.CodeVersion.get());
  }

  private PretrainMetrics forwardBackward(HubertModel model, PretrainForward forward, List<Utterance> shard, Batch b,
      PretrainConfig cfg, int rank, long update) {
    int n = b.size();
    int len = b.cropLength();
    float[] audio = new float[n * len];
    int[][] labels = new int[n][b.labelLength()];
    for (int i = 0; i < n; i++) {
      Utterance u = shard.get(b.utterances()[i]);
      Pcm16.toFloat(u.pcm(), (int) b.cropStarts()[i], audio, i * len, len); // only the crop, not the utterance
      for (int t = 0; t < labels[i].length; t++) {
        labels[i][t] = u.labels()[b.labelStarts()[i] + t] + classOffset;
      }
    }
    Random random = new Random(cfg.seed() * 1_000_003L + update * 7919L + rank);
    MaskSampler masks = new MaskSampler(cfg.model().maskProb(), cfg.model().maskLength(), cfg.model().minMasks(), random);
    try (NDManager stepManager = model.newStepManager()) {
      NDArray wav = stepManager.create(audio, new Shape(n, len));
      return Autograd.forwardBackward(() -> forward.forward(wav, labels, masks, true), o -> o.loss()).metrics();
    }
  }

  /** Every rank must run the same number of updates in an epoch: the smallest shard decides. */
  private static int minOverRanks(Collective ring, int mine) {
    FloatBuffer counts = ByteBuffer.allocateDirect(4 * ring.worldSize()).order(ByteOrder.nativeOrder()).asFloatBuffer();
    counts.put(ring.rank(), mine);
    ring.allReduceSum(counts);
    int min = Integer.MAX_VALUE;
    for (int r = 0; r < ring.worldSize(); r++) {
      min = Math.min(min, Math.round(counts.get(r)));
    }
    return min;
  }

  /** Sums gradients over ranks and divides by the all-reduced masked-frame count, as fairseq normalizes. */
  private static GradientReducer allReduced(Collective ring, long frames) {
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
      ring.allReduceSum(flat);
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
