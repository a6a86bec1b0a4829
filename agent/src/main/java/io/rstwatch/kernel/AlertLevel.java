package io.rstwatch.kernel;

/** The failed-connection alert's levels. */
public enum AlertLevel {
    OK,
    WARN,
    CRITICAL;

    static AlertLevel of(double perSecond, double warn, double critical) {
        return perSecond >= critical ? CRITICAL : perSecond >= warn ? WARN : OK;
    }
}
