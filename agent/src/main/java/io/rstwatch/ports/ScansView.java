package io.rstwatch.ports;

import io.rstwatch.common.Times;
import io.rstwatch.decode.Addresses;
import io.rstwatch.jmx.ScannerRow;
import io.rstwatch.jmx.ScansMXBean;
import java.util.List;

/** Backs the Scans MBean: the detector's rows, formatted once a second by {@link #refresh}; getters do no work. */
final class ScansView implements ScansMXBean {
    private static final ScannerRow[] NO_ROWS = new ScannerRow[0];

    private final ScanDetector detector;
    private volatile ScannerRow[] rows = NO_ROWS;
    private volatile long refreshedAt;
    private volatile long scannersTotal;
    private volatile long scannedRefusalsTotal;

    ScansView(ScanDetector detector) {
        this.detector = detector;
    }

    /** Once a second, on the sampler's thread. */
    void refresh() {
        List<ScanDetector.Row> found = detector.rows();
        // Most seconds there is no scanner: no stream to build (this thread runs in the interpreter).
        rows = found.isEmpty()
                ? NO_ROWS
                : found.stream()
                        .map(r -> new ScannerRow(
                                Addresses.format(r.hi(), r.lo()),
                                r.portsHit(),
                                r.refusals(),
                                Times.iso(r.firstSeenMillis()),
                                Times.iso(r.lastSeenMillis())))
                        .toArray(ScannerRow[]::new);
        scannersTotal = detector.scannersTotal();
        scannedRefusalsTotal = detector.scannedRefusalsTotal();
        refreshedAt = System.currentTimeMillis();
    }

    @Override
    public long getScannersTotal() {
        return scannersTotal;
    }

    @Override
    public long getScannedRefusalsTotal() {
        return scannedRefusalsTotal;
    }

    @Override
    public ScannerRow[] getScanners() {
        return rows;
    }

    @Override
    public String getRefreshedAt() {
        return Times.iso(refreshedAt);
    }
}
