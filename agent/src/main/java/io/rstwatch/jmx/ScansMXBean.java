package io.rstwatch.jmx;

@Description("Port scanners: remote sources that drew refusals on more than scan.ports distinct ports of this host"
        + " within 60 seconds. Their refusals are counted here and make no Port MBeans, so a scan cannot fill the"
        + " port table; the ports a scanner hit before it was recognised are folded into its row. A scan from this"
        + " host itself (loopback: every local client is 127.0.0.1) is not recognised here; ports.idle handles it.")
public interface ScansMXBean {
    @Description("Sources recognised as scanners since the agent started (rows that left the table included).")
    long getScannersTotal();

    @Description("Refusals drawn by scanners since the agent started, the folded ones included. Monotonic.")
    long getScannedRefusalsTotal();

    @Description("The scanners, most recent first (at most 64; then the least recent goes): source address, distinct"
            + " ports hit, refusals, and when it was first and last seen (ISO-8601, UTC).")
    ScannerRow[] getScanners();

    @Description("When the rows were last refreshed (ISO-8601, UTC); every second.")
    String getRefreshedAt();
}
