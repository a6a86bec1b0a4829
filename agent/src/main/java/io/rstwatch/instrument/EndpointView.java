package io.rstwatch.instrument;

import io.rstwatch.common.DurationWindow;
import io.rstwatch.common.RateWindows;
import io.rstwatch.common.Times;
import io.rstwatch.jmx.EndpointMXBean;
import io.rstwatch.jmx.ObjectNames;
import io.rstwatch.plugin.ConnectFailure.Cause;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.Map;
import javax.management.ObjectName;

/**
 * Backs one Endpoint MBean: what the sampler read from a row of the Connects table, once a second. The getters
 * return those values and compute nothing.
 */
final class EndpointView implements EndpointMXBean {
    private static final Cause[] CAUSES = {Cause.REFUSED, Cause.TIMED_OUT, Cause.UNREACHABLE, Cause.OTHER};
    /** After the causes: the connects whose name did not resolve. */
    private static final int UNRESOLVED = CAUSES.length;

    private final ObjectName name;
    private final String host;
    private final int port;
    private final RateWindows rates;
    private final long[] totals = new long[UNRESOLVED + 1];

    private volatile long[] shown = new long[UNRESOLVED + 1];
    private volatile String address = "";
    private volatile String lastFailed = "";
    private volatile String dnsFailure = "";
    private volatile long connected;
    private volatile DurationWindow.Figures connectTimes = DurationWindow.Figures.NONE;
    private volatile double failedAfterMillis;
    private volatile long tlsFailed;
    private volatile String tlsFailure = "";
    private volatile long certificateNotAfter;
    private volatile double certificateDaysLeft = -1;
    private volatile Map<String, Long> callers = Map.of();

    EndpointView(String host, String port, int windowSeconds, long createdNanos) {
        this.name = ObjectNames.endpoint(host, port);
        this.host = host;
        this.port = ObjectNames.OTHER_PORT.equals(port) ? 0 : Integer.parseInt(port);
        this.rates = RateWindows.fromZero(UNRESOLVED + 1, windowSeconds, 1, createdNanos);
    }

    ObjectName objectName() {
        return name;
    }

    /** Reads {@code row} now; on the sampler's thread only. */
    void refresh(EndpointStats row, long nowNanos) {
        for (int i = 0; i < CAUSES.length; i++) {
            totals[i] = row.count(CAUSES[i]);
        }
        totals[UNRESOLVED] = row.unresolved();
        rates.sample(nowNanos, totals);
        shown = totals.clone();
        InetSocketAddress a = row.address();
        address = a == null || a.getAddress() == null ? "" : a.getAddress().getHostAddress();
        lastFailed = row.lastFailedMillis() == 0 ? "" : Times.iso(row.lastFailedMillis());
        connected = row.connected();
        connectTimes = row.sampleConnectTimes(nowNanos);
        failedAfterMillis = row.failedAfterNanos() < 0 ? 0 : row.failedAfterNanos() / 1_000_000.0;
        tlsFailed = row.tlsFailed();
        tlsFailure = row.tlsFailure();
        long notAfter = row.certificateNotAfter();
        certificateNotAfter = notAfter;
        certificateDaysLeft = notAfter == 0 ? -1 : Math.max(0, (notAfter - System.currentTimeMillis()) / 86_400_000.0);
        dnsFailure = row.nameFailure();
        callers = Collections.unmodifiableMap(row.callerFailures());
    }

    @Override
    public String getHost() {
        return host;
    }

    @Override
    public int getPort() {
        return port;
    }

    @Override
    public String getAddress() {
        return address;
    }

    @Override
    public long getFailedTotal() {
        long[] t = shown;
        return t[0] + t[1] + t[2] + t[3] + t[UNRESOLVED];
    }

    @Override
    public long getRefusedTotal() {
        return shown[0];
    }

    @Override
    public long getTimedOutTotal() {
        return shown[1];
    }

    @Override
    public long getUnreachableTotal() {
        return shown[2];
    }

    @Override
    public long getOtherTotal() {
        return shown[3];
    }

    @Override
    public long getDnsFailedTotal() {
        return shown[UNRESOLVED];
    }

    @Override
    public long getConnectedTotal() {
        return connected;
    }

    @Override
    public double getConnectMillisP50() {
        return connectTimes.p50Millis();
    }

    @Override
    public double getConnectMillisP99() {
        return connectTimes.p99Millis();
    }

    @Override
    public double getConnectMillisMax() {
        return connectTimes.maxMillis();
    }

    @Override
    public double getFailedAfterMillis() {
        return failedAfterMillis;
    }

    @Override
    public long getTlsFailedTotal() {
        return tlsFailed;
    }

    @Override
    public String getTlsFailure() {
        return tlsFailure;
    }

    @Override
    public String getCertificateNotAfter() {
        long t = certificateNotAfter;
        return t == 0 ? "" : Times.iso(t);
    }

    @Override
    public double getCertificateDaysLeft() {
        return certificateDaysLeft;
    }

    @Override
    public String getDnsFailure() {
        return dnsFailure;
    }

    @Override
    public double getFailedPerSecond() {
        double sum = 0;
        for (int i = 0; i <= UNRESOLVED; i++) {
            sum += rates.perSecond(i);
        }
        return sum;
    }

    @Override
    public double getRefusedPerSecond() {
        return rates.perSecond(0);
    }

    @Override
    public double getTimedOutPerSecond() {
        return rates.perSecond(1);
    }

    @Override
    public double getUnreachablePerSecond() {
        return rates.perSecond(2);
    }

    @Override
    public String getLastFailed() {
        return lastFailed;
    }

    @Override
    public Map<String, Long> getCallers() {
        return callers;
    }
}
