package ai.hubert.labels.quality;

import java.io.Serializable;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Streams per-utterance cluster labels against phone alignments and accumulates what
 * {@code measure_teacher_quality.py} needs: the (phone, cluster) frame counts and the utterance/frame
 * bookkeeping. {@link #report()} turns them into a {@link QualityReport}.
 *
 * <p>Per utterance, as fairseq's {@code read_lab} and {@code comp_joint_prob}: the labels are edge-padded
 * by {@code padLen} frames on each side, then each label is repeated {@code upsample = 100 / labelRateHz}
 * times (50 Hz labels: x2); the reference is the alignment's phone per 100 Hz Kaldi MFCC frame
 * ({@link FrameGrid#MFCC_100HZ}, frame count from the alignment's end time, see {@link PhoneAlignments});
 * both are truncated to the shorter length and every frame pair is counted.
 *
 * <p>For Spark: the alignments are not serialized with an accumulator (the field is transient). Build one
 * per partition from the broadcast alignments, {@link #add} the partition's utterances, collect the
 * accumulators (counts only) and {@link #merge} them into one built on the driver with the same alignments.
 * A deserialized accumulator can be merged from but not added to or reported. Not thread-safe.
 */
public final class QualityAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The frame grid of the reference phones: 100 Hz Kaldi frames. */
  public static final FrameGrid REFERENCE_GRID = FrameGrid.MFCC_100HZ;

  private final transient PhoneAlignments reference;
  private final double labelRateHz;
  private final int upsample;
  private final int padLen;
  private final JointCounts counts = new JointCounts();
  private final Set<String> added = new HashSet<>();
  private long frameDiff;
  private int mismatchedUtterances;
  private int utterancesUsed;
  private int withoutAlignment;
  private long hypFrames;
  private long hypSegments;

  /** An accumulator without padding ({@code padLen = 0}). */
  public QualityAccumulator(PhoneAlignments reference, double labelRateHz) {
    this(reference, labelRateHz, 0);
  }

  /**
   * @param reference the phone alignments
   * @param labelRateHz frames per second of the labels; 100 divided by it must be a whole number (100, 50)
   * @param padLen frames of edge padding added on each side of the labels (fairseq's {@code --pad_len}), >= 0
   */
  public QualityAccumulator(PhoneAlignments reference, double labelRateHz, int padLen) {
    this.reference = Objects.requireNonNull(reference, "reference");
    this.upsample = upsampleFactor(labelRateHz);
    this.labelRateHz = labelRateHz;
    if (padLen < 0) {
      throw new IllegalArgumentException("padLen must be >= 0, found " + padLen);
    }
    this.padLen = padLen;
  }

  /**
   * Adds one utterance's labels (one cluster id >= 0 per frame at the label rate). Labels of an utterance
   * without an alignment count only towards {@code hyp_seg_len} and {@code label_utterances_without_alignment},
   * as in fairseq.
   *
   * @throws IllegalArgumentException for an utterance added before, empty labels or a negative id
   */
  public QualityAccumulator add(String uttId, int[] labels) {
    requireReference("add");
    Objects.requireNonNull(uttId, "uttId");
    Objects.requireNonNull(labels, "labels");
    if (labels.length == 0) {
      throw new IllegalArgumentException("utterance " + uttId + ": expected at least one label, found none");
    }
    for (int t = 0; t < labels.length; t++) {
      if (labels[t] < 0) {
        throw new IllegalArgumentException("utterance " + uttId + ": expected cluster ids >= 0, found "
            + labels[t] + " at frame " + t);
      }
    }
    if (!added.add(uttId)) {
      throw new IllegalArgumentException("utterance " + uttId + " was added twice (expected each utterance once)");
    }
    int paddedLength = labels.length + 2 * padLen;
    int hypLength = Math.multiplyExact(paddedLength, upsample);
    hypFrames += hypLength;
    hypSegments += runs(labels);
    if (!reference.contains(uttId)) {
      withoutAlignment++;
      return this;
    }
    String[] phones = reference.phoneFrames(uttId, REFERENCE_GRID);
    int diff = Math.abs(phones.length - hypLength);
    frameDiff += diff;
    if (diff != 0) {
      mismatchedUtterances++;
    }
    int n = Math.min(phones.length, hypLength);
    for (int t = 0; t < n; t++) {
      int padded = t / upsample;
      int source = Math.min(Math.max(padded - padLen, 0), labels.length - 1);
      counts.add(phones[t], labels[source], 1);
    }
    utterancesUsed++;
    return this;
  }

  /**
   * Adds the counts of another accumulator (e.g. one collected from a Spark partition) to this one.
   *
   * @throws IllegalArgumentException when the label rate or padding differ or an utterance was added to both
   */
  public QualityAccumulator merge(QualityAccumulator other) {
    if (other.labelRateHz != labelRateHz || other.padLen != padLen) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "cannot merge labels at %s Hz with pad %d into labels at %s Hz with pad %d",
          other.labelRateHz, other.padLen, labelRateHz, padLen));
    }
    for (String utt : other.added) {
      if (added.contains(utt)) {
        throw new IllegalArgumentException("utterance " + utt + " was added to both accumulators"
            + " (expected each utterance once)");
      }
    }
    added.addAll(other.added);
    counts.merge(other.counts);
    frameDiff += other.frameDiff;
    mismatchedUtterances += other.mismatchedUtterances;
    utterancesUsed += other.utterancesUsed;
    withoutAlignment += other.withoutAlignment;
    hypFrames += other.hypFrames;
    hypSegments += other.hypSegments;
    return this;
  }

  /**
   * The metrics of everything added so far.
   *
   * @throws IllegalStateException when no frame was counted (no labelled utterance has an alignment)
   */
  public QualityReport report() {
    requireReference("report");
    if (counts.total() == 0) {
      throw new IllegalStateException("no frames to measure: expected labelled utterances with alignments, found "
          + added.size() + " labelled utterances of which " + utterancesUsed + " aligned (" + reference.size()
          + " aligned utterances)");
    }
    double[][] p = counts.jointProbability();
    JointMetrics m = JointMetrics.of(p);
    long refFrames = 0;
    long refSegments = 0;
    for (String utt : reference.utteranceIds()) {
      String[] phones = reference.phoneFrames(utt, REFERENCE_GRID);
      refFrames += phones.length;
      refSegments += runs(phones);
    }
    return new QualityReport(m.pnmi(), m.phonePurity(), m.clusterPurity(), m.hRef(), m.hHyp(), m.mi(),
        counts.total(), frameDiff, mismatchedUtterances, reference.size(), utterancesUsed,
        reference.size() - utterancesUsed, withoutAlignment, p.length, p[0].length,
        refFrames / (double) refSegments, hypFrames / (double) hypSegments, labelRateHz, upsample, padLen);
  }

  /** The (phone, cluster) frame counts behind {@link #report()}. */
  public Cooccurrence cooccurrence() {
    return counts.cooccurrence();
  }

  private void requireReference(String operation) {
    if (reference == null) {
      throw new IllegalStateException("cannot " + operation + ": this accumulator was deserialized without its"
          + " alignments; merge it into one built with them");
    }
  }

  private static int upsampleFactor(double labelRateHz) {
    double factor = REFERENCE_GRID.frameRateHz() / labelRateHz;
    long rounded = Math.round(factor);
    if (!(labelRateHz > 0) || rounded < 1 || Math.abs(factor - rounded) > 1e-9) {
      throw new IllegalArgumentException("labelRateHz must divide " + REFERENCE_GRID.frameRateHz()
          + " Hz into a whole factor (e.g. 100 or 50), found " + labelRateHz);
    }
    return (int) rounded;
  }

  private static long runs(int[] labels) {
    long runs = labels.length == 0 ? 0 : 1;
    for (int t = 1; t < labels.length; t++) {
      if (labels[t] != labels[t - 1]) {
        runs++;
      }
    }
    return runs;
  }

  private static long runs(String[] phones) {
    long runs = phones.length == 0 ? 0 : 1;
    for (int t = 1; t < phones.length; t++) {
      if (!phones[t].equals(phones[t - 1])) {
        runs++;
      }
    }
    return runs;
  }
}
