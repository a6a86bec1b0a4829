package io.rstwatch.ports;

/**
 * A per-second average over the last N seconds of a monotonic total, from one sample every interval. Before N
 * seconds have passed since the agent started, it averages over the time since then. Updated by one thread.
 */
public final class RateWindow {
    private final long[] samples;
    private final int intervalSeconds;
    private int newest;
    private int filled;
    /** False until the first sample for totals that did not start at zero (the kernel's). */
    private boolean primed;

    private volatile double perSecond;

    /**
     * @param windowSeconds N
     * @param secondsAlreadyElapsed seconds since the agent started sampling, during which this total was 0
     */
    public RateWindow(int windowSeconds, int secondsAlreadyElapsed) {
        this(windowSeconds, secondsAlreadyElapsed, 1);
    }

    /** For totals sampled every {@code intervalSeconds}; the window is at least one interval. */
    public RateWindow(int windowSeconds, int secondsAlreadyElapsed, int intervalSeconds) {
        int slots = Math.max(1, windowSeconds / intervalSeconds);
        this.intervalSeconds = intervalSeconds;
        this.samples = new long[slots + 1];
        this.filled = Math.min(slots, Math.max(0, secondsAlreadyElapsed / intervalSeconds)) + 1;
        this.primed = true;
    }

    /** For a total that was already counting before the agent came (the kernel's counters since boot). */
    public static RateWindow ofRunningTotal(int windowSeconds, int intervalSeconds) {
        RateWindow w = new RateWindow(windowSeconds, 0, intervalSeconds);
        w.primed = false;
        return w;
    }

    /** Called once every interval with the current total. */
    public void sample(long total) {
        if (!primed) {
            samples[newest] = total; // the first reading is the baseline, not a burst
            primed = true;
            return;
        }
        newest = (newest + 1) % samples.length;
        samples[newest] = total;
        if (filled < samples.length) {
            filled++;
        }
        int span = filled - 1;
        int oldest = Math.floorMod(newest - span, samples.length);
        perSecond = span == 0 ? 0 : (double) (total - samples[oldest]) / ((double) span * intervalSeconds);
    }

    public double perSecond() {
        return perSecond;
    }
}
