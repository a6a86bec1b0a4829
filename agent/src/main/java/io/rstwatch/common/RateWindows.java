package io.rstwatch.common;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * Per-second averages of several monotonic totals over the last N seconds, from samples of all of them taken
 * together about every interval. Rates divide by the time that actually passed between the samples used, never by
 * a count of samples: a sampler that runs late, or stalls, does not inflate a rate. Updated by one thread; read by
 * any.
 *
 * <p>Its memory does not depend on the window: it keeps at most {@link #MAX_STEPS} samples, one stride apart, the
 * totals sharing one ring of sample times. A stride is the interval, or the window over {@link #MAX_STEPS} when
 * that is longer; a rate is still refreshed at every sample, against the oldest kept sample inside the window. A
 * kept sample holds each total as its step from the sample before (an int: a stride is at most a minute), and the
 * newest totals whole: a full table of Ports keeps half the bytes.
 *
 * <p>Two kinds of total: one that was 0 from a known time (an entry's counts, 0 from the agent's start until its
 * first event), averaged over the time since then until the window is full; and one already running (the
 * kernel's counters since boot), whose first sample is only a baseline.
 */
public final class RateWindows {
    /** Kept samples at most, whatever the window: an hour's window keeps one a minute. */
    static final int MAX_STEPS = 60;

    private static final long NO_ZERO = Long.MIN_VALUE;
    private static final VarHandle RATE = MethodHandles.arrayElementVarHandle(double[].class);

    private final int series;
    private final long windowNanos;
    /** How late a sample may be and still count as due: half an interval. */
    private final long slackNanos;

    private final long strideNanos;
    private final long zeroSinceNanos;
    private final long[] times;
    /** Each kept sample's totals less the sample's before it, {@code series} per slot; saturated to an int. */
    private final int[] steps;
    /** The newest kept sample's totals. */
    private final long[] newestTotals;

    private int newest = -1;
    private int count;
    /** Whether the very first sample is still held: then nothing before it was ever dropped. */
    private boolean firstHeld = true;

    /** Written and read through {@link #RATE}, so that another thread sees each rate whole and current. */
    private final double[] perSecond;

    private RateWindows(int series, int windowSeconds, int intervalSeconds, long zeroSinceNanos) {
        int interval = Math.max(1, intervalSeconds);
        int window = Math.max(windowSeconds, interval); // at least one interval
        this.series = series;
        this.windowNanos = TimeUnit.SECONDS.toNanos(window);
        this.slackNanos = TimeUnit.SECONDS.toNanos(interval) / 2;
        this.strideNanos = TimeUnit.SECONDS.toNanos(stride(window, interval));
        this.zeroSinceNanos = zeroSinceNanos;
        int slots = slots(windowSeconds, intervalSeconds);
        this.times = new long[slots];
        this.steps = new int[slots * series];
        this.newestTotals = new long[series];
        this.perSecond = new double[series];
    }

    /** Samples kept for a window: the samples inside it, and the ones either side of it. */
    static int slots(int windowSeconds, int intervalSeconds) {
        int interval = Math.max(1, intervalSeconds);
        int window = Math.max(windowSeconds, interval);
        return window / stride(window, interval) + 3;
    }

    private static int stride(int window, int interval) {
        return Math.max(interval, (window + MAX_STEPS - 1) / MAX_STEPS);
    }

    /** Bytes that {@code series} totals over a window take, whatever the window: for the heap budget. */
    public static long bytes(int series, int windowSeconds, int intervalSeconds) {
        int slots = slots(windowSeconds, intervalSeconds);
        // four arrays' headers, times, steps, the newest totals and the rates, the fields
        return 4L * 16 + 8L * slots + 4L * slots * series + 16L * series + 64;
    }

    /** Totals that were 0 from {@code zeroSinceNanos} (System.nanoTime()) until their first sample. */
    public static RateWindows fromZero(int series, int windowSeconds, int intervalSeconds, long zeroSinceNanos) {
        return new RateWindows(series, windowSeconds, intervalSeconds, zeroSinceNanos);
    }

    /** Totals that were already counting before the agent came (the kernel's counters since boot). */
    public static RateWindows ofRunningTotals(int series, int windowSeconds, int intervalSeconds) {
        return new RateWindows(series, windowSeconds, intervalSeconds, NO_ZERO);
    }

    /**
     * Records the totals as they are at {@code nowNanos} (System.nanoTime()), {@code now[i]} of series i, and
     * updates every rate.
     */
    public void sample(long nowNanos, long[] now) {
        if (count == 0 || nowNanos - times[newest] >= strideNanos - slackNanos) {
            keep(nowNanos, now);
        }
        long from = nowNanos - windowNanos;
        int oldest = Math.floorMod(newest - count + 1, times.length);
        int ref = oldest;
        for (int i = 0; i < count - 1 && times[ref] < from - slackNanos; i++) {
            ref = (ref + 1) % times.length;
        }
        boolean refIsFirstEver = firstHeld && ref == oldest;
        if (zeroSinceNanos != NO_ZERO && refIsFirstEver && times[ref] - from > slackNanos) {
            // The window reaches back past the first sample: the totals were 0 there (since the agent started).
            long span = nowNanos - Math.max(zeroSinceNanos, from);
            for (int s = 0; s < series; s++) {
                RATE.setRelease(perSecond, s, perSecond(now[s], span));
            }
        } else if (times[ref] == nowNanos && count == 1) {
            for (int s = 0; s < series; s++) {
                RATE.setRelease(perSecond, s, 0.0); // a baseline alone says nothing yet
            }
        } else {
            if (times[ref] == nowNanos) {
                ref = Math.floorMod(newest - 1, times.length); // the sampler stalled longer than the window
            }
            long span = nowNanos - times[ref];
            for (int s = 0; s < series; s++) {
                RATE.setRelease(perSecond, s, perSecond(now[s] - totalAt(ref, s), span));
            }
        }
    }

    private void keep(long nowNanos, long[] now) {
        newest = (newest + 1) % times.length;
        if (count == times.length) {
            firstHeld = false; // the slot being overwritten held the oldest sample
        } else {
            count++;
        }
        times[newest] = nowNanos;
        for (int s = 0; s < series; s++) {
            long step = now[s] - newestTotals[s];
            steps[newest * series + s] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, step));
            newestTotals[s] = now[s];
        }
    }

    /** Series {@code s}'s total at kept sample {@code slot}: the newest total less the steps after the slot. */
    private long totalAt(int slot, int s) {
        long total = newestTotals[s];
        for (int i = newest; i != slot; i = i == 0 ? times.length - 1 : i - 1) {
            total -= steps[i * series + s];
        }
        return total;
    }

    private static double perSecond(long delta, long nanos) {
        return nanos <= 0 ? 0 : delta * 1e9 / nanos;
    }

    /** The rate of series {@code s} at the last sample, per second. */
    public double perSecond(int s) {
        return (double) RATE.getAcquire(perSecond, s);
    }
}
