package ai.hubert.labels.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds the segment list of one utterance, checking that the segments are in time order and contiguous
 * from 0 s: a gap or overlap shorter than 1 ms (measured in whole microseconds) counts as contiguous; a
 * longer overlap is an error; a longer gap is an error or, when gaps are allowed, becomes a silence segment.
 * Errors are returned as text so that each caller can say where the segment came from.
 */
final class SegmentSequence {
  /** Gaps and overlaps strictly below this many microseconds count as contiguous. */
  static final long TOLERANCE_US = 1000;

  private final String uttId;
  private final List<PhoneSegment> segments = new ArrayList<>();

  SegmentSequence(String uttId) {
    this.uttId = uttId;
  }

  String uttId() {
    return uttId;
  }

  List<PhoneSegment> segments() {
    return segments;
  }

  /**
   * Appends one segment.
   *
   * @param silence the symbol that fills a gap of 1 ms or more, or null when gaps are errors
   * @return null when accepted, otherwise what was expected and what was found
   */
  String append(double startS, double endS, String phone, String silence) {
    if (!(startS >= 0)) {
      return String.format(Locale.ROOT, "utterance %s: expected a start time >= 0 s, found %s s", uttId, startS);
    }
    if (endS < startS) {
      return String.format(Locale.ROOT,
          "utterance %s: segment '%s' ends at %s s, before its start %s s (expected end >= start)",
          uttId, phone, endS, startS);
    }
    if (phone.isEmpty()) {
      return String.format(Locale.ROOT, "utterance %s: segment [%s, %s) s has an empty phone", uttId, startS, endS);
    }
    double previousEnd = segments.isEmpty() ? 0.0 : segments.get(segments.size() - 1).endS();
    long gapUs = Math.round((startS - previousEnd) * 1e6);
    if (gapUs <= -TOLERANCE_US) {
      PhoneSegment previous = segments.get(segments.size() - 1);
      return String.format(Locale.ROOT,
          "utterance %s: segment '%s' [%s, %s) s overlaps the previous segment '%s' [%s, %s) s by %.3f ms"
              + " (expected it to start at the previous end, within 1 ms)",
          uttId, phone, startS, endS, previous.phone(), previous.startS(), previous.endS(), -gapUs / 1000.0);
    }
    if (gapUs >= TOLERANCE_US) {
      if (silence == null) {
        return String.format(Locale.ROOT,
            "utterance %s: segment '%s' starts at %s s, leaving a gap of %.3f ms after %s"
                + " (expected contiguous segments from 0 s, gaps below 1 ms tolerated; gaps are not allowed)",
            uttId, phone, startS, gapUs / 1000.0,
            segments.isEmpty() ? "the utterance start 0 s" : "the previous end " + previousEnd + " s");
      }
      segments.add(new PhoneSegment(previousEnd, startS, silence));
    }
    segments.add(new PhoneSegment(startS, endS, phone));
    return null;
  }
}
