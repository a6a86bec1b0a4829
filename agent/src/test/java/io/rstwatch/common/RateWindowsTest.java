package io.rstwatch.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Per-second averages of monotonic totals over a window, divided by the time that really passed. */
class RateWindowsTest {
    private static final long S = 1_000_000_000L;
    /** An arbitrary System.nanoTime() origin: it may be anything, negative included. */
    private static final long T0 = -7_000_000_000_000L;

    @Test
    void averagedOverTheTimeSinceStartUntilTheWindowIsFull() {
        One w = One.fromZero(60, 1, T0);
        long total = 0;
        for (int second = 1; second <= 10; second++) {
            total += 2;
            w.sample(T0 + second * S, total);
        }
        assertEquals(2.0, w.perSecond(), 1e-9);
    }

    @Test
    void anEntryMadeLongAfterStartAveragesOverTheWholeWindow() {
        One late = One.fromZero(60, 1, T0);
        late.sample(T0 + 3600 * S, 6);
        assertEquals(0.1, late.perSecond(), 1e-9);
    }

    @Test
    void aBurstLeavesTheWindowAfterWindowSeconds() {
        One w = One.fromZero(10, 1, T0);
        w.sample(T0 + S, 100); // 100 in the first second
        assertEquals(100.0, w.perSecond(), 1e-9);
        for (int second = 2; second <= 10; second++) {
            w.sample(T0 + second * S, 100);
        }
        assertEquals(10.0, w.perSecond(), 1e-9, "100 over the 10 s window");
        w.sample(T0 + 11 * S, 100);
        assertEquals(0.0, w.perSecond(), 1e-9, "the burst is more than 10 s old");
    }

    @Test
    void aRunningTotalStartsFromItsFirstReadingNotFromZero() {
        One w = One.ofRunningTotal(60, 5);
        w.sample(T0, 1_000_000); // the kernel's counter since boot: a baseline, not a burst
        assertEquals(0.0, w.perSecond(), 1e-9);
        w.sample(T0 + 5 * S, 1_000_010);
        assertEquals(2.0, w.perSecond(), 1e-9, "10 in one 5 s interval");
        w.sample(T0 + 10 * S, 1_000_010);
        assertEquals(1.0, w.perSecond(), 1e-9, "10 in two intervals");
    }

    @Test
    void aWindowShorterThanTheIntervalIsOneInterval() {
        One w = One.ofRunningTotal(1, 5);
        w.sample(T0, 0);
        w.sample(T0 + 5 * S, 50);
        w.sample(T0 + 10 * S, 60);
        assertEquals(2.0, w.perSecond(), 1e-9, "the last interval alone: 10 in 5 s");
    }

    @Test
    void aLateSamplerDoesNotInflateTheRate() {
        // 2 failed connections a second (the total is 2t), sampled every second over a 1 s window (watch's
        // proc.interval=1); the sampler skips t=6. Counting samples would divide 4 by 1 s and double the rate.
        One w = One.ofRunningTotal(1, 1);
        for (int second = 0; second <= 5; second++) {
            w.sample(T0 + second * S, 2L * second);
        }
        w.sample(T0 + 7 * S, 14);
        assertEquals(2.0, w.perSecond(), 1e-9);
    }

    @Test
    void aStalledSamplerGivesTheRateOverTheTimeThatPassed() {
        // Sampled every 5 s over a 5 s window; the sampler stalls 15 s. Nothing but the newest sample is within
        // the window, so the rate is taken from the one before it: 2 a second all along.
        One w = One.ofRunningTotal(5, 5);
        w.sample(T0, 0);
        w.sample(T0 + 5 * S, 10);
        w.sample(T0 + 25 * S, 50);
        assertEquals(2.0, w.perSecond(), 1e-9);
    }

    @Test
    void jitterOfLessThanHalfAnIntervalKeepsTheFullWindow() {
        One w = One.ofRunningTotal(10, 1);
        long total = 0;
        for (int second = 0; second <= 20; second++) {
            long jitter = second % 2 == 0 ? 0 : S / 10; // every other sample 100 ms late
            w.sample(T0 + second * S + jitter, total);
            total += 3;
        }
        assertEquals(3.0, w.perSecond(), 0.05);
    }

    @Test
    void severalTotalsShareTheSamplesTimes() {
        RateWindows w = RateWindows.fromZero(3, 10, 1, T0);
        for (int second = 1; second <= 10; second++) {
            w.sample(T0 + second * S, new long[] {second, 2L * second, 0});
        }
        assertEquals(1.0, w.perSecond(0), 1e-9);
        assertEquals(2.0, w.perSecond(1), 1e-9);
        assertEquals(0.0, w.perSecond(2), 1e-9);
    }

    @Test
    void anHoursWindowKeepsAsFewSamplesAsAMinutes() {
        assertEquals(63, RateWindows.slots(60, 1));
        assertEquals(63, RateWindows.slots(3600, 1));
        assertTrue(RateWindows.slots(3599, 1) <= 63);
        assertTrue(RateWindows.bytes(7, 3600, 1) <= RateWindows.bytes(7, 60, 1));
    }

    @Test
    void anHoursWindowStillAveragesOverTheHourAndForgetsABurstAfterIt() {
        One w = One.fromZero(3600, 1, T0);
        w.sample(T0 + S, 3600); // a burst in the first second
        for (int second = 2; second <= 3600; second++) {
            w.sample(T0 + second * S, 3600);
        }
        assertEquals(1.0, w.perSecond(), 1e-9, "3600 over the hour");
        long total = 3600;
        for (int second = 3601; second <= 7300; second++) {
            total += 2;
            w.sample(T0 + second * S, total);
        }
        assertEquals(2.0, w.perSecond(), 1e-9, "the burst is more than an hour old; 2 a second since");
    }

    @Test
    void anHoursWindowAnswersANewRateWithinASecond() {
        One w = One.ofRunningTotal(3600, 1);
        for (int second = 0; second <= 7200; second++) {
            w.sample(T0 + second * S, 0);
        }
        w.sample(T0 + 7201 * S, 36);
        assertEquals(0.01, w.perSecond(), 1e-3, "36 in the last hour, seen at once, not a stride later");
    }

    /** One total, as most tests need. */
    private static final class One {
        private final RateWindows w;
        private final long[] total = new long[1];

        private One(RateWindows w) {
            this.w = w;
        }

        static One fromZero(int window, int interval, long zeroSince) {
            return new One(RateWindows.fromZero(1, window, interval, zeroSince));
        }

        static One ofRunningTotal(int window, int interval) {
            return new One(RateWindows.ofRunningTotals(1, window, interval));
        }

        void sample(long nowNanos, long value) {
            total[0] = value;
            w.sample(nowNanos, total);
        }

        double perSecond() {
            return w.perSecond(0);
        }
    }
}
