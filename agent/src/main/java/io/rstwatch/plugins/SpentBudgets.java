package io.rstwatch.plugins;

import java.util.concurrent.TimeUnit;

/**
 * That every plugin jar taking events has spent its budget, and until when. A flood past what the plugins asked
 * for is then answered, and counted held back, by comparing the time the caller has anyway (a packet's) with that
 * end: no clock read per packet, which was most of what the plugins cost the capture thread. Once the caller's time
 * passes the end, or runs backwards past the slack (a clock step), the budgets are asked again with the clock.
 */
final class SpentBudgets {
    private static final long NANOS_A_MILLI = TimeUnit.MILLISECONDS.toNanos(1);
    /** Callers' times lag or lead one another: a packet's waits in its block for up to a quarter second. */
    static final long SLACK_MILLIS = 2 * TimeUnit.NANOSECONDS.toMillis(EventBudget.WINDOW_NANOS);

    /** The spent budgets, and the caller's time at which the first of their windows ends. */
    private record Until(long millis, EventBudget[] budgets) {}

    private volatile Until until;

    /** True while the budgets stay spent at {@code nowMillis}: the event is counted held back against each. */
    boolean holdBack(long nowMillis) {
        Until u = until;
        if (u == null) {
            return false;
        }
        long left = u.millis - nowMillis;
        if (left <= 0 || left > SLACK_MILLIS) {
            return false;
        }
        for (EventBudget b : u.budgets) {
            b.countHeldBack();
        }
        return true;
    }

    /**
     * All of {@code budgets} are spent at {@code nowNanos}, which is {@code nowMillis} in the caller's time: until
     * the first of their windows ends. With none (no jar takes events), until a window from now, to look again.
     */
    void spent(EventBudget[] budgets, long nowNanos, long nowMillis) {
        long end = nowNanos + EventBudget.WINDOW_NANOS;
        for (EventBudget b : budgets) {
            end = Math.min(end, b.windowEndNanos());
        }
        long leftNanos = Math.max(0, end - nowNanos);
        until = new Until(nowMillis + (leftNanos + NANOS_A_MILLI - 1) / NANOS_A_MILLI, budgets);
    }

    /** Some jar has room: every event is asked about again. */
    void open() {
        if (until != null) {
            until = null;
        }
    }
}
