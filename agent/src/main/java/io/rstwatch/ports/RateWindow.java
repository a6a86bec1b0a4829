package io.rstwatch.ports;

import java.util.concurrent.TimeUnit;

/**
 * A per-second average of a monotonic total over the last N seconds, from samples taken about every interval.
 * Rates divide by the time that actually passed between the samples used, never by a count of samples: a
 * sampler that runs late, or stalls, does not inflate a rate. Updated by one thread; read by any.
 *
 * <p>Two kinds of total: one that was 0 from a known time (an entry's counts, 0 from the agent's start until its
 * first event), averaged over the time since then until the window is full; and one already running (the
 * kernel's counters since boot), whose first sample is only a baseline.
 */
public final class RateWindow {
    private static final long NO_ZERO = Long.MIN_VALUE;

    private final long windowNanos;
    /** How late a sample may be and still count as the window's first: half an interval. */
    private final long slackNanos;

    private final long zeroSinceNanos;
    private final long[] times;
    private final long[] totals;
    private int newest = -1;
    private int count;
    /** Whether the very first sample is still held: then nothing before it was ever dropped. */
    private boolean firstHeld = true;

    private volatile double perSecond;

    private RateWindow(int windowSeconds, int intervalSeconds, long zeroSinceNanos) {
        int interval = Math.max(1, intervalSeconds);
        int window = Math.max(windowSeconds, interval); // at least one interval
        this.windowNanos = TimeUnit.SECONDS.toNanos(window);
        this.slackNanos = TimeUnit.SECONDS.toNanos(interval) / 2;
        this.zeroSinceNanos = zeroSinceNanos;
        int slots = window / interval + 3;
        this.times = new long[slots];
        this.totals = new long[slots];
    }

    /** A total that was 0 from {@code zeroSinceNanos} (System.nanoTime()) until its first sample. */
    public static RateWindow fromZero(int windowSeconds, int intervalSeconds, long zeroSinceNanos) {
        return new RateWindow(windowSeconds, intervalSeconds, zeroSinceNanos);
    }

    /** A total that was already counting before the agent came (the kernel's counters since boot). */
    public static RateWindow ofRunningTotal(int windowSeconds, int intervalSeconds) {
        return new RateWindow(windowSeconds, intervalSeconds, NO_ZERO);
    }

    /** Records the total as it is at {@code nowNanos} (System.nanoTime()) and updates the rate. */
    public void sample(long nowNanos, long total) {
        newest = (newest + 1) % times.length;
        if (count == times.length) {
            firstHeld = false; // the slot being overwritten held the oldest sample
        } else {
            count++;
        }
        times[newest] = nowNanos;
        totals[newest] = total;
        perSecond = rate(nowNanos, total);
    }

    private double rate(long now, long total) {
        long from = now - windowNanos;
        int oldest = Math.floorMod(newest - count + 1, times.length);
        int ref = oldest;
        for (int i = 0; i < count - 1 && times[ref] < from - slackNanos; i++) {
            ref = (ref + 1) % times.length;
        }
        boolean refIsFirstEver = firstHeld && ref == oldest;
        if (zeroSinceNanos != NO_ZERO && refIsFirstEver && times[ref] - from > slackNanos) {
            // The window reaches back past the first sample: the total was 0 there (since the agent started).
            return perSecond(total, now - Math.max(zeroSinceNanos, from));
        }
        if (ref == newest) {
            if (count == 1) {
                return 0; // a baseline alone says nothing yet
            }
            ref = Math.floorMod(newest - 1, times.length); // the sampler stalled longer than the window
        }
        return perSecond(total - totals[ref], now - times[ref]);
    }

    private static double perSecond(long delta, long nanos) {
        return nanos <= 0 ? 0 : delta * 1e9 / nanos;
    }

    public double perSecond() {
        return perSecond;
    }
}
