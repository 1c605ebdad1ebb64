package ai.hubert.cli;

import ai.hubert.audio.corpus.SampleCorpus;
import ai.hubert.labels.EvaluateLabelsJob;
import java.util.List;

/** {@code hubert evaluate-labels}: PNMI and purities of a label set against phone alignments. */
final class EvaluateLabelsCommand implements Command {
  @Override
  public String name() {
    return "evaluate-labels";
  }

  @Override
  public String summary() {
    return "phone purity, cluster purity and PNMI of a label set against phone alignments (fairseq's measure_teacher_quality)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("dataset", "NAME", SampleCorpus.DATASET, "dataset"),
        OptionSpec.value("label-set", "TAG", null, "published label set"),
        OptionSpec.value("alignments", "FILE", null, "TSV utt_id<TAB>start_s<TAB>end_s<TAB>phone (header line), or a folder of "
            + "Praat TextGrids (tier 'phones'); default with the sample dataset: its bundled alignments"));
  }

  @Override
  public String details() {
    return "Prints one JSON object ({\"pnmi\":..., \"phone_purity\":..., \"cluster_purity\":..., \"frames\":..., ...}) and\n"
        + "appends it to the dataset's label_quality table. Phones are read at the centre of each 100 Hz Kaldi frame\n"
        + "(160 t + 200 samples); 50 Hz labels are repeated twice, as fairseq's upsample.";
  }

  @Override
  public int run(CliContext context, ParsedArgs args) {
    String dataset = args.get("dataset");
    String alignments = args.get("alignments");
    if (alignments == null) {
      if (!SampleCorpus.DATASET.equals(dataset)) {
        throw new UsageException("evaluate-labels: missing required option --alignments");
      }
      alignments = SampleCorpus.materialize(context.storeLocation().resolve("corpora/" + SampleCorpus.DATASET),
          context.spark().sparkContext().hadoopConfiguration()) + "/" + SampleCorpus.ALIGNMENTS;
    }
    context.out().println(new EvaluateLabelsJob(context.store()).run(dataset, args.require(name(), "label-set"), alignments).toJson());
    return 0;
  }
}
