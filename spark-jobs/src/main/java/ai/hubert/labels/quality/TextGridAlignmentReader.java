package ai.hubert.labels.quality;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads phone alignments from a folder of Praat TextGrid files: every file named {@code *.TextGrid}
 * (extension case-insensitive) anywhere under the folder is one utterance, its id the file name without the
 * extension. Text TextGrids in the long (ooTextFile) or short format, UTF-8 or UTF-16 with a byte-order
 * mark, are read; the binary format is rejected. The phone tier is the interval tier whose name equals
 * {@link AlignmentOptions#phoneTier()} ignoring case; an interval with empty (or blank) text becomes
 * {@link AlignmentOptions#silenceSymbol()}, other texts are stripped and stress-normalized.
 */
public final class TextGridAlignmentReader {
  private TextGridAlignmentReader() {}

  /** Reads every TextGrid under {@code dir} with {@link AlignmentOptions#defaults()}. */
  public static PhoneAlignments read(Path dir) throws IOException {
    return read(dir, AlignmentOptions.defaults());
  }

  /** Reads every TextGrid under {@code dir}, in sorted path order. */
  public static PhoneAlignments read(Path dir, AlignmentOptions options) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new AlignmentFormatException(dir.toString(), 0, "expected a folder of *.TextGrid files, found "
          + (Files.exists(dir) ? "a file" : "nothing"));
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".textgrid"))
          .sorted()
          .collect(Collectors.toList());
    }
    if (files.isEmpty()) {
      throw new AlignmentFormatException(dir.toString(), 0, "expected *.TextGrid files under the folder, found none");
    }
    Map<String, List<PhoneSegment>> segments = new LinkedHashMap<>();
    Map<String, Path> origin = new LinkedHashMap<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      String utt = name.substring(0, name.length() - ".TextGrid".length());
      Path previous = origin.putIfAbsent(utt, file);
      if (previous != null) {
        throw new AlignmentFormatException(file.toString(), 0, "utterance id " + utt
            + " is also the stem of " + previous + " (expected one TextGrid per utterance)");
      }
      segments.put(utt, readFile(file, utt, options));
    }
    return new PhoneAlignments(segments);
  }

  private static List<PhoneSegment> readFile(Path file, String utt, AlignmentOptions options) throws IOException {
    String source = file.toString();
    TextGridTokens tokens = TextGridTokens.scan(decode(Files.readAllBytes(file), source), source);
    String fileType = tokens.string("the file type \"ooTextFile\"");
    if (!fileType.equals("ooTextFile")) {
      throw new AlignmentFormatException(source, 1, "expected the file type \"ooTextFile\", found \""
          + fileType + "\"");
    }
    int classLine = tokens.line();
    String objectClass = tokens.string("the object class \"TextGrid\"");
    if (!objectClass.equals("TextGrid")) {
      throw new AlignmentFormatException(source, classLine, "expected the object class \"TextGrid\", found \""
          + objectClass + "\"");
    }
    tokens.number("the TextGrid xmin");
    tokens.number("the TextGrid xmax");
    String tiersFlag = tokens.next(TextGridTokens.Kind.FLAG, "<exists> or <absent>").text();
    int tierCount = tiersFlag.equals("<exists>") ? tokens.count("the number of tiers") : 0;

    List<String> tierNames = new ArrayList<>();
    List<PhoneSegment> phones = null;
    int phonesLine = 0;
    for (int tier = 0; tier < tierCount; tier++) {
      int tierLine = tokens.line();
      String tierClass = tokens.string("a tier class (\"IntervalTier\" or \"TextTier\")");
      String tierName = tokens.string("the tier name");
      tierNames.add(tierName);
      tokens.number("the tier xmin");
      tokens.number("the tier xmax");
      int size = tokens.count("the number of intervals or points");
      boolean wanted = tierName.equalsIgnoreCase(options.phoneTier());
      if (wanted && phones != null) {
        throw new AlignmentFormatException(source, tierLine, "utterance " + utt + ": expected one tier named '"
            + options.phoneTier() + "' (case-insensitive), found a second one (the first is at line "
            + phonesLine + ")");
      }
      switch (tierClass) {
        case "IntervalTier" -> {
          SegmentSequence sequence = new SegmentSequence(utt);
          for (int k = 0; k < size; k++) {
            int line = tokens.line();
            double start = tokens.number("the interval xmin");
            double end = tokens.number("the interval xmax");
            String text = tokens.string("the interval text");
            if (wanted) {
              String phone = phone(text, options, source, line, utt);
              String error = sequence.append(start, end, phone, options.allowGaps() ? options.silenceSymbol() : null);
              if (error != null) {
                throw new AlignmentFormatException(source, line, error);
              }
            }
          }
          if (wanted) {
            if (size == 0) {
              throw new AlignmentFormatException(source, tierLine, "utterance " + utt + ": tier '" + tierName
                  + "' has no intervals (expected at least one)");
            }
            phones = sequence.segments();
            phonesLine = tierLine;
          }
        }
        case "TextTier" -> {
          if (wanted) {
            throw new AlignmentFormatException(source, tierLine, "utterance " + utt + ": tier '" + tierName
                + "' is a TextTier (points), expected an IntervalTier");
          }
          for (int k = 0; k < size; k++) {
            tokens.number("the point time");
            tokens.string("the point mark");
          }
        }
        default -> throw new AlignmentFormatException(source, tierLine, "expected a tier class \"IntervalTier\""
            + " or \"TextTier\", found \"" + tierClass + "\"");
      }
    }
    if (phones == null) {
      throw new AlignmentFormatException(source, 0, "utterance " + utt + ": expected a tier named '"
          + options.phoneTier() + "' (case-insensitive), found "
          + (tierNames.isEmpty() ? "no tiers" : "tiers " + tierNames.stream().map(s -> "'" + s + "'")
              .collect(Collectors.joining(", "))));
    }
    return phones;
  }

  private static String phone(String text, AlignmentOptions options, String source, int line, String utt)
      throws AlignmentFormatException {
    String stripped = text.strip();
    if (stripped.isEmpty()) {
      return options.silenceSymbol();
    }
    String phone = options.normalizePhone(stripped);
    if (phone.isEmpty()) {
      throw new AlignmentFormatException(source, line, "utterance " + utt + ": expected a phone, found \""
          + text + "\" (empty after stress removal)");
    }
    return phone;
  }

  private static String decode(byte[] bytes, String source) throws AlignmentFormatException {
    Charset charset = StandardCharsets.UTF_8;
    int offset = 0;
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xff) == 0xff) {
      charset = StandardCharsets.UTF_16BE;
      offset = 2;
    } else if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xfe) {
      charset = StandardCharsets.UTF_16LE;
      offset = 2;
    } else if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
        && (bytes[2] & 0xff) == 0xbf) {
      offset = 3;
    }
    if (charset == StandardCharsets.UTF_8 && new String(bytes, 0, Math.min(bytes.length, 12),
        StandardCharsets.ISO_8859_1).startsWith("ooBinaryFile")) {
      throw new AlignmentFormatException(source, 1, "expected a text TextGrid (\"ooTextFile\"), found the binary"
          + " format ooBinaryFile (save it as a text file in Praat)");
    }
    try {
      return charset.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset))
          .toString();
    } catch (CharacterCodingException e) {
      throw new AlignmentFormatException(source, 0, "expected UTF-8 text or UTF-16 with a byte-order mark, found"
          + " bytes that are not valid " + charset.name());
    }
  }
}
