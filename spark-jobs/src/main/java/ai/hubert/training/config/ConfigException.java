package ai.hubert.training.config;

/**
 * An invalid pre-training configuration: names the file (when known), the line (when known), the field path
 * ({@code section.field}) and what was expected versus what was found.
 */
public final class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String path;
    private final String detail;

    public ConfigException(String source, int line, String path, String detail) {
        super(format(source, line, path, detail));
        this.source = source;
        this.line = line;
        this.path = path;
        this.detail = detail;
    }

    /** An error about one field, not yet tied to a file. */
    static ConfigException field(String path, String expected, Object found) {
        return new ConfigException(null, 0, path, "expected " + expected + ", found " + found);
    }

    /** This error located in {@code source} at {@code line} (0: unknown line). */
    ConfigException at(String newSource, int newLine) {
        return new ConfigException(newSource, newLine > 0 ? newLine : line, path, detail);
    }

    private static String format(String source, int line, String path, String detail) {
        StringBuilder sb = new StringBuilder();
        if (source != null) {
            sb.append(source);
            if (line > 0) {
                sb.append(':').append(line);
            }
            sb.append(": ");
        }
        if (path != null && !path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(detail).toString();
    }

    /** The file (or {@code "override"}) the error is in; null when not tied to a file. */
    public String source() {
        return source;
    }

    /** 1-based line of the offending field; 0 when unknown (missing field, builder use). */
    public int line() {
        return line;
    }

    /** Dotted field path, e.g. {@code optimization.lr}; empty for file-level errors. */
    public String path() {
        return path;
    }

    /** What was expected and what was found. */
    public String detail() {
        return detail;
    }
}
