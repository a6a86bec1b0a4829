package io.rstwatch.common;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** How the agent writes points in time: ISO-8601 in UTC, to the second. */
public final class Times {
    private Times() {}

    public static String iso(long epochMillis) {
        return epochMillis <= 0
                ? ""
                : Instant.ofEpochMilli(epochMillis)
                        .truncatedTo(ChronoUnit.SECONDS)
                        .toString();
    }

    /** The time of day alone, "10:54:50Z", for sentences. */
    public static String timeOfDay(long epochMillis) {
        String iso = iso(epochMillis);
        int t = iso.indexOf('T');
        return t < 0 ? iso : iso.substring(t + 1);
    }
}
