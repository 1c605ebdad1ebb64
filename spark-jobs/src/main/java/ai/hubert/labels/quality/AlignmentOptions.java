package ai.hubert.labels.quality;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How alignment readers interpret their input.
 *
 * @param removeStress strip every digit from phone names ({@code AH0 -> AH}), as fairseq's
 *     {@code read_phn(rm_stress=True)}; on by default
 * @param phoneTier name of the TextGrid tier holding the phones, matched case-insensitively; default
 *     {@code phones}
 * @param silenceSymbol the phone given to empty TextGrid intervals and, when {@code allowGaps}, to gaps;
 *     default {@code sil}
 * @param allowGaps when false (the default) a gap of 1 ms or more between consecutive segments of an
 *     utterance, or before its first segment, is an error; when true such a gap becomes a segment of
 *     {@code silenceSymbol}. Gaps and overlaps shorter than 1 ms are always accepted as contiguous.
 */
public record AlignmentOptions(boolean removeStress, String phoneTier, String silenceSymbol, boolean allowGaps) {
  private static final Pattern DIGITS = Pattern.compile("[0-9]");

  /** Checks that the tier name and the silence symbol are non-empty. */
  public AlignmentOptions {
    Objects.requireNonNull(phoneTier, "phoneTier");
    Objects.requireNonNull(silenceSymbol, "silenceSymbol");
    if (phoneTier.isEmpty() || silenceSymbol.isEmpty()) {
      throw new IllegalArgumentException("phoneTier and silenceSymbol must be non-empty");
    }
  }

  /** Stress removal on, tier {@code phones}, silence {@code sil}, gaps rejected. */
  public static AlignmentOptions defaults() {
    return new AlignmentOptions(true, "phones", "sil", false);
  }

  /** A copy with stress removal set. */
  public AlignmentOptions withRemoveStress(boolean value) {
    return new AlignmentOptions(value, phoneTier, silenceSymbol, allowGaps);
  }

  /** A copy with another TextGrid phone tier name. */
  public AlignmentOptions withPhoneTier(String value) {
    return new AlignmentOptions(removeStress, value, silenceSymbol, allowGaps);
  }

  /** A copy with another silence symbol. */
  public AlignmentOptions withSilenceSymbol(String value) {
    return new AlignmentOptions(removeStress, phoneTier, value, allowGaps);
  }

  /** A copy that accepts (or rejects) gaps. */
  public AlignmentOptions withAllowGaps(boolean value) {
    return new AlignmentOptions(removeStress, phoneTier, silenceSymbol, value);
  }

  /** The phone as stored: digits stripped when {@code removeStress}, otherwise unchanged. */
  public String normalizePhone(String phone) {
    return removeStress ? DIGITS.matcher(phone).replaceAll("") : phone;
  }
}
