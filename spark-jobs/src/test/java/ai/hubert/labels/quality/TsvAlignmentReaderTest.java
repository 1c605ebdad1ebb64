package ai.hubert.labels.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TsvAlignmentReaderTest {
  private static final String HEADER = "utt_id\tstart_s\tend_s\tphone\n";

  private static PhoneAlignments read(String text, AlignmentOptions options) throws IOException {
    return TsvAlignmentReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "a.tsv", options);
  }

  private static AlignmentFormatException fails(String text) {
    return fails(text, AlignmentOptions.defaults());
  }

  private static AlignmentFormatException fails(String text, AlignmentOptions options) {
    return assertThrows(AlignmentFormatException.class, () -> read(text, options));
  }

  private static void assertMessage(AlignmentFormatException e, int line, String... parts) {
    assertEquals(line, e.line(), e.getMessage());
    assertTrue(e.getMessage().startsWith("a.tsv:" + line + ": "), e.getMessage());
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
    }
  }

  @Test
  void readsSegmentsWithStressRemovedByDefault() throws IOException {
    String text = HEADER
        + "u1\t0.0\t0.1\tsil\r\n"
        + "u2\t0\t0.25\tAH0\n"
        + "u1\t0.1\t0.3\tIY1\n"
        + "u1\t0.3\t0.3\tT\n";
    PhoneAlignments a = read(text, AlignmentOptions.defaults());
    assertEquals(List.of("u1", "u2"), List.copyOf(a.utteranceIds()));
    assertEquals(List.of(new PhoneSegment(0, 0.1, "sil"), new PhoneSegment(0.1, 0.3, "IY"),
        new PhoneSegment(0.3, 0.3, "T")), a.segments("u1"));
    assertEquals(List.of(new PhoneSegment(0, 0.25, "AH")), a.segments("u2"));
    assertEquals(0.3, a.durationSeconds("u1"));
    PhoneAlignments kept = read(text, AlignmentOptions.defaults().withRemoveStress(false));
    assertEquals("IY1", kept.segments("u1").get(1).phone());
  }

  @Test
  void readsFromPath(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("al.tsv");
    Files.writeString(file, HEADER + "u1\t0\t0.5\tpau\n");
    assertEquals(1, TsvAlignmentReader.read(file).size());
    Files.writeString(file, HEADER + "u1\t0\tx\tpau\n");
    AlignmentFormatException e = assertThrows(AlignmentFormatException.class, () -> TsvAlignmentReader.read(file));
    assertTrue(e.getMessage().startsWith(file + ":2: "), e.getMessage());
  }

  @Test
  void rejectsBadHeader() {
    assertMessage(fails("utt\tstart\tend\tphone\nu1\t0\t1\ta\n"), 1,
        "expected the header 'utt_id\\tstart_s\\tend_s\\tphone'", "found 'utt\\tstart\\tend\\tphone'");
    assertMessage(fails(""), 1, "found an empty file");
  }

  @Test
  void rejectsWrongFieldCount() {
    assertMessage(fails(HEADER + "u1\t0\t0.1\ta\nu1\t0.1\t0.2\n"), 3, "expected 4 tab-separated fields", "found 3");
    assertMessage(fails(HEADER + "u1\t0\t0.1\ta\n\n"), 3, "found 1");
    assertMessage(fails(HEADER + "\t0\t0.1\ta\n"), 2, "expected an utterance id");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "NaN", "Infinity", "1e", "", "0x1p3", "1.0f"})
  void rejectsNonNumericTimes(String time) {
    assertMessage(fails(HEADER + "u1\t0\t0.1\ta\nu1\t0.1\t" + time + "\tb\n"), 3,
        "utterance u1: expected a number of seconds in end_s, found '" + time + "'");
    assertMessage(fails(HEADER + "u1\t" + time + "\t0.1\ta\n"), 2, "in start_s, found '" + time + "'");
  }

  @Test
  void rejectsNegativeTimesAndEndBeforeStart() {
    assertMessage(fails(HEADER + "u1\t-0.1\t0.1\ta\n"), 2, "expected start_s >= 0 s, found -0.1");
    assertMessage(fails(HEADER + "u1\t0\t0.2\ta\nu1\t0.2\t0.15\tb\n"), 3,
        "utterance u1: segment 'b' ends at 0.15 s, before its start 0.2 s");
  }

  @Test
  void rejectsOverlapsOfOneMillisecondOrMore() throws IOException {
    assertMessage(fails(HEADER + "u1\t0\t0.2\ta\nu1\t0.199\t0.3\tb\n"), 3,
        "utterance u1: segment 'b' [0.199, 0.3) s overlaps the previous segment 'a' [0.0, 0.2) s by 1.000 ms");
    PhoneAlignments tiny = read(HEADER + "u1\t0\t0.2\ta\nu1\t0.1995\t0.3\tb\n", AlignmentOptions.defaults());
    assertEquals(2, tiny.segments("u1").size());
  }

  @Test
  void rejectsGapsOfOneMillisecondOrMoreUnlessAllowed() throws IOException {
    String gap = HEADER + "u1\t0\t0.2\ta\nu1\t0.25\t0.3\tb\n";
    assertMessage(fails(gap), 3, "utterance u1: segment 'b' starts at 0.25 s, leaving a gap of 50.000 ms after the"
        + " previous end 0.2 s", "gaps are not allowed");
    assertMessage(fails(HEADER + "u1\t0.001\t0.2\ta\n"), 2, "leaving a gap of 1.000 ms after the utterance start 0 s");
    PhoneAlignments tiny = read(HEADER + "u1\t0.0009\t0.2\ta\nu1\t0.2009\t0.3\tb\n", AlignmentOptions.defaults());
    assertEquals(2, tiny.segments("u1").size());

    PhoneAlignments filled = read(gap, AlignmentOptions.defaults().withAllowGaps(true).withSilenceSymbol("SIL"));
    assertEquals(List.of(new PhoneSegment(0, 0.2, "a"), new PhoneSegment(0.2, 0.25, "SIL"),
        new PhoneSegment(0.25, 0.3, "b")), filled.segments("u1"));
    PhoneAlignments leading = read(HEADER + "u1\t0.05\t0.2\ta\n", AlignmentOptions.defaults().withAllowGaps(true));
    assertEquals(List.of(new PhoneSegment(0, 0.05, "sil"), new PhoneSegment(0.05, 0.2, "a")),
        leading.segments("u1"));
  }

  @Test
  void rejectsEmptyPhones() {
    assertMessage(fails(HEADER + "u1\t0\t0.2\t \n"), 2, "utterance u1: expected a phone, found ' '");
    assertMessage(fails(HEADER + "u1\t0\t0.2\t1\n"), 2, "found '1' (empty after stress removal)");
  }
}
