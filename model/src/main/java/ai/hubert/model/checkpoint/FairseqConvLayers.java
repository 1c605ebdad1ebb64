package ai.hubert.model.checkpoint;

import ai.hubert.model.config.ConvLayerSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Parser of fairseq's {@code conv_feature_layers} string, a Python expression that fairseq {@code eval}s: list
 * literals of {@code (dim, kernel, stride)} tuples joined by {@code +}, each optionally repeated with
 * {@code * n} (or {@code n *}), e.g. {@code "[(512, 10, 5)] + [(512, 3, 2)] * 4 + [(512,2,2)] * 2"}.
 */
public final class FairseqConvLayers {

    private final String text;
    private int pos;

    private FairseqConvLayers(String text) {
        this.text = text;
    }

    /**
     * Parses {@code expression}.
     *
     * @throws IllegalArgumentException naming the position and what was expected there
     */
    public static List<ConvLayerSpec> parse(String expression) {
        FairseqConvLayers p = new FairseqConvLayers(expression);
        List<ConvLayerSpec> out = p.sum();
        p.skipSpace();
        if (p.pos != expression.length()) {
            throw p.error("end of expression");
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("conv_feature_layers '" + expression
                    + "': expected at least one layer, found none");
        }
        return out;
    }

    private List<ConvLayerSpec> sum() {
        List<ConvLayerSpec> out = new ArrayList<>(product());
        while (accept('+')) {
            out.addAll(product());
        }
        return out;
    }

    private List<ConvLayerSpec> product() {
        skipSpace();
        int repeat = 1;
        if (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            repeat = integer();
            expect('*');
        }
        List<ConvLayerSpec> list = list();
        while (accept('*')) {
            repeat *= integer();
        }
        List<ConvLayerSpec> out = new ArrayList<>();
        for (int i = 0; i < repeat; i++) {
            out.addAll(list);
        }
        return out;
    }

    private List<ConvLayerSpec> list() {
        expect('[');
        List<ConvLayerSpec> out = new ArrayList<>();
        if (accept(']')) {
            return out;
        }
        do {
            skipSpace();
            if (pos < text.length() && text.charAt(pos) == ']') {
                break; // trailing comma
            }
            out.add(tuple());
        } while (accept(','));
        expect(']');
        return out;
    }

    private ConvLayerSpec tuple() {
        expect('(');
        int dim = integer();
        expect(',');
        int kernel = integer();
        expect(',');
        int stride = integer();
        accept(',');
        expect(')');
        return new ConvLayerSpec(dim, kernel, stride);
    }

    private int integer() {
        skipSpace();
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw error("an integer");
        }
        return Integer.parseInt(text.substring(start, pos));
    }

    private boolean accept(char c) {
        skipSpace();
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!accept(c)) {
            throw error("'" + c + "'");
        }
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String expected) {
        return new IllegalArgumentException("conv_feature_layers '" + text + "': expected " + expected
                + " at position " + pos + ", found " + (pos < text.length() ? "'" + text.charAt(pos) + "'" : "end"));
    }
}
