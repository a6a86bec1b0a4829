package io.rstwatch.ports;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds port scanners: a remote source that draws refusals on more than {@code scan.ports} distinct ports of
 * this host within {@link #WINDOW_MILLIS}. Its later refusals are counted here, on a {@link Scanner} row, and
 * make no Port entry, until it has been quiet for {@link #WINDOW_MILLIS}: the mark then lapses and must be earned
 * again. A SYN's source address is easily forged, so a mark that never lapsed would let anyone hide a real
 * client's refusals for good. The registry asks only about ports that nothing listens on or listened on lately:
 * a client refused while services restart is no scanner. Only remote sources: on loopback every local client is 127.0.0.1, so a scan from this host
 * looks like the host's own clients and is left to the port table's eviction.
 *
 * <p>Bounded whatever the traffic: sources are tracked in a set-associative table ({@link #SETS} x {@link #WAYS};
 * a new source replaces the least recent of its set), each with at most {@code scan.ports + 1} ports, and at most
 * {@link #MAX_SCANNERS} scanner rows (then the least recent goes; the totals keep counting). The capture threads
 * call {@link #refusal} per remote refusal: one uncontended lock, no allocation except when a scanner is found.
 */
final class ScanDetector {
    static final long WINDOW_MILLIS = 60_000;
    static final int MAX_SCANNERS = 64;
    private static final int SETS = 256;
    private static final int WAYS = 4;

    /** What the registry does when a source turns out to be a scanner: folds the ports it hit into its row. */
    interface Found {
        void scanner(Scanner scanner, int[] portsHit);
    }

    /** One scanner's row: its address, the distinct ports it hit (exact, a bit per port), refusals, times. */
    static final class Scanner {
        final long hi;
        final long lo;
        final long firstSeenMillis;
        private volatile long lastSeenMillis;
        private final long[] portBits = new long[65536 / 64];
        private int portsHit;
        private long refusals;

        Scanner(long hi, long lo, long firstSeenMillis) {
            this.hi = hi;
            this.lo = lo;
            this.firstSeenMillis = firstSeenMillis;
            this.lastSeenMillis = firstSeenMillis;
        }

        /** Counts {@code n} refusals on {@code port}; under the detector's lock. */
        void hit(int port, long n, long nowMillis) {
            long bit = 1L << (port & 63);
            if ((portBits[port >>> 6] & bit) == 0) {
                portBits[port >>> 6] |= bit;
                portsHit++;
            }
            refusals += n;
            if (nowMillis > lastSeenMillis) {
                lastSeenMillis = nowMillis;
            }
        }

        long lastSeenMillis() {
            return lastSeenMillis;
        }
    }

    /** A copy of a scanner row, for the MBean. */
    record Row(long hi, long lo, int portsHit, long refusals, long firstSeenMillis, long lastSeenMillis) {}

    private final int threshold;
    // The tracked sources, slot = set * WAYS + way.
    private final long[] srcHi = new long[SETS * WAYS];
    private final long[] srcLo = new long[SETS * WAYS];
    private final long[] srcLast = new long[SETS * WAYS];
    private final boolean[] used = new boolean[SETS * WAYS];
    private final int[][] ports;
    private final long[][] portTimes;
    private final int[] portCount = new int[SETS * WAYS];

    private final Scanner[] scanners = new Scanner[MAX_SCANNERS];
    private int scannerCount;
    private long scannersTotal;
    private long scannedRefusalsTotal;
    private final Found found;

    /** @param threshold {@code scan.ports}: more distinct ports than this within a minute make a scanner */
    ScanDetector(int threshold, Found found) {
        this.threshold = threshold;
        this.found = found;
        // Each slot's arrays are made on its first use: a host no remote source reaches pays nothing.
        this.ports = new int[SETS * WAYS][];
        this.portTimes = new long[SETS * WAYS][];
    }

    /**
     * A remote source drew a refusal on a port of this host. True when the source is a scanner (known, or found
     * by this refusal): then the refusal is counted here and must make no Port entry.
     */
    synchronized boolean refusal(long hi, long lo, int port, long nowMillis) {
        if (threshold == 0) {
            return false; // scan.ports=0: detection off
        }
        Scanner known = scanner(hi, lo);
        if (known != null && nowMillis - known.lastSeenMillis() <= WINDOW_MILLIS) {
            known.hit(port, 1, nowMillis);
            scannedRefusalsTotal++;
            return true;
        }
        int slot = slot(hi, lo, nowMillis);
        if (!addPort(slot, port, nowMillis)) {
            return false;
        }
        // The source crossed the line: it becomes a scanner, and its tracking slot is free again.
        int[] hit = Arrays.copyOf(ports[slot], portCount[slot]);
        used[slot] = false;
        Scanner s = known != null ? known : newScanner(hi, lo, nowMillis); // a lapsed mark earned again
        for (int p : hit) {
            s.hit(p, 0, nowMillis); // hit, whether or not the registry can fold their refusals in
        }
        s.hit(port, 1, nowMillis);
        scannedRefusalsTotal++;
        found.scanner(s, hit);
        return true;
    }

    /** Counts refusals the registry folds in from the Port entry of a port the scanner hit before it was found. */
    synchronized void fold(Scanner s, int port, long refusals) {
        s.hit(port, refusals, s.firstSeenMillis);
        scannedRefusalsTotal += refusals;
    }

    private Scanner scanner(long hi, long lo) {
        for (int i = 0; i < scannerCount; i++) {
            Scanner s = scanners[i];
            if (s.lo == lo && s.hi == hi) {
                return s;
            }
        }
        return null;
    }

    private Scanner newScanner(long hi, long lo, long nowMillis) {
        Scanner s = new Scanner(hi, lo, nowMillis);
        scannersTotal++;
        if (scannerCount < MAX_SCANNERS) {
            scanners[scannerCount++] = s;
            return s;
        }
        int oldest = 0;
        for (int i = 1; i < MAX_SCANNERS; i++) {
            if (scanners[i].lastSeenMillis() < scanners[oldest].lastSeenMillis()) {
                oldest = i;
            }
        }
        scanners[oldest] = s;
        return s;
    }

    /** The source's tracking slot: its own, else a free one of its set, else the least recent of the set. */
    private int slot(long hi, long lo, long nowMillis) {
        int set = Long.hashCode(hi * 31 + lo * 0x9E3779B97F4A7C15L) & (SETS - 1);
        int base = set * WAYS;
        int victim = base;
        for (int i = base; i < base + WAYS; i++) {
            if (used[i] && srcHi[i] == hi && srcLo[i] == lo) {
                srcLast[i] = nowMillis;
                return i;
            }
            if (!used[i] || (used[victim] && srcLast[i] < srcLast[victim])) {
                victim = i;
            }
        }
        used[victim] = true;
        srcHi[victim] = hi;
        srcLo[victim] = lo;
        srcLast[victim] = nowMillis;
        portCount[victim] = 0;
        if (ports[victim] == null) {
            ports[victim] = new int[threshold + 1];
            portTimes[victim] = new long[threshold + 1];
        }
        return victim;
    }

    /** Adds the port to the slot's distinct ports of the last minute; true when they are now more than allowed. */
    private boolean addPort(int slot, int port, long nowMillis) {
        int[] p = ports[slot];
        long[] t = portTimes[slot];
        int n = portCount[slot];
        for (int i = 0; i < n; i++) {
            if (p[i] == port) {
                t[i] = nowMillis;
                return false;
            }
        }
        p[n] = port; // n <= threshold here: one more than that makes a scanner, and frees the slot
        t[n] = nowMillis;
        portCount[slot] = ++n;
        if (n > threshold) {
            n = dropOlderThan(slot, nowMillis - WINDOW_MILLIS);
            return n > threshold;
        }
        return false;
    }

    private int dropOlderThan(int slot, long cutoff) {
        int[] p = ports[slot];
        long[] t = portTimes[slot];
        int kept = 0;
        for (int i = 0; i < portCount[slot]; i++) {
            if (t[i] >= cutoff) {
                p[kept] = p[i];
                t[kept] = t[i];
                kept++;
            }
        }
        portCount[slot] = kept;
        return kept;
    }

    synchronized long scannersTotal() {
        return scannersTotal;
    }

    synchronized long scannedRefusalsTotal() {
        return scannedRefusalsTotal;
    }

    /** The scanner rows, most recent first. */
    synchronized List<Row> rows() {
        List<Row> out = new ArrayList<>(scannerCount);
        for (int i = 0; i < scannerCount; i++) {
            Scanner s = scanners[i];
            out.add(new Row(s.hi, s.lo, s.portsHit, s.refusals, s.firstSeenMillis, s.lastSeenMillis()));
        }
        out.sort((a, b) -> Long.compare(b.lastSeenMillis(), a.lastSeenMillis()));
        return out;
    }
}
