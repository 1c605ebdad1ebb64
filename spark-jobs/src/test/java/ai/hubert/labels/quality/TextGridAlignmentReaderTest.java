package ai.hubert.labels.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextGridAlignmentReaderTest {
  /** Long (ooTextFile) format as Praat writes it: a word tier, then the phone tier "Phones". */
  private static final String LONG = """
      File type = "ooTextFile"
      Object class = "TextGrid"

      xmin = 0\s
      xmax = 0.3\s
      tiers? <exists>\s
      size = 2\s
      item []:\s
          item [1]:
              class = "IntervalTier"\s
              name = "words"\s
              xmin = 0\s
              xmax = 0.3\s
              intervals: size = 2\s
              intervals [1]:
                  xmin = 0\s
                  xmax = 0.1\s
                  text = ""\s
              intervals [2]:
                  xmin = 0.1\s
                  xmax = 0.3\s
                  text = "say ""hi""\"\s
          item [2]:
              class = "IntervalTier"\s
              name = "Phones"\s
              xmin = 0\s
              xmax = 0.3\s
              intervals: size = 3\s
              intervals [1]:
                  xmin = 0\s
                  xmax = 0.1\s
                  text = ""\s
              intervals [2]:
                  xmin = 0.1\s
                  xmax = 0.2\s
                  text = "EY1"\s
              intervals [3]:
                  xmin = 0.2\s
                  xmax = 0.3\s
                  text = " HH "\s
      """;

  /** Short format, with a point tier before the phone tier. */
  private static final String SHORT = """
      File type = "ooTextFile"
      Object class = "TextGrid"

      0
      0.25
      <exists>
      2
      "TextTier"
      "events"
      0
      0.25
      1
      0.12
      "click"
      "IntervalTier"
      "phones"
      0
      0.25
      2
      0
      0.05
      "AA2"
      0.05
      0.25
      "sil"
      """;

  private static Path write(Path dir, String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static AlignmentFormatException fails(Path dir, AlignmentOptions options) {
    return assertThrows(AlignmentFormatException.class, () -> TextGridAlignmentReader.read(dir, options));
  }

  @Test
  void readsLongAndShortFormats(@TempDir Path dir) throws IOException {
    write(dir, "utt-b.TextGrid", LONG);
    write(dir, "sub/utt-a.textgrid", SHORT);
    write(dir, "notes.txt", "not a TextGrid");
    PhoneAlignments a = TextGridAlignmentReader.read(dir);
    assertEquals(List.of("utt-a", "utt-b"), List.copyOf(a.utteranceIds()).stream().sorted().toList());
    assertEquals(List.of(new PhoneSegment(0, 0.1, "sil"), new PhoneSegment(0.1, 0.2, "EY"),
        new PhoneSegment(0.2, 0.3, "HH")), a.segments("utt-b"));
    assertEquals(List.of(new PhoneSegment(0, 0.05, "AA"), new PhoneSegment(0.05, 0.25, "sil")), a.segments("utt-a"));
  }

  @Test
  void tierNameSilenceAndStressAreConfigurable(@TempDir Path dir) throws IOException {
    write(dir, "u.TextGrid", LONG);
    AlignmentOptions options = AlignmentOptions.defaults().withPhoneTier("WORDS").withSilenceSymbol("<sil>")
        .withRemoveStress(false);
    assertEquals(List.of(new PhoneSegment(0, 0.1, "<sil>"), new PhoneSegment(0.1, 0.3, "say \"hi\"")),
        TextGridAlignmentReader.read(dir, options).segments("u"));
    assertEquals("EY1", TextGridAlignmentReader.read(dir, AlignmentOptions.defaults().withRemoveStress(false))
        .segments("u").get(1).phone());
  }

  @Test
  void readsUtf16WithByteOrderMark(@TempDir Path dir) throws IOException {
    Files.write(dir.resolve("u.TextGrid"), ("\uFEFF" + SHORT.replace("AA2", "ɑ")).getBytes(StandardCharsets.UTF_16BE));
    assertEquals("ɑ", TextGridAlignmentReader.read(dir).segments("u").get(0).phone());
  }

  @Test
  void rejectsMissingTier(@TempDir Path dir) throws IOException {
    Path file = write(dir, "u.TextGrid", LONG);
    AlignmentFormatException e = fails(dir, AlignmentOptions.defaults().withPhoneTier("segments"));
    assertEquals(file + ": utterance u: expected a tier named 'segments' (case-insensitive), found tiers 'words',"
        + " 'Phones'", e.getMessage());
    AlignmentFormatException point = fails(dir, AlignmentOptions.defaults().withPhoneTier("events"));
    assertTrue(point.getMessage().contains("found tiers 'words', 'Phones'"), point.getMessage());
    write(dir, "u.TextGrid", SHORT);
    AlignmentFormatException textTier = fails(dir, AlignmentOptions.defaults().withPhoneTier("Events"));
    assertEquals(file + ":8: utterance u: tier 'events' is a TextTier (points), expected an IntervalTier",
        textTier.getMessage());
  }

  @Test
  void rejectsOverlapsAndGapsWithTheirLine(@TempDir Path dir) throws IOException {
    Path file = write(dir, "u.TextGrid", LONG.replace("xmin = 0.2 ", "xmin = 0.15 "));
    AlignmentFormatException overlap = fails(dir, AlignmentOptions.defaults());
    assertEquals(38, overlap.line(), overlap.getMessage());
    assertTrue(overlap.getMessage().startsWith(file + ":38: utterance u: segment 'HH' [0.15, 0.3) s overlaps"),
        overlap.getMessage());
    write(dir, "u.TextGrid", SHORT.replace("0.05\n0.25\n\"sil\"", "0.06\n0.25\n\"sil\""));
    AlignmentFormatException gap = fails(dir, AlignmentOptions.defaults());
    assertTrue(gap.getMessage().startsWith(file + ":23: utterance u: segment 'sil' starts at 0.06 s, leaving a gap"
        + " of 10.000 ms"), gap.getMessage());
    assertEquals(List.of(new PhoneSegment(0, 0.05, "AA"), new PhoneSegment(0.05, 0.06, "sil"),
        new PhoneSegment(0.06, 0.25, "sil")),
        TextGridAlignmentReader.read(dir, AlignmentOptions.defaults().withAllowGaps(true)).segments("u"));
  }

  @Test
  void rejectsMalformedFiles(@TempDir Path dir) throws IOException {
    Path file = write(dir, "u.TextGrid", LONG.replace("xmax = 0.2 ", "xmax = 0.2x "));
    AlignmentFormatException number = fails(dir, AlignmentOptions.defaults());
    assertEquals(file + ":35: expected the interval xmax (a number), found '0.2x'", number.getMessage());

    write(dir, "u.TextGrid", LONG.replace("text = \"EY1\"", "text = EY1"));
    AlignmentFormatException string = fails(dir, AlignmentOptions.defaults());
    assertEquals(file + ":38: expected the interval text (a quoted string), found the number 0.2",
        string.getMessage());

    write(dir, "u.TextGrid", LONG.replace("text = \" HH \"", "text = \" HH "));
    AlignmentFormatException open = fails(dir, AlignmentOptions.defaults());
    assertEquals(file + ":40: expected a closing '\"' for the string starting here, found the end of the file",
        open.getMessage());

    write(dir, "u.TextGrid", LONG.replace("intervals: size = 3", "intervals: size = 4"));
    AlignmentFormatException truncated = fails(dir, AlignmentOptions.defaults());
    assertTrue(truncated.getMessage().contains("expected the interval xmin (a number), found the end of the file"),
        truncated.getMessage());

    write(dir, "u.TextGrid", LONG.replace("\"TextGrid\"", "\"Sound\""));
    assertEquals(file + ":2: expected the object class \"TextGrid\", found \"Sound\"",
        fails(dir, AlignmentOptions.defaults()).getMessage());

    Files.write(file, "ooBinaryFile\u0008TextGrid".getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(fails(dir, AlignmentOptions.defaults()).getMessage().contains("found the binary format ooBinaryFile"));

    Files.write(file, new byte[] {'"', (byte) 0xff, '"'});
    assertTrue(fails(dir, AlignmentOptions.defaults()).getMessage().contains("not valid UTF-8"));
  }

  @Test
  void rejectsDuplicateStemsAndEmptyFolders(@TempDir Path dir) throws IOException {
    AlignmentFormatException empty = fails(dir, AlignmentOptions.defaults());
    assertEquals(dir + ": expected *.TextGrid files under the folder, found none", empty.getMessage());
    AlignmentFormatException missing = fails(dir.resolve("nope"), AlignmentOptions.defaults());
    assertTrue(missing.getMessage().endsWith("expected a folder of *.TextGrid files, found nothing"));
    Path first = write(dir, "a/u.TextGrid", SHORT);
    Path second = write(dir, "b/u.TextGrid", SHORT);
    AlignmentFormatException duplicate = fails(dir, AlignmentOptions.defaults());
    assertEquals(second + ": utterance id u is also the stem of " + first + " (expected one TextGrid per utterance)",
        duplicate.getMessage());
  }
}
