package io.rstwatch.alert;

/** The failed-connection alert's levels. */
public enum AlertLevel {
    OK,
    WARN,
    CRITICAL,
    /** The kernel's counters cannot be read: nothing is known of the rate, rather than its last value. */
    UNKNOWN;
}
