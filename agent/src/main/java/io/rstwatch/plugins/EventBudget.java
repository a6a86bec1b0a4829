package io.rstwatch.plugins;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most {@code perSecond} events in each second, the rest counted as held back: what a plugin asks for with
 * {@code maxEventsPerSecond}. Capture threads, the application's threads and the sampler take from one budget at
 * once, so it is lock-free; a second is a window that the first event after the previous window opens. Two
 * threads opening a window together may let a few events more through; none is ever counted twice.
 */
final class EventBudget {
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** No limit: every event passes and nothing is counted. */
    static final EventBudget UNLIMITED = new EventBudget(0, 0);

    private final int perSecond;
    private final AtomicLong windowStart;
    private final AtomicInteger taken = new AtomicInteger();
    private final AtomicLong heldBack = new AtomicLong();

    /**
     * @param perSecond events a window; 0 or less for no limit
     * @param nowNanos {@link System#nanoTime()} now: the first event opens a window
     */
    EventBudget(int perSecond, long nowNanos) {
        this.perSecond = Math.max(0, perSecond);
        this.windowStart = new AtomicLong(nowNanos - WINDOW_NANOS);
    }

    boolean limited() {
        return perSecond > 0;
    }

    /** Whether an event now would pass; takes nothing. */
    boolean hasRoom(long nowNanos) {
        if (!limited()) {
            return true;
        }
        roll(nowNanos);
        return taken.get() < perSecond;
    }

    /** Takes one event: true when it is within the budget, else counts it held back. */
    boolean take(long nowNanos) {
        if (!limited()) {
            return true;
        }
        roll(nowNanos);
        if (taken.getAndIncrement() < perSecond) {
            return true;
        }
        heldBack.incrementAndGet();
        return false;
    }

    /** Counts an event held back that was never offered (not built at all, since no plugin had room). */
    void countHeldBack() {
        heldBack.incrementAndGet();
    }

    /** The events held back since the last call. */
    long drainHeldBack() {
        return heldBack.getAndSet(0);
    }

    /** When the current window ends, in {@link System#nanoTime()}'s time. */
    long windowEndNanos() {
        return windowStart.get() + WINDOW_NANOS;
    }

    private void roll(long nowNanos) {
        long start = windowStart.get();
        if (nowNanos - start >= WINDOW_NANOS && windowStart.compareAndSet(start, nowNanos)) {
            taken.set(0);
        }
    }
}
