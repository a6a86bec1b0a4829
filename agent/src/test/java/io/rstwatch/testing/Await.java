package io.rstwatch.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for a condition with a deadline, polling; never a fixed sleep. */
public final class Await {
    private static final long POLL_MILLIS = 50;

    private Await() {}

    /**
     * Returns as soon as {@code condition} is true; fails with {@code what} and the last error once
     * {@code timeout} has passed.
     */
    public static void until(String what, Duration timeout, Callable<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what
                        + (last == null ? "" : "; last error " + last));
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
