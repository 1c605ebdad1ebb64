package ai.hubert.model.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LabelAlignmentTest {

    @Test
    void hundredHertzLabelsTakeEveryOtherLabel() {
        LabelAlignment a = LabelAlignment.of(596, 1192, 100, 320, 16000);
        assertEquals(596, a.frames());
        assertEquals(0, a.labelIndex()[0]);
        assertEquals(2, a.labelIndex()[1]);
        assertEquals(1190, a.labelIndex()[595]);
    }

    @Test
    void trimsFeaturesWhenLabelsAreShort() {
        // ratio 2: 2 * 596 > 1189 -> T = int(1189 / 2) = 594
        assertEquals(594, LabelAlignment.of(596, 1189, 100, 320, 16000).frames());
        // ratio 1: identity or trim to the label count
        LabelAlignment a = LabelAlignment.of(50, 48, 50, 320, 16000);
        assertEquals(48, a.frames());
        assertEquals(47, a.labelIndex()[47]);
        assertEquals(50, LabelAlignment.of(50, 52, 50, 320, 16000).frames());
    }

    @Test
    void gathersPerRow() {
        LabelAlignment a = LabelAlignment.of(3, 6, 100, 320, 16000);
        long[][] g = a.gather(new int[][] {{10, 11, 12, 13, 14, 15}, {20, 21, 22, 23, 24, 25}});
        assertArrayEquals(new long[] {10, 12, 14}, g[0]);
        assertArrayEquals(new long[] {20, 22, 24}, g[1]);
    }
}
