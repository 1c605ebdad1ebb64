package ai.hubert.cli;

import ai.hubert.audio.AudioDecoder;
import ai.hubert.audio.Pcm16;
import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.features.MfccJob;
import ai.hubert.features.mfcc.MfccBenchmark;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code hubert bench mfcc}: throughput against the torchaudio reference, measured in the same run. */
final class BenchCommand implements Command {
  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "benchmarks against the reference in the same run: mfcc and model (vs torchaudio), assign (vs numpy), kmeans (vs sklearn), allreduce (vs raw TCP)";
  }

  @Override
  public String positionalUsage() {
    return "mfcc | model | assign | kmeans | allreduce";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("repetitions", "N", "5", "timed repetitions over the corpus (median reported)"),
        OptionSpec.value("dataset", "NAME", "bench", "dataset the Spark end-to-end measurement ingests the sample corpus into"),
        OptionSpec.flag("skip-spark", "mfcc: measure only the single-thread MFCC throughput"),
        OptionSpec.value("config", "NAME", "tiny", "model: tiny | base | large | xlarge"),
        OptionSpec.value("threads", "N", "2", "model: intra-op threads for both DJL and torch"),
        OptionSpec.value("audio-seconds", "S", "4", "model: length of each of the 2 utterances in the batch"),
        OptionSpec.value("steps", "N", "3", "model: timed forward+backward steps (median reported)"),
        OptionSpec.value("shapes", "DxK,...", "39x100,39x500", "assign: feature dimension x clusters to measure"),
        OptionSpec.value("frames", "N", "200000", "assign: frames per pass (split into utterances of 200-1600 frames)"),
        OptionSpec.value("ranks", "N", "2", "allreduce: ranks in the loopback ring"),
        OptionSpec.value("mb", "M", "100", "allreduce: megabytes of float32 per rank"),
        OptionSpec.value("wire", "fp32|bf16", "fp32", "allreduce: element type on the wire"),
        OptionSpec.flag("overlap", "allreduce: add received segments on a reducer thread instead of the socket thread"));
  }

  @Override
  public String details() {
    return "mfcc: the bundled sample corpus, one thread; the torchaudio reference runs Debian's python3-torchaudio with\n"
        + "torch.set_num_threads(1) on the same audio when /usr/bin/python3 has it.\n"
        + "model: forward+backward seconds per audio-second of HuBERT pretraining on DJL and, in the same run, of\n"
        + "torchaudio's HuBERTPretrainModel with the same config, input and thread count.\n"
        + "assign: nearest-centroid frames per CPU-second on one thread, and fairseq's numpy ApplyKmeans on the same\n"
        + "data (one utterance per call, one BLAS thread) when /usr/bin/python3 has numpy.\n"
        + "kmeans: quality of our MLlib k-means against fairseq's sklearn MiniBatchKMeans on the sample corpus's MFCC\n"
        + "frames (inertia per frame within 2 %, PNMI within 0.01; seeds 0-2) via scripts/bench/kmeans_quality.py;\n"
        + "needs a source checkout and /usr/bin/python3 with numpy and sklearn.\n"
        + "allreduce: the training ring's all-reduce over loopback (algbw, busbw as nccl-tests define them) and, in the same\n"
        + "run, raw TCP ring throughput with the same ranks and buffers; the ratio busbw / raw link is the ring's efficiency.";
  }

  private static int kmeansQuality(CliContext context, ParsedArgs args) throws Exception {
    String home = System.getProperty("hubert.home");
    java.nio.file.Path script = home == null ? null : java.nio.file.Path.of(home, "scripts", "bench", "kmeans_quality.py");
    if (script == null || !java.nio.file.Files.isRegularFile(script)) {
      throw new IllegalStateException("bench kmeans runs scripts/bench/kmeans_quality.py from a source checkout: start it with "
          + "bin/hubert (found hubert.home=" + home + ")");
    }
    String dataset = args.get("dataset");
    IngestCommand.ingest(context, null, dataset, false);
    new MfccJob(context.store()).run(dataset, false);
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("hubert-kmeans-bench");
    String prefix = dir.resolve("sample").toString();
    new ai.hubert.features.export.FairseqExport(context.store()).run(dataset, MfccJob.FEATURE_SET, prefix);
    context.out().flush();
    Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), prefix).directory(new java.io.File(home)).inheritIO().start();
    return p.waitFor() == 0 ? 0 : 1;
  }

  @Override
  public int run(CliContext context, ParsedArgs args) throws Exception {
    List<String> pos = args.positional();
    if (pos.size() != 1 || !List.of("mfcc", "model", "assign", "kmeans", "allreduce").contains(pos.get(0))) {
      throw new UsageException("bench: expected a benchmark name: mfcc, model, assign, kmeans or allreduce");
    }
    if (pos.get(0).equals("allreduce")) {
      ai.hubert.training.collective.Wire wire = switch (args.get("wire")) {
        case "fp32" -> ai.hubert.training.collective.Wire.FP32;
        case "bf16" -> ai.hubert.training.collective.Wire.BF16;
        default -> throw new UsageException("bench allreduce: --wire expects fp32 or bf16, found '" + args.get("wire") + "'");
      };
      context.out().println(ai.hubert.training.collective.AllReduceBenchmark.run(ImportLabelsCommand.parseInt("ranks", args.get("ranks")),
          ImportLabelsCommand.parseInt("mb", args.get("mb")), ImportLabelsCommand.parseInt("repetitions", args.get("repetitions")), wire,
          ai.hubert.training.collective.RingOptions.DEFAULT_SEGMENT_BYTES, args.flag("overlap"))
          .table());
      return 0;
    }
    if (pos.get(0).equals("kmeans")) {
      return kmeansQuality(context, args);
    }
    if (pos.get(0).equals("assign")) {
      List<ai.hubert.labels.assign.AssignBenchmark.Result> results = new ArrayList<>();
      for (String shape : args.get("shapes").split(",")) {
        String[] dk = shape.trim().split("x");
        if (dk.length != 2) {
          throw new UsageException("bench assign: --shapes expects DxK,... e.g. 39x100,39x500; found '" + shape + "'");
        }
        results.add(ai.hubert.labels.assign.AssignBenchmark.run(ImportLabelsCommand.parseInt("shapes", dk[0]),
            ImportLabelsCommand.parseInt("shapes", dk[1]), ImportLabelsCommand.parseInt("frames", args.get("frames")),
            ImportLabelsCommand.parseInt("repetitions", args.get("repetitions")), ai.hubert.labels.assign.AssignKernel.fromSystemProperty(),
            true));
      }
      context.out().println(ai.hubert.labels.assign.AssignBenchmark.table(results));
      return 0;
    }
    if (pos.get(0).equals("model")) {
      context.out().println(ai.hubert.model.bench.ModelBenchmark.run(args.get("config"), ImportLabelsCommand.parseInt("threads",
          args.get("threads")), Double.parseDouble(args.get("audio-seconds")), ImportLabelsCommand.parseInt("steps", args.get("steps")))
          .table());
      return 0;
    }
    List<float[]> waveforms = new ArrayList<>();
    AudioDecoder decoder = new AudioDecoder(16000);
    for (String rel : SampleCorpus.audioFiles()) {
      try (InputStream in = SampleCorpus.open(rel)) {
        waveforms.add(Pcm16.toFloat(decoder.decode(rel, in.readAllBytes()).pcm16()));
      }
    }
    MfccBenchmark.Result result = MfccBenchmark.run(waveforms, Integer.parseInt(args.get("repetitions")));
    context.out().println(result.table());
    if (!args.flag("skip-spark")) {
      String dataset = args.get("dataset");
      IngestCommand.ingest(context, null, dataset, false);
      new MfccJob(context.store()).run(dataset, true); // warm-up: JIT, Spark code generation
      MfccJob.Summary s = new MfccJob(context.store()).run(dataset, true);
      context.out().printf(Locale.ROOT, "Spark job end to end (read Parquet -> decode -> MFCC -> write Iceberg), master %s:%n",
          context.spark().sparkContext().master());
      s.print(context.out());
    }
    return 0;
  }
}
