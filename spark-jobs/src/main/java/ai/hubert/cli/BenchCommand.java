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
    return "benchmarks: 'bench mfcc' (Java vs torchaudio on one thread, and the Spark job's end-to-end rate)";
  }

  @Override
  public String positionalUsage() {
    return "mfcc";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("repetitions", "N", "5", "timed repetitions over the corpus (median reported)"),
        OptionSpec.value("dataset", "NAME", "bench", "dataset the Spark end-to-end measurement ingests the sample corpus into"),
        OptionSpec.flag("skip-spark", "measure only the single-thread MFCC throughput"));
  }

  @Override
  public String details() {
    return "Audio: the bundled sample corpus (real recorded-style speech, 16 kHz). The torchaudio reference runs\n"
        + "Debian's python3-torchaudio with torch.set_num_threads(1) on the same audio when /usr/bin/python3 has it.";
  }

  @Override
  public int run(CliContext context, ParsedArgs args) throws Exception {
    List<String> pos = args.positional();
    if (pos.size() != 1 || !pos.get(0).equals("mfcc")) {
      throw new UsageException("bench: expected a benchmark name: mfcc");
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
