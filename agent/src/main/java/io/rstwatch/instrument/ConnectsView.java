package io.rstwatch.instrument;

import io.rstwatch.jmx.ConnectsMXBean;
import io.rstwatch.jmx.EndpointRow;
import io.rstwatch.plugin.ConnectFailure.Cause;
import java.util.ArrayList;
import java.util.List;

/** Backs the Connects MBean from the recorder's endpoint rows. */
final class ConnectsView implements ConnectsMXBean {
    private final ConnectRecorder recorder;

    ConnectsView(ConnectRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public long getFailedTotal() {
        return getRefusedTotal() + getTimedOutTotal() + getUnreachableTotal() + getOtherTotal() + getDnsFailedTotal();
    }

    @Override
    public long getRefusedTotal() {
        return recorder.total(Cause.REFUSED);
    }

    @Override
    public long getTimedOutTotal() {
        return recorder.total(Cause.TIMED_OUT);
    }

    @Override
    public long getUnreachableTotal() {
        return recorder.total(Cause.UNREACHABLE);
    }

    @Override
    public long getOtherTotal() {
        return recorder.total(Cause.OTHER);
    }

    @Override
    public long getDnsFailedTotal() {
        return recorder.unresolvedTotal();
    }

    @Override
    public long getDnsResolverFailedTotal() {
        return recorder.resolverFailures();
    }

    @Override
    public long getTlsFailedTotal() {
        return recorder.tlsFailedTotal();
    }

    @Override
    public long getConnectedTotal() {
        return recorder.connectedTotal();
    }

    @Override
    public double getConnectMillisP50() {
        return recorder.connectFigures().p50Millis();
    }

    @Override
    public double getConnectMillisP99() {
        return recorder.connectFigures().p99Millis();
    }

    @Override
    public double getConnectMillisMax() {
        return recorder.connectFigures().maxMillis();
    }

    /**
     * The rows with failures, of a connect or a TLS handshake: an endpoint this JVM only connected to has its Endpoint
     * MBean, not a row here.
     */
    @Override
    public EndpointRow[] getEndpoints() {
        List<EndpointRow> rows = new ArrayList<>();
        for (EndpointStats s : recorder.endpoints()) {
            if (s.total() == 0 && s.tlsFailed() == 0) {
                continue;
            }
            Callers.Caller c = s.lastCaller();
            rows.add(new EndpointRow(
                    s.endpoint(),
                    s.count(Cause.REFUSED),
                    s.count(Cause.TIMED_OUT),
                    s.count(Cause.UNREACHABLE),
                    s.count(Cause.OTHER),
                    s.unresolved(),
                    s.tlsFailed(),
                    c == null ? "" : c.toString()));
        }
        return rows.toArray(new EndpointRow[0]);
    }
}
