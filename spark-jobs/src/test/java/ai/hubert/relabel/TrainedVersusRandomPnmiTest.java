package ai.hubert.relabel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.audio.ingest.IngestJob;
import ai.hubert.features.MfccJob;
import ai.hubert.labels.EvaluateLabelsJob;
import ai.hubert.labels.KMeansJob;
import ai.hubert.labels.LabelJob;
import ai.hubert.labels.kmeans.KMeansFitter;
import ai.hubert.labels.quality.PhoneAlignments;
import ai.hubert.model.HubertModel;
import ai.hubert.model.checkpoint.HubertCheckpoint;
import ai.hubert.model.train.TrainingCheckpoint;
import ai.hubert.store.FeatureStore;
import ai.hubert.testing.TestSpark;
import ai.hubert.training.TrainingJob;
import ai.hubert.training.config.PretrainConfig;
import ai.hubert.training.config.PretrainConfigLoader;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The point of iteration 1: features of a HuBERT model trained on MFCC k-means targets give better k-means
 * targets (higher PNMI against phone alignments) than the same architecture at random initialisation. A short
 * in-test training of tiny_cpu on the 15 aligned utterances of one speaker, then a layer sweep of both models.
 */
@Tag("cluster")
class TrainedVersusRandomPnmiTest {
  @TempDir Path tmp;

  @Test
  void trainedIterationOneBeatsRandomInitialisation() throws Exception {
    Path tree = tmp.resolve("tree");
    for (String rel : SampleCorpus.audioFiles().subList(45, 60)) { // speaker kal: festival alignments
      Files.createDirectories(tree.resolve(rel).getParent());
      try (InputStream in = SampleCorpus.open(rel)) {
        Files.write(tree.resolve(rel), in.readAllBytes());
      }
    }
    FeatureStore store = TestSpark.store(tmp.resolve("store"));
    new IngestJob(store).run(tree.toString(), "pn", false);
    new MfccJob(store).run("pn", false);
    new KMeansJob(store).run("pn", MfccJob.FEATURE_SET, "mfcc-k50", new KMeansFitter().setK(50).setSampleFraction(1.0), false);
    new LabelJob(store).run("pn", "mfcc-k50", "mfcc-k50");

    Path config = Path.of(System.getProperty("user.dir")).getParent().resolve("conf/pretrain/tiny_cpu.yaml");
    List<String> overrides = List.of("optimization.max_update=80", "lr_scheduler.warmup_updates=8", "dataset.max_tokens=256000",
        "hubert.num_clusters=50", "distributed_training.distributed_world_size=1", "distributed_training.nprocs_per_node=1",
        "checkpoint.save_interval_updates=0", "common.log_interval=20", "criterion.pred_nomask_weight=1.0", "model.feature_grad_mult=1.0");
    Path run = tmp.resolve("run");
    new TrainingJob(store).run(config, overrides, "pn", "mfcc-k50", run, -1);
    Path trained = TrainingCheckpoint.latest(run);

    PretrainConfig cfg = PretrainConfigLoader.load(config, overrides);
    Path random = tmp.resolve("random-init");
    try (NDManager m = NDManager.newBaseManager(); HubertModel model = HubertModel.create(m, cfg.model(), cfg.seed())) {
      HubertCheckpoint.save(model, "{}", random);
    }
    String alignments = SampleCorpus.materialize(store.location().resolve("corpora/sample"), store.spark().sparkContext().hadoopConfiguration())
        + "/" + SampleCorpus.ALIGNMENTS;
    PhoneAlignments phones = EvaluateLabelsJob.readAlignments(alignments, store.spark().sparkContext().hadoopConfiguration());
    KMeansFitter fitter = new KMeansFitter().setK(50).setSampleFraction(1.0).setMaxIter(30);
    LayerSweep.Result before = new LayerSweep(store).run("pn", random.toString(), fitter, phones);
    LayerSweep.Result after = new LayerSweep(store).run("pn", trained.toString(), fitter, phones);
    double gain = after.best().quality().pnmi() - before.best().quality().pnmi();
    assertTrue(gain > 0.02, String.format("trained best layer %d PNMI %.4f vs random-init best layer %d PNMI %.4f", after.best().layer(),
        after.best().quality().pnmi(), before.best().layer(), before.best().quality().pnmi()));
  }
}
