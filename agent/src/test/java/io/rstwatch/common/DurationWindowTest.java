package io.rstwatch.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DurationWindowTest {
    private static final long S = 1_000_000_000L;

    @Test
    void aBucketsMiddleIsWithinASixteenthOfEveryDurationInIt() {
        for (long us = 8; us < 200_000_000L; us = us * 21 / 20 + 1) {
            double middle = DurationWindow.middleMicros(DurationWindow.bucket(us * 1000));
            assertTrue(Math.abs(middle - us) / us <= 1.0 / 16, us + " us in a bucket whose middle is " + middle);
        }
        assertEquals(3, DurationWindow.bucket(3_999));
        assertEquals(DurationWindow.BUCKETS - 1, DurationWindow.bucket(Long.MAX_VALUE));
        assertEquals(0, DurationWindow.bucket(-5), "a clock that went back counts as 0");
    }

    @Test
    void medianNinetyNinthAndLongest() {
        DurationWindow w = new DurationWindow(60);
        long now = 1000 * S;
        for (int i = 0; i < 98; i++) {
            w.record(100_000_000L, now); // 100 ms
        }
        w.record(2_000_000_000L, now);
        w.record(2_500_000_000L, now);
        DurationWindow.Figures f = w.sample(now);
        assertEquals(100, f.count());
        assertEquals(100.0, f.p50Millis(), 100.0 / 16);
        assertEquals(2000.0, f.p99Millis(), 2000.0 / 16, "the 99th of 100 is the first of the slow two");
        assertEquals(2500.0, f.maxMillis(), 0.001, "the longest, exact");
        DurationWindow one = new DurationWindow(60);
        one.record(3_000, now);
        assertEquals(0.003, one.sample(now).maxMillis(), 1e-9);
        assertTrue(one.sample(now).p50Millis() <= 0.003, "never above the longest");
    }

    /** A window of 60 s is five slots of 12 s and the current one: what was recorded leaves 60 to 72 s later. */
    @Test
    void durationsLeaveTheWindowAsItMovesOn() {
        DurationWindow w = new DurationWindow(60);
        long start = 1200 * S; // a slot's start: 100 slots of 12 s
        w.record(5_000_000L, start);
        for (long t = start; t < start + 60 * S; t += S) {
            assertEquals(1, w.sample(t).count(), "at +" + (t - start) / S + " s");
        }
        w.record(7_000_000L, start + 65 * S);
        DurationWindow.Figures later = w.sample(start + 72 * S);
        assertEquals(1, later.count(), "the first has left, the second stays");
        assertEquals(7.0, later.maxMillis(), 1e-9);
        assertEquals(DurationWindow.Figures.NONE, w.sample(start + 200 * S), "a sampler that ran late clears all");
    }

    @Test
    void aSamplerThatSkippedPeriodsDoesNotShowStaleSlots() {
        DurationWindow w = new DurationWindow(10); // slots of 2 s
        w.record(1_000_000L, 0);
        w.sample(0);
        // 14 s later (seven slots on: the same slot as the first), a new duration and a sample
        w.record(4_000_000L, 14 * S);
        DurationWindow.Figures f = w.sample(14 * S + 1);
        assertEquals(1, f.count(), "the old one in the same slot was cleared: " + f);
        assertEquals(4.0, f.maxMillis(), 1e-9);
    }
}
