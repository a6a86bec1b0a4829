package io.rstwatch.ports;

/**
 * A per-second average over the last N seconds of a monotonic total, from one sample a second. Before N
 * seconds have passed since the agent started, it averages over the time since then. Updated by one thread.
 */
public final class RateWindow {
    private final long[] samples;
    private int newest;
    private int filled;
    private volatile double perSecond;

    /**
     * @param windowSeconds N
     * @param secondsAlreadyElapsed seconds since the agent started sampling, during which this total was 0
     */
    public RateWindow(int windowSeconds, int secondsAlreadyElapsed) {
        this.samples = new long[windowSeconds + 1];
        this.filled = Math.min(windowSeconds, Math.max(0, secondsAlreadyElapsed)) + 1;
    }

    /** Called once a second with the current total. */
    public void sample(long total) {
        newest = (newest + 1) % samples.length;
        samples[newest] = total;
        if (filled < samples.length) {
            filled++;
        }
        int span = filled - 1;
        int oldest = Math.floorMod(newest - span, samples.length);
        perSecond = span == 0 ? 0 : (double) (total - samples[oldest]) / span;
    }

    public double perSecond() {
        return perSecond;
    }
}
