package ai.hubert.training.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser for the YAML subset the pre-training configs use (no YAML library is on the spark-jobs
 * classpath): block mappings indented with spaces, {@code #} comments, plain / single-quoted / double-quoted
 * scalars, flow sequences of scalars ({@code [0.0005]}, {@code [10,]}) and block sequences of scalars
 * ({@code - item}). Anchors, aliases, tags, flow mappings, multi-line strings and multiple documents are rejected
 * with the line that uses them. Every node keeps its 1-based line for error messages.
 */
public final class YamlSubset {

    /** A parsed node: a {@link Map} of child nodes, a {@link List} of nodes, or a {@link Scalar}. */
    public record Node(int line, Object value) {
        public boolean isMap() {
            return value instanceof Map;
        }

        public boolean isList() {
            return value instanceof List;
        }

        @SuppressWarnings("unchecked")
        public Map<String, Node> map() {
            return (Map<String, Node>) value;
        }

        @SuppressWarnings("unchecked")
        public List<Node> list() {
            return (List<Node>) value;
        }

        public Scalar scalar() {
            return (Scalar) value;
        }

        /** How the node looks in an error message. */
        public String describe() {
            if (isMap()) {
                return "a mapping";
            }
            if (isList()) {
                List<String> items = new ArrayList<>();
                for (Node n : list()) {
                    items.add(n.describe());
                }
                return "[" + String.join(", ", items) + "]";
            }
            Scalar s = scalar();
            return s.isNull() ? "nothing (null)" : "'" + s.text() + "'";
        }
    }

    /** A scalar's text; {@code quoted} scalars are always strings. */
    public record Scalar(String text, boolean quoted) {
        public boolean isNull() {
            return !quoted && (text.isEmpty() || text.equals("null") || text.equals("~"));
        }
    }

    private final String source;
    private final List<String> lines = new ArrayList<>();
    private final List<Integer> lineNumbers = new ArrayList<>();
    private final List<Integer> indents = new ArrayList<>();
    private int pos;

    private YamlSubset(String source, String text) {
        this.source = source;
        String[] raw = text.split("\r?\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String content = stripComment(raw[i], i + 1);
            if (content.isBlank()) {
                continue;
            }
            int indent = 0;
            while (indent < content.length() && content.charAt(indent) == ' ') {
                indent++;
            }
            if (content.charAt(indent) == '\t') {
                throw error(i + 1, "indentation with spaces, found a tab");
            }
            String body = content.substring(indent).stripTrailing();
            if (body.equals("---") || body.equals("...")) {
                throw error(i + 1, "a single YAML document without '---' / '...' markers, found '" + body + "'");
            }
            lines.add(body);
            lineNumbers.add(i + 1);
            indents.add(indent);
        }
    }

    /**
     * Parses a document whose root is a mapping (an empty document is an empty mapping).
     *
     * @param source file name for error messages
     * @param text the YAML text
     */
    public static Node parse(String source, String text) {
        YamlSubset p = new YamlSubset(source, text);
        if (p.lines.isEmpty()) {
            return new Node(1, new LinkedHashMap<String, Node>());
        }
        if (p.indents.get(0) != 0) {
            throw p.error(p.lineNumbers.get(0), "the top-level mapping to start in column 1, found indentation");
        }
        if (p.lines.get(0).startsWith("- ") || p.lines.get(0).equals("-")) {
            throw p.error(p.lineNumbers.get(0), "a mapping at the top level, found a sequence");
        }
        Node root = p.parseMapping(0);
        if (p.pos < p.lines.size()) {
            throw p.error(p.lineNumbers.get(p.pos), "a key indented like its siblings, found inconsistent indentation");
        }
        return root;
    }

    /**
     * Parses one value as written after {@code key:} (used for {@code path=value} overrides).
     *
     * @param source where the value comes from, for error messages
     */
    static Node parseValue(String source, String text) {
        return new YamlSubset(source, "").inlineValue(text.strip(), 0);
    }

    private Node parseMapping(int indent) {
        int startLine = lineNumbers.get(pos);
        Map<String, Node> map = new LinkedHashMap<>();
        while (pos < lines.size() && indents.get(pos) == indent) {
            String body = lines.get(pos);
            int line = lineNumbers.get(pos);
            if (body.startsWith("- ") || body.equals("-")) {
                throw error(line, "a 'key: value' entry, found a sequence item among mapping keys");
            }
            int colon = keyColon(body);
            if (colon < 0) {
                throw error(line, "a 'key: value' entry, found '" + body + "'");
            }
            String key = unquoteKey(body.substring(0, colon).strip(), line);
            String rest = body.substring(colon + 1).strip();
            if (map.containsKey(key)) {
                throw error(line, "each key once per mapping, found '" + key + "' again (first on line "
                        + map.get(key).line() + ")");
            }
            pos++;
            Node value;
            if (!rest.isEmpty()) {
                value = inlineValue(rest, line);
            } else if (pos < lines.size() && indents.get(pos) > indent) {
                int childIndent = indents.get(pos);
                String first = lines.get(pos);
                value = first.startsWith("- ") || first.equals("-") ? parseSequence(childIndent)
                        : parseMapping(childIndent);
            } else if (pos < lines.size() && indents.get(pos) == indent
                    && (lines.get(pos).startsWith("- ") || lines.get(pos).equals("-"))) {
                value = parseSequence(indent);
            } else {
                value = new Node(line, new Scalar("", false));
            }
            map.put(key, value);
        }
        if (pos < lines.size() && indents.get(pos) > indent) {
            throw error(lineNumbers.get(pos), "indentation of " + indent + " spaces or less, found "
                    + indents.get(pos));
        }
        return new Node(startLine, map);
    }

    private Node parseSequence(int indent) {
        int startLine = lineNumbers.get(pos);
        List<Node> items = new ArrayList<>();
        while (pos < lines.size() && indents.get(pos) == indent
                && (lines.get(pos).startsWith("- ") || lines.get(pos).equals("-"))) {
            String item = lines.get(pos).substring(1).strip();
            int line = lineNumbers.get(pos);
            if (keyColon(item) >= 0) {
                throw error(line, "scalar sequence items, found a mapping item '" + item + "'");
            }
            pos++;
            if (pos < lines.size() && indents.get(pos) > indent) {
                throw error(lineNumbers.get(pos), "scalar sequence items, found a nested block");
            }
            items.add(inlineValue(item, line));
        }
        return new Node(startLine, Collections.unmodifiableList(items));
    }

    private Node inlineValue(String text, int line) {
        if (text.isEmpty()) {
            return new Node(line, new Scalar("", false));
        }
        char c = text.charAt(0);
        if (c == '[') {
            if (!text.endsWith("]")) {
                throw error(line, "a flow sequence closed on the same line, found '" + text + "'");
            }
            List<Node> items = new ArrayList<>();
            List<String> parts = splitFlow(text.substring(1, text.length() - 1), line);
            for (int i = 0; i < parts.size(); i++) {
                String part = parts.get(i).strip();
                if (part.isEmpty()) {
                    if (i == parts.size() - 1 && i > 0) {
                        break; // trailing comma, as in fairseq's [10,]
                    }
                    if (parts.size() == 1) {
                        break; // []
                    }
                    throw error(line, "a value between commas, found an empty item in '" + text + "'");
                }
                if (part.startsWith("[") || part.startsWith("{")) {
                    throw error(line, "scalars inside a flow sequence, found '" + part + "'");
                }
                items.add(inlineValue(part, line));
            }
            return new Node(line, Collections.unmodifiableList(items));
        }
        if (c == '{') {
            throw error(line, "block mappings (flow mappings '{...}' are not supported), found '" + text + "'");
        }
        if (c == '&' || c == '*' || c == '!' || c == '|' || c == '>' || c == '@' || c == '`') {
            throw error(line, "a plain or quoted scalar (anchors, aliases, tags and block scalars are not "
                    + "supported), found '" + text + "'");
        }
        if (c == '\'' || c == '"') {
            int end = closingQuote(text, 0, line);
            if (end != text.length() - 1) {
                throw error(line, "nothing after the closing quote, found '" + text + "'");
            }
            return new Node(line, new Scalar(unquote(text, line), true));
        }
        return new Node(line, new Scalar(text, false));
    }

    private List<String> splitFlow(String inner, int line) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        int depth = 0;
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '\'' || c == '"') {
                i = closingQuote(inner, i, line);
            } else if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(inner.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(inner.substring(start));
        return parts;
    }

    private int closingQuote(String text, int open, int line) {
        char q = text.charAt(open);
        for (int i = open + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (q == '"' && c == '\\') {
                i++;
            } else if (c == q) {
                if (q == '\'' && i + 1 < text.length() && text.charAt(i + 1) == '\'') {
                    i++;
                } else {
                    return i;
                }
            }
        }
        throw error(line, "a closing " + q + " quote, found none in '" + text + "'");
    }

    private String unquote(String text, int line) {
        String inner = text.substring(1, text.length() - 1);
        if (text.charAt(0) == '\'') {
            return inner.replace("''", "'");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char n = inner.charAt(++i);
            switch (n) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case '\\', '"', '/' -> sb.append(n);
                default -> throw error(line, "a supported escape (\\n \\t \\\\ \\\" \\/), found '\\" + n + "'");
            }
        }
        return sb.toString();
    }

    private String unquoteKey(String key, int line) {
        if (key.isEmpty()) {
            throw error(line, "a key before ':', found none");
        }
        if (key.charAt(0) == '\'' || key.charAt(0) == '"') {
            return unquote(key, line);
        }
        return key;
    }

    /** Index of the ':' that ends a mapping key ({@code ': '} or ':' at the end), outside quotes; -1 if none. */
    private int keyColon(String body) {
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if ((c == '\'' || c == '"') && i == 0) {
                int end = body.indexOf(c, 1);
                if (end < 0) {
                    return -1;
                }
                i = end;
            } else if (c == '[' || c == '{') {
                return -1;
            } else if (c == ':' && (i + 1 == body.length() || body.charAt(i + 1) == ' ')) {
                return i;
            }
        }
        return -1;
    }

    private String stripComment(String line, int lineNo) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (quote == '"' && c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                if (i == 0 || " [,:-".indexOf(line.charAt(i - 1)) >= 0) {
                    quote = c;
                }
            } else if (c == '#' && (i == 0 || line.charAt(i - 1) == ' ' || line.charAt(i - 1) == '\t')) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private ConfigException error(int line, String detail) {
        return new ConfigException(source, line, "", "expected " + detail);
    }
}
