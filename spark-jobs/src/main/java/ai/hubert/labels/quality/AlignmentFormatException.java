package ai.hubert.labels.quality;

import java.io.IOException;

/**
 * A phone-alignment file that does not follow its format: the message names the file, the line (when
 * known), the utterance (when known), what was expected and what was found.
 */
public final class AlignmentFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;

  /**
   * @param source the file (or stream name) being read
   * @param line 1-based line number, or 0 when the problem is not tied to a line
   * @param detail what was expected and what was found
   */
  public AlignmentFormatException(String source, int line, String detail) {
    super(source + (line > 0 ? ":" + line : "") + ": " + detail);
    this.source = source;
    this.line = line;
  }

  /** The file (or stream name) being read. */
  public String source() {
    return source;
  }

  /** The 1-based line number, or 0 when the problem is not tied to one line. */
  public int line() {
    return line;
  }
}
