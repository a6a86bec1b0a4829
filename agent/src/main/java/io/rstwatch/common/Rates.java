package io.rstwatch.common;

import java.util.Locale;

/** How the agent writes a rate in sentences and tables: two decimals, a dot whatever the locale ("2.00"). */
public final class Rates {
    /** Below this, the rate in hundredths is an exact integer of a double, and so of a long. */
    private static final double WRITTEN_BY_HAND_BELOW = 1e12;

    private Rates() {}

    /**
     * The rate rounded half up to hundredths. Written by hand: String.format builds a Formatter and locale symbols
     * on every call, and the sampler composes its sentences once a second in the interpreter, where that was a
     * third of the alert's cost. A negative, NaN or huge rate (none comes from a counter) goes the JDK's way.
     */
    public static String format(double perSecond) {
        if (!(perSecond >= 0 && perSecond < WRITTEN_BY_HAND_BELOW)) {
            return String.format(Locale.ROOT, "%.2f", perSecond);
        }
        long hundredths = Math.round(perSecond * 100);
        long cents = hundredths % 100;
        return (hundredths / 100) + (cents < 10 ? ".0" : ".") + cents;
    }
}
