package io.rstwatch.common;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Durations (a connect's, say) over about the last N seconds: their median, 99th percentile and longest. Recorded by
 * any thread, without a lock: a count in a bucket of a log-linear histogram and a maximum. Read by one thread (the
 * sampler), which also clears the slot the next period will fill.
 *
 * <p>The window is five slots of N / 5 seconds each and the current one's part, so a figure covers between N and
 * N + N / 5 seconds; a seventh slot is cleared ahead of its period. A bucket is an eighth of a power
 * of two of microseconds wide (8 a doubling, the first 8 one microsecond each): a percentile is the middle of its
 * bucket, within 6.25% of the true value, and never above the longest. Durations from 0 to about 268 s are told
 * apart; longer ones share the last bucket (the maximum stays exact). A window takes {@link #SLOTS} x
 * {@link #BUCKETS} ints and 2 x {@link #SLOTS} longs.
 */
public final class DurationWindow {
    /** Slots: the current period's, the five before it (the window), and the next one's, cleared ahead. */
    static final int SLOTS = 7;
    /** Buckets a doubling: 8, so that a bucket is at most 1/8 of its lower bound wide. */
    private static final int SUB_BITS = 3;

    private static final int SUB = 1 << SUB_BITS;
    /** Doublings of microseconds told apart: up to 2^28 us (268 s). */
    private static final int OCTAVES = 27;
    /** The first {@link #SUB} buckets are a microsecond each, then {@link #SUB} a doubling. */
    static final int BUCKETS = SUB + (OCTAVES - SUB_BITS + 1) * SUB;

    private final long slotNanos;
    private final AtomicIntegerArray counts = new AtomicIntegerArray(SLOTS * BUCKETS);
    private final AtomicLongArray max = new AtomicLongArray(SLOTS);
    /** The period each slot holds (time / slot length); a slot of another period is cleared before it is used. */
    private final AtomicLongArray periodOf = new AtomicLongArray(SLOTS);

    /** The figures over one window, in milliseconds; 0 when nothing was recorded. */
    public record Figures(long count, double p50Millis, double p99Millis, double maxMillis) {
        public static final Figures NONE = new Figures(0, 0, 0, 0);
    }

    public DurationWindow(int windowSeconds) {
        this.slotNanos = Math.max(1L, windowSeconds) * 1_000_000_000L / (SLOTS - 2);
        for (int s = 0; s < SLOTS; s++) {
            periodOf.set(s, Long.MIN_VALUE);
        }
    }

    /** Records a duration of {@code nanos}, at {@code nowNanos} (System.nanoTime). Any thread. */
    public void record(long nanos, long nowNanos) {
        long period = Math.floorDiv(nowNanos, slotNanos);
        int slot = Math.floorMod(period, SLOTS);
        long held = periodOf.get(slot);
        if (held != period) {
            take(slot, held, period); // the sampler clears a slot ahead of its period: only when it ran late
        }
        counts.incrementAndGet(slot * BUCKETS + bucket(nanos));
        if (nanos > max.get(slot)) {
            max.accumulateAndGet(slot, nanos, Math::max);
        }
    }

    /**
     * The figures now, over the slots of the window; clears the slot the next period will fill. One thread (a
     * writer that finds a slot of an older period clears it itself: a count made meanwhile may be lost, never
     * kept from the older period).
     */
    public Figures sample(long nowNanos) {
        long period = Math.floorDiv(nowNanos, slotNanos);
        int next = Math.floorMod(period + 1, SLOTS);
        long held = periodOf.get(next);
        if (held != period + 1) {
            take(next, held, period + 1);
        }
        long[] merged = new long[BUCKETS];
        long n = 0;
        long longest = 0;
        for (int s = 0; s < SLOTS; s++) {
            long p = periodOf.get(s);
            if (p > period || p < period - (SLOTS - 2)) {
                continue; // the next period's, or older than the window
            }
            for (int b = 0; b < BUCKETS; b++) {
                int c = counts.get(s * BUCKETS + b);
                merged[b] += c;
                n += c;
            }
            longest = Math.max(longest, max.get(s));
        }
        if (n == 0) {
            return Figures.NONE;
        }
        return new Figures(
                n, quantile(merged, n, 0.50, longest), quantile(merged, n, 0.99, longest), longest / 1_000_000.0);
    }

    /** Clears {@code slot}, held for period {@code held}, for {@code period}: once, by whoever claims it first. */
    private void take(int slot, long held, long period) {
        if (held < period && periodOf.compareAndSet(slot, held, period)) {
            for (int b = 0; b < BUCKETS; b++) {
                counts.set(slot * BUCKETS + b, 0);
            }
            max.set(slot, 0);
        }
    }

    /** The value, in ms, under which a fraction {@code q} of the {@code n} durations fall: its bucket's middle. */
    private static double quantile(long[] merged, long n, double q, long longestNanos) {
        long rank = Math.max(1, (long) Math.ceil(q * n));
        long seen = 0;
        for (int b = 0; b < BUCKETS; b++) {
            seen += merged[b];
            if (seen >= rank) {
                return Math.min(middleMicros(b) * 1000, longestNanos) / 1_000_000.0; // as the longest is shown
            }
        }
        return longestNanos / 1_000_000.0;
    }

    /** The bucket of a duration: a microsecond each below 8 us, then {@link #SUB} a doubling. */
    static int bucket(long nanos) {
        long us = Math.max(0, nanos / 1000);
        if (us < SUB) {
            return (int) us;
        }
        int octave = 63 - Long.numberOfLeadingZeros(us); // us is in [2^octave, 2^(octave+1))
        int b = (octave - SUB_BITS + 1) * SUB + (int) ((us >>> (octave - SUB_BITS)) & (SUB - 1));
        return Math.min(b, BUCKETS - 1);
    }

    /** The middle of bucket {@code b}, in microseconds. */
    static double middleMicros(int b) {
        if (b < SUB) {
            return b + 0.5;
        }
        int octave = b / SUB + SUB_BITS - 1;
        long width = 1L << (octave - SUB_BITS);
        long lower = (long) (SUB + b % SUB) << (octave - SUB_BITS);
        return lower + width / 2.0;
    }
}
