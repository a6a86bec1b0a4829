package io.rstwatch.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Per-second averages of a monotonic total over a window of samples. */
class RateWindowTest {
    @Test
    void averagedOverTheTimeSinceStartUntilTheWindowIsFull() {
        RateWindow w = new RateWindow(60, 0);
        long total = 0;
        for (int second = 1; second <= 10; second++) {
            total += 2;
            w.sample(total);
        }
        assertEquals(2.0, w.perSecond(), 1e-9);
    }

    @Test
    void anEntryMadeLongAfterStartAveragesOverTheWholeWindow() {
        RateWindow late = new RateWindow(60, 3600);
        late.sample(6);
        assertEquals(0.1, late.perSecond(), 1e-9);
    }

    @Test
    void aBurstLeavesTheWindowAfterWindowSeconds() {
        RateWindow w = new RateWindow(10, 0);
        w.sample(100); // 100 in the first second
        assertEquals(100.0, w.perSecond(), 1e-9);
        for (int second = 2; second <= 10; second++) {
            w.sample(100);
        }
        assertEquals(10.0, w.perSecond(), 1e-9, "100 over the 10 s window");
        w.sample(100);
        assertEquals(0.0, w.perSecond(), 1e-9, "the burst is more than 10 s old");
    }

    @Test
    void aRunningTotalStartsFromItsFirstReadingNotFromZero() {
        RateWindow w = RateWindow.ofRunningTotal(60, 5);
        w.sample(1_000_000); // the kernel's counter since boot: a baseline, not a burst
        assertEquals(0.0, w.perSecond(), 1e-9);
        w.sample(1_000_010);
        assertEquals(2.0, w.perSecond(), 1e-9, "10 in one 5 s interval");
        w.sample(1_000_010);
        assertEquals(1.0, w.perSecond(), 1e-9, "10 in two intervals");
    }

    @Test
    void aWindowShorterThanTheIntervalIsOneInterval() {
        RateWindow w = RateWindow.ofRunningTotal(1, 5);
        w.sample(0);
        w.sample(50);
        w.sample(60);
        assertEquals(2.0, w.perSecond(), 1e-9, "the last interval alone: 10 in 5 s");
    }
}
