package io.rstwatch.plugin;

import java.time.Instant;

/**
 * The failed-connection alert (the kernel's AttemptFails rate) changed level.
 *
 * @param time when the counter sample that changed it was taken
 * @param previous the level before
 * @param level the level now
 * @param failedPerSecond failed TCP connections per second over the rate window
 * @param message the explanation, as in the Tcp MBean's AlertMessage
 */
public record AlertChange(Instant time, Level previous, Level level, double failedPerSecond, String message)
        implements RstwatchEvent {

    /** Alert levels, against the alert.warn and alert.critical options. */
    public enum Level {
        /** Below alert.warn. */
        OK,
        /** At or above alert.warn. */
        WARN,
        /** At or above alert.critical. */
        CRITICAL
    }
}
