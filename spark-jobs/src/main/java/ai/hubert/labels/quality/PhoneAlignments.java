package ai.hubert.labels.quality;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Phone alignments of a set of utterances: per utterance id, its phone segments in time order, contiguous
 * from 0 s (gaps and overlaps below 1 ms tolerated). Immutable and serializable (a Spark job can broadcast
 * it).
 *
 * <p><b>Frame convention.</b> Frame {@code t} of a {@link FrameGrid} gets the phone of the segment that
 * covers its centre {@code t*hop/sr + window/(2*sr)}: the last segment whose start is {@code <=} the centre
 * (segments are half-open, so a centre on a boundary belongs to the later segment; a sub-millisecond gap
 * belongs to the segment before it). For Kaldi MFCC frames at 100 Hz the centre is
 * {@code (160t + 200)/16000} s. This is how frame-level phone sequences at 100 Hz, the reference input of
 * fairseq's {@code measure_teacher_quality.py}, are read off a time alignment. Frames whose centre lies at
 * or after the last segment's end take the last phone (padding; {@link #coveredFrames} says how many
 * frames are covered without it), and frames past the requested count are dropped.
 */
public final class PhoneAlignments implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, List<PhoneSegment>> segmentsByUtt;

  PhoneAlignments(Map<String, List<PhoneSegment>> checkedSegmentsByUtt) {
    Map<String, List<PhoneSegment>> copy = new LinkedHashMap<>();
    checkedSegmentsByUtt.forEach((utt, segments) -> copy.put(utt, List.copyOf(segments)));
    this.segmentsByUtt = Collections.unmodifiableMap(copy);
  }

  /**
   * Alignments from segment lists (kept in the map's iteration order). Each list must be non-empty, in time
   * order and contiguous from 0 s within 1 ms; phones are taken as given (no stress removal).
   *
   * @throws IllegalArgumentException naming the utterance and the offending segment otherwise
   */
  public static PhoneAlignments of(Map<String, List<PhoneSegment>> segmentsByUtt) {
    Map<String, List<PhoneSegment>> checked = new LinkedHashMap<>();
    segmentsByUtt.forEach((utt, segments) -> {
      if (utt == null || utt.isEmpty()) {
        throw new IllegalArgumentException("utterance ids must be non-empty, found " + utt);
      }
      if (segments == null || segments.isEmpty()) {
        throw new IllegalArgumentException("utterance " + utt + ": expected at least one segment, found none");
      }
      SegmentSequence sequence = new SegmentSequence(utt);
      for (PhoneSegment s : segments) {
        String error = sequence.append(s.startS(), s.endS(), s.phone(), null);
        if (error != null) {
          throw new IllegalArgumentException(error);
        }
      }
      checked.put(utt, sequence.segments());
    });
    return new PhoneAlignments(checked);
  }

  /** Utterance ids in reading order. */
  public Set<String> utteranceIds() {
    return segmentsByUtt.keySet();
  }

  /** Number of utterances. */
  public int size() {
    return segmentsByUtt.size();
  }

  /** Whether the utterance has an alignment. */
  public boolean contains(String uttId) {
    return segmentsByUtt.containsKey(uttId);
  }

  /** The utterance's segments in time order. */
  public List<PhoneSegment> segments(String uttId) {
    List<PhoneSegment> segments = segmentsByUtt.get(uttId);
    if (segments == null) {
      throw new IllegalArgumentException("no alignment for utterance " + uttId + " (" + size() + " aligned)");
    }
    return segments;
  }

  /** End time of the utterance's last segment, in seconds. */
  public double durationSeconds(String uttId) {
    List<PhoneSegment> segments = segments(uttId);
    return segments.get(segments.size() - 1).endS();
  }

  /** Every distinct phone symbol, sorted. */
  public SortedSet<String> phoneSet() {
    SortedSet<String> phones = new TreeSet<>();
    segmentsByUtt.values().forEach(list -> list.forEach(s -> phones.add(s.phone())));
    return Collections.unmodifiableSortedSet(phones);
  }

  /**
   * Frame count implied by the alignment: {@code grid.numFrames(round(duration * sampleRate))}. On the
   * bundled corpus this equals the frame count of the audio itself.
   */
  public int numFrames(String uttId, FrameGrid grid) {
    return grid.numFrames(Math.round(durationSeconds(uttId) * grid.sampleRate()));
  }

  /** Number of leading frames whose centre lies before the last segment's end (frames needing no padding). */
  public int coveredFrames(String uttId, FrameGrid grid) {
    double end = durationSeconds(uttId);
    int t = 0;
    while (grid.centreSeconds(t) < end) {
      t++;
    }
    return t;
  }

  /** Phone per frame, for {@link #numFrames(String, FrameGrid)} frames. */
  public String[] phoneFrames(String uttId, FrameGrid grid) {
    return phoneFrames(uttId, grid, numFrames(uttId, grid));
  }

  /** Phone per frame for exactly {@code numFrames} frames (see the class comment for the convention). */
  public String[] phoneFrames(String uttId, FrameGrid grid, int numFrames) {
    Objects.requireNonNull(grid, "grid");
    if (numFrames < 0) {
      throw new IllegalArgumentException("numFrames must be >= 0, found " + numFrames);
    }
    List<PhoneSegment> segments = segments(uttId);
    String[] phones = new String[numFrames];
    int i = 0;
    for (int t = 0; t < numFrames; t++) {
      double centre = grid.centreSeconds(t);
      while (i + 1 < segments.size() && segments.get(i + 1).startS() <= centre) {
        i++;
      }
      phones[t] = segments.get(i).phone();
    }
    return phones;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PhoneAlignments && ((PhoneAlignments) o).segmentsByUtt.equals(segmentsByUtt);
  }

  @Override
  public int hashCode() {
    return segmentsByUtt.hashCode();
  }

  @Override
  public String toString() {
    return "PhoneAlignments[" + size() + " utterances]";
  }
}
