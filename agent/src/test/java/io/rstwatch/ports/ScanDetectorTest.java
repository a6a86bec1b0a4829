package io.rstwatch.ports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.decode.Addresses;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Scanner detection: more than scan.ports distinct ports refused to one remote source within 60 s. */
class ScanDetectorTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final long SCANNER = Addresses.v4Lo(0xC6336401); // 198.51.100.1
    private final List<int[]> found = new ArrayList<>();
    private final ScanDetector detector = new ScanDetector(32, (s, ports) -> found.add(ports));

    @Test
    void theThirtyThirdDistinctPortWithinAMinuteMakesAScanner() {
        for (int port = 1; port <= 32; port++) {
            assertFalse(detector.refusal(0, SCANNER, port, T0 + port * 1000L));
            assertFalse(detector.refusal(0, SCANNER, port, T0 + port * 1000L), "a port again is not a new one");
        }
        assertTrue(found.isEmpty());
        assertTrue(detector.refusal(0, SCANNER, 33, T0 + 33_000));
        assertArrayEquals(IntStream.rangeClosed(1, 33).toArray(), found.get(0), "the ports it hit, to fold");
        assertTrue(detector.refusal(0, SCANNER, 7211, T0 + 34_000), "later refusals are the scanner's");
        assertEquals(1, detector.scannersTotal());
        assertEquals(2, detector.scannedRefusalsTotal(), "the finding one and the later one; the registry folds");
        ScanDetector.Row row = detector.rows().get(0);
        assertEquals(34, row.portsHit(), "the 33 that made it a scanner and 7211");
        assertEquals(T0 + 33_000, row.firstSeenMillis());
        assertEquals(T0 + 34_000, row.lastSeenMillis());
    }

    @Test
    void aScannerMarkLapsesAfterAMinuteOfQuietAndMustBeEarnedAgain() {
        for (int port = 1; port <= 33; port++) {
            detector.refusal(0, SCANNER, port, T0); // 33 SYNs with a forged source make it a "scanner"
        }
        assertTrue(detector.refusal(0, SCANNER, 7211, T0 + 60_000), "still within a minute of quiet");
        assertFalse(detector.refusal(0, SCANNER, 7211, T0 + 120_001), "its real refusal, a minute later, counts");
        assertFalse(detector.refusal(0, SCANNER, 7211, T0 + 86_400_000), "and a day later");
        for (int port = 1; port <= 31; port++) {
            assertFalse(detector.refusal(0, SCANNER, port, T0 + 86_400_000));
        }
        assertTrue(detector.refusal(0, SCANNER, 40, T0 + 86_400_000), "a new scan (33 ports) earns the mark again");
        assertEquals(1, detector.rows().size(), "on its old row");
        assertEquals(1, detector.scannersTotal());
    }

    @Test
    void aSlowSourceIsNotAScannerWhenItsPortsSpreadOverMoreThanAMinute() {
        for (int port = 1; port <= 200; port++) {
            assertFalse(detector.refusal(0, SCANNER, port, T0 + port * 2000L), "one port every 2 s: 30 a minute");
        }
        assertEquals(0, detector.scannersTotal());
    }

    @Test
    void scanDetectionOffWithZero() {
        ScanDetector off = new ScanDetector(0, (s, p) -> found.add(p));
        for (int port = 1; port <= 1000; port++) {
            assertFalse(off.refusal(0, SCANNER, port, T0));
        }
        assertTrue(found.isEmpty());
    }

    @Test
    void manySpoofedSourcesWithFewPortsEachMakeNoScannerAndStayBounded() {
        for (int source = 0; source < 100_000; source++) {
            for (int port = 1; port <= 3; port++) {
                assertFalse(detector.refusal(0, Addresses.v4Lo(0x0A000000 + source), port, T0 + source));
            }
        }
        assertEquals(0, detector.scannersTotal());
    }

    @Test
    void theScannerRowsAreBoundedAndTheLeastRecentGoes() {
        for (int s = 0; s < ScanDetector.MAX_SCANNERS + 6; s++) {
            for (int port = 1; port <= 33; port++) {
                detector.refusal(0, Addresses.v4Lo(0x0A000000 + s), port, T0 + s * 100L + port);
            }
        }
        assertEquals(ScanDetector.MAX_SCANNERS + 6, detector.scannersTotal());
        List<ScanDetector.Row> rows = detector.rows();
        assertEquals(ScanDetector.MAX_SCANNERS, rows.size());
        assertEquals("10.0.0.69", Addresses.format(rows.get(0).hi(), rows.get(0).lo()), "most recent first");
        assertEquals(
                "10.0.0.6",
                Addresses.format(
                        rows.get(rows.size() - 1).hi(),
                        rows.get(rows.size() - 1).lo()));
    }
}
