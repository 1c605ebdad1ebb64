package ai.hubert.labels.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PhoneAlignmentsTest {
  private static PhoneAlignments one(PhoneSegment... segments) {
    Map<String, List<PhoneSegment>> map = new LinkedHashMap<>();
    map.put("u", List.of(segments));
    return PhoneAlignments.of(map);
  }

  @Test
  void frameGrids() {
    FrameGrid mfcc = FrameGrid.MFCC_100HZ;
    assertEquals(100.0, mfcc.frameRateHz());
    assertEquals(0, mfcc.numFrames(399));
    assertEquals(1, mfcc.numFrames(400));
    assertEquals(1, mfcc.numFrames(559));
    assertEquals(2, mfcc.numFrames(560));
    assertEquals(269, mfcc.numFrames(43405)); // 1 + floor(43005 / 160)
    assertEquals(0.0125, mfcc.centreSeconds(0)); // (160*0 + 200) / 16000
    assertEquals(0.0225, mfcc.centreSeconds(1), 1e-15);
    FrameGrid conv = FrameGrid.CONV_50HZ;
    assertEquals(50.0, conv.frameRateHz());
    assertEquals(135, conv.numFrames(43405)); // 1 + floor(43005 / 320)
    assertEquals(0.0325, conv.centreSeconds(1), 1e-15); // (320 + 200) / 16000
  }

  @Test
  void framesTakeThePhoneAtTheirCentre() {
    // centres 0.0125, 0.0225, 0.0325, 0.0425, ...; "b" starts exactly on frame 2's centre
    PhoneAlignments a = one(new PhoneSegment(0, 0.0325, "a"), new PhoneSegment(0.0325, 0.05, "b"),
        new PhoneSegment(0.05, 0.0505, "z"), new PhoneSegment(0.0505, 0.075, "c"));
    // N = 0.075 * 16000 = 1200 -> T = 1 + floor(800 / 160) = 6; "z" (0.5 ms) covers no centre
    assertEquals(6, a.numFrames("u", FrameGrid.MFCC_100HZ));
    assertArrayEquals(new String[] {"a", "a", "b", "b", "c", "c"}, a.phoneFrames("u", FrameGrid.MFCC_100HZ));
    // centre of frame 6 is 0.0725 < 0.075: 7 frames covered; more requested frames repeat the last phone
    assertEquals(7, a.coveredFrames("u", FrameGrid.MFCC_100HZ));
    assertArrayEquals(new String[] {"a", "a", "b", "b", "c", "c", "c", "c"},
        a.phoneFrames("u", FrameGrid.MFCC_100HZ, 8));
    assertArrayEquals(new String[] {"a", "a"}, a.phoneFrames("u", FrameGrid.MFCC_100HZ, 2));
    // 50 Hz centres 0.0125, 0.0325, 0.0525
    assertArrayEquals(new String[] {"a", "b", "c"}, a.phoneFrames("u", FrameGrid.CONV_50HZ, 3));
  }

  @Test
  void subMillisecondGapsBelongToThePreviousSegment() {
    PhoneAlignments a = one(new PhoneSegment(0, 0.0220, "a"), new PhoneSegment(0.0229, 0.05, "b"));
    // frame 1's centre 0.0225 falls in the 0.9 ms gap: it keeps "a"
    assertArrayEquals(new String[] {"a", "a", "b"}, a.phoneFrames("u", FrameGrid.MFCC_100HZ, 3));
  }

  @Test
  void ofValidatesEveryUtterance() {
    IllegalArgumentException gap = assertThrows(IllegalArgumentException.class,
        () -> one(new PhoneSegment(0, 0.1, "a"), new PhoneSegment(0.2, 0.3, "b")));
    assertTrue(gap.getMessage().startsWith("utterance u: segment 'b' starts at 0.2 s, leaving a gap of 100.000 ms"),
        gap.getMessage());
    IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
        () -> one(new PhoneSegment(0, 0.1, "a"), new PhoneSegment(0.05, 0.3, "b")));
    assertTrue(overlap.getMessage().contains("overlaps the previous segment 'a'"), overlap.getMessage());
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> one());
    assertEquals("utterance u: expected at least one segment, found none", empty.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PhoneSegment(0.2, 0.1, "a"));
    assertThrows(IllegalArgumentException.class, () -> new PhoneSegment(0, 0.1, ""));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> one(new PhoneSegment(0, 0.1, "a")).segments("v"));
    assertEquals("no alignment for utterance v (1 aligned)", unknown.getMessage());
  }
}
