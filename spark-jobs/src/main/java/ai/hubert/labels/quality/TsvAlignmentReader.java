package ai.hubert.labels.quality;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads phone alignments from a TSV file with the header {@code utt_id<TAB>start_s<TAB>end_s<TAB>phone}
 * and one row per segment (the format of the bundled {@code data/sample-corpus/alignments.tsv}). Rows of an
 * utterance must be in time order (other utterances' rows may come between them). Every line, including
 * the last, must have exactly four fields; a trailing {@code \r} is ignored.
 */
public final class TsvAlignmentReader {
  /** The required header line. */
  public static final String HEADER = "utt_id\tstart_s\tend_s\tphone";

  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private TsvAlignmentReader() {}

  /** Reads a file with {@link AlignmentOptions#defaults()}. */
  public static PhoneAlignments read(Path path) throws IOException {
    return read(path, AlignmentOptions.defaults());
  }

  /** Reads a file. */
  public static PhoneAlignments read(Path path, AlignmentOptions options) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return read(in, path.toString(), options);
    }
  }

  /**
   * Reads UTF-8 text from a stream (not closed).
   *
   * @param sourceName the name used in error messages (e.g. the resource path)
   */
  public static PhoneAlignments read(InputStream in, String sourceName, AlignmentOptions options)
      throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String header = reader.readLine();
    if (header == null) {
      throw new AlignmentFormatException(sourceName, 1, "expected the header '" + visible(HEADER)
          + "', found an empty file");
    }
    header = stripCr(header);
    if (header.startsWith("\uFEFF")) {
      header = header.substring(1);
    }
    if (!header.equals(HEADER)) {
      throw new AlignmentFormatException(sourceName, 1,
          "expected the header '" + visible(HEADER) + "', found '" + visible(header) + "'");
    }
    String silence = options.allowGaps() ? options.silenceSymbol() : null;
    Map<String, SegmentSequence> sequences = new LinkedHashMap<>();
    int lineNo = 1;
    String line;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      line = stripCr(line);
      String[] fields = line.split("\t", -1);
      if (fields.length != 4) {
        throw new AlignmentFormatException(sourceName, lineNo,
            "expected 4 tab-separated fields (utt_id, start_s, end_s, phone), found " + fields.length
                + ": '" + visible(line) + "'");
      }
      String utt = fields[0];
      if (utt.isEmpty()) {
        throw new AlignmentFormatException(sourceName, lineNo, "expected an utterance id, found an empty field");
      }
      double start = parseTime(fields[1], "start_s", utt, sourceName, lineNo);
      double end = parseTime(fields[2], "end_s", utt, sourceName, lineNo);
      String phone = options.normalizePhone(fields[3].strip());
      if (phone.isEmpty()) {
        throw new AlignmentFormatException(sourceName, lineNo, "utterance " + utt + ": expected a phone, found '"
            + fields[3] + "'" + (fields[3].isBlank() ? "" : " (empty after stress removal)"));
      }
      String error = sequences.computeIfAbsent(utt, SegmentSequence::new).append(start, end, phone, silence);
      if (error != null) {
        throw new AlignmentFormatException(sourceName, lineNo, error);
      }
    }
    Map<String, List<PhoneSegment>> segments = new LinkedHashMap<>();
    sequences.forEach((utt, sequence) -> segments.put(utt, sequence.segments()));
    return new PhoneAlignments(segments);
  }

  private static double parseTime(String text, String column, String utt, String source, int line)
      throws AlignmentFormatException {
    double value;
    try {
      if (!DECIMAL.matcher(text).matches()) {
        throw new NumberFormatException();
      }
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new AlignmentFormatException(source, line,
          "utterance " + utt + ": expected a number of seconds in " + column + ", found '" + text + "'");
    }
    if (value < 0 || !Double.isFinite(value)) {
      throw new AlignmentFormatException(source, line,
          "utterance " + utt + ": expected " + column + " >= 0 s, found " + text);
    }
    return value;
  }

  private static String stripCr(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private static String visible(String text) {
    return text.replace("\t", "\\t");
  }
}
