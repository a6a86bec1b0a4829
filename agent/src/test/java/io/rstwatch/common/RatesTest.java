package io.rstwatch.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written format against the JDK's "%.2f", which it replaces. */
class RatesTest {
    private static String jdk(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    @Test
    void writesWhatStringFormatWritesForRatesOfCounts() {
        // What the agent formats: counts over a window of seconds, and a few that are not.
        for (int count = 0; count <= 20_000; count++) {
            for (int seconds : new int[] {1, 2, 3, 7, 10, 60}) {
                double v = (double) count / seconds;
                if (!nearAHalfHundredth(v)) {
                    assertEquals(jdk(v), Rates.format(v), count + "/" + seconds);
                }
            }
        }
        SplittableRandom random = new SplittableRandom(14);
        for (int i = 0; i < 200_000; i++) {
            double v = random.nextDouble() * Math.pow(10, random.nextInt(-3, 11));
            if (!nearAHalfHundredth(v)) {
                assertEquals(jdk(v), Rates.format(v), String.valueOf(v));
            }
        }
    }

    /**
     * Where the JDK and this format may differ by a hundredth: a rate whose hundredths end in 5 (1.005, written
     * so but stored as 1.00499999...), which the JDK rounds from its decimal digits and this from the double.
     */
    private static boolean nearAHalfHundredth(double v) {
        double scaled = v * 100;
        return Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-6 * Math.max(1, scaled);
    }

    @Test
    void edgesAndWhatGoesTheJdksWay() {
        assertEquals("0.00", Rates.format(0));
        assertEquals("0.00", Rates.format(0.004));
        assertEquals("0.01", Rates.format(0.005));
        assertEquals("0.13", Rates.format(0.125), "half up, as the JDK");
        assertEquals("10.00", Rates.format(9.999));
        assertEquals("2.01", Rates.format(2.01));
        assertEquals("100000.50", Rates.format(100000.5));
        assertEquals("0.00", Rates.format(-0.0), "no minus sign on nothing");
        for (double v : new double[] {-1.5, Double.NaN, Double.POSITIVE_INFINITY, 1e13}) {
            assertEquals(jdk(v), Rates.format(v), String.valueOf(v));
        }
    }
}
