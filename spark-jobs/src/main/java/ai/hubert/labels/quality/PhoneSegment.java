package ai.hubert.labels.quality;

import java.io.Serializable;

/**
 * One aligned phone: the half-open time span {@code [startS, endS)} in seconds and the phone symbol.
 *
 * @param startS start time in seconds, {@code >= 0}
 * @param endS end time in seconds, {@code >= startS}
 * @param phone the phone symbol (after stress removal when the reader applied it), non-empty
 */
public record PhoneSegment(double startS, double endS, String phone) implements Serializable {
  /** Checks the invariants above. */
  public PhoneSegment {
    if (!(startS >= 0) || !Double.isFinite(startS)) {
      throw new IllegalArgumentException("segment start must be a finite time >= 0 s, found " + startS);
    }
    if (!(endS >= startS) || !Double.isFinite(endS)) {
      throw new IllegalArgumentException(
          "segment end must be a finite time >= its start " + startS + " s, found " + endS);
    }
    if (phone == null || phone.isEmpty()) {
      throw new IllegalArgumentException("segment phone must be non-empty, found " + (phone == null ? "null" : "''"));
    }
  }
}
