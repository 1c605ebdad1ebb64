package ai.hubert.labels.quality;

import java.util.ArrayList;
import java.util.List;

/**
 * The value tokens of a Praat text file, long ({@code xmin = 0}, {@code intervals [1]:}) or short format:
 * quoted strings ({@code ""} inside a string is one quote), numbers and {@code <flags>}. Labels, indices
 * in square brackets, punctuation and {@code !} comments are skipped, so both formats yield the same
 * sequence. Each token remembers its 1-based line for error messages.
 */
final class TextGridTokens {
  enum Kind { STRING, NUMBER, FLAG }

  record Token(Kind kind, String text, int line) {}

  private final String source;
  private final List<Token> tokens;
  private int next;

  private TextGridTokens(String source, List<Token> tokens) {
    this.source = source;
    this.tokens = tokens;
  }

  static TextGridTokens scan(String text, String source) throws AlignmentFormatException {
    List<Token> tokens = new ArrayList<>();
    int line = 1;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        i++;
      } else if (c == '"') {
        int startLine = line;
        StringBuilder value = new StringBuilder();
        i++;
        while (true) {
          if (i >= n) {
            throw new AlignmentFormatException(source, startLine, "expected a closing '\"' for the string"
                + " starting here, found the end of the file");
          }
          char d = text.charAt(i);
          if (d == '"') {
            if (i + 1 < n && text.charAt(i + 1) == '"') {
              value.append('"');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (d == '\n') {
            line++;
          }
          value.append(d);
          i++;
        }
        tokens.add(new Token(Kind.STRING, value.toString(), startLine));
      } else if (c == '!') {
        while (i < n && text.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '[') {
        while (i < n && text.charAt(i) != ']' && text.charAt(i) != '\n') {
          i++;
        }
        i++;
      } else if (c == '<') {
        int end = i;
        while (end < n && text.charAt(end) != '>' && text.charAt(end) != '\n') {
          end++;
        }
        tokens.add(new Token(Kind.FLAG, text.substring(i, Math.min(end + 1, n)), line));
        i = end + 1;
      } else if (Character.isDigit(c) || ((c == '-' || c == '+' || c == '.') && i + 1 < n
          && (Character.isDigit(text.charAt(i + 1)) || text.charAt(i + 1) == '.'))) {
        int end = i + 1;
        while (end < n && !Character.isWhitespace(text.charAt(end))) {
          end++;
        }
        tokens.add(new Token(Kind.NUMBER, text.substring(i, end), line));
        i = end;
      } else if (Character.isLetter(c) || c == '_') {
        while (i < n && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_'
            || text.charAt(i) == '?')) {
          i++;
        }
      } else {
        i++;
      }
    }
    return new TextGridTokens(source, tokens);
  }

  /** Line of the next token, or of the last token when none is left. */
  int line() {
    if (tokens.isEmpty()) {
      return 1;
    }
    return tokens.get(Math.min(next, tokens.size() - 1)).line();
  }

  Token next(Kind kind, String what) throws AlignmentFormatException {
    if (next >= tokens.size()) {
      throw new AlignmentFormatException(source, line(), "expected " + what + ", found the end of the file");
    }
    Token token = tokens.get(next);
    if (token.kind() != kind) {
      throw new AlignmentFormatException(source, token.line(), "expected " + what + ", found "
          + describe(token));
    }
    next++;
    return token;
  }

  String string(String what) throws AlignmentFormatException {
    return next(Kind.STRING, what + " (a quoted string)").text();
  }

  double number(String what) throws AlignmentFormatException {
    Token token = next(Kind.NUMBER, what + " (a number)");
    try {
      double value = Double.parseDouble(token.text());
      if (Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new AlignmentFormatException(source, token.line(), "expected " + what + " (a number), found '"
        + token.text() + "'");
  }

  int count(String what) throws AlignmentFormatException {
    int line = line();
    double value = number(what);
    if (value < 0 || value != Math.rint(value) || value > Integer.MAX_VALUE) {
      throw new AlignmentFormatException(source, line, "expected " + what + " (a whole number >= 0), found "
          + value);
    }
    return (int) value;
  }

  private static String describe(Token token) {
    return switch (token.kind()) {
      case STRING -> "the string \"" + token.text() + "\"";
      case NUMBER -> "the number " + token.text();
      case FLAG -> "the flag " + token.text();
    };
  }
}
