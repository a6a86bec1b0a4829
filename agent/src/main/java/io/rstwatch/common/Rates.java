package io.rstwatch.common;

import java.util.Locale;

/** How the agent writes a rate in sentences and tables: two decimals, a dot whatever the locale ("2.00"). */
public final class Rates {
    private Rates() {}

    public static String format(double perSecond) {
        return String.format(Locale.ROOT, "%.2f", perSecond);
    }
}
