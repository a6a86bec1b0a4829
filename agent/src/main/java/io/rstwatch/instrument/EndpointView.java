package io.rstwatch.instrument;

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

    private final ObjectName name;
    private final String host;
    private final int port;
    private final RateWindows rates;
    private final long[] totals = new long[CAUSES.length];

    private volatile long[] shown = new long[CAUSES.length];
    private volatile String address = "";
    private volatile String lastFailed = "";
    private volatile Map<String, Long> callers = Map.of();

    EndpointView(String host, String port, int windowSeconds, long createdNanos) {
        this.name = ObjectNames.endpoint(host, port);
        this.host = host;
        this.port = ObjectNames.OTHER_PORT.equals(port) ? 0 : Integer.parseInt(port);
        this.rates = RateWindows.fromZero(CAUSES.length, windowSeconds, 1, createdNanos);
    }

    ObjectName objectName() {
        return name;
    }

    /** Reads {@code row} now; on the sampler's thread only. */
    void refresh(ConnectRecorder.EndpointStats row, long nowNanos) {
        for (int i = 0; i < CAUSES.length; i++) {
            totals[i] = row.count(CAUSES[i]);
        }
        rates.sample(nowNanos, totals);
        shown = totals.clone();
        InetSocketAddress a = row.address();
        address = a == null || a.getAddress() == null ? "" : a.getAddress().getHostAddress();
        lastFailed = Times.iso(row.lastMillis());
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
        return t[0] + t[1] + t[2] + t[3];
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
    public double getFailedPerSecond() {
        return rates.perSecond(0) + rates.perSecond(1) + rates.perSecond(2) + rates.perSecond(3);
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
