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
        return getRefusedTotal() + getTimedOutTotal() + getUnreachableTotal() + getOtherTotal();
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
    public EndpointRow[] getEndpoints() {
        List<EndpointRow> rows = new ArrayList<>();
        for (ConnectRecorder.EndpointStats s : recorder.endpoints()) {
            Callers.Caller c = s.lastCaller();
            rows.add(new EndpointRow(
                    s.endpoint(),
                    s.count(Cause.REFUSED),
                    s.count(Cause.TIMED_OUT),
                    s.count(Cause.UNREACHABLE),
                    s.count(Cause.OTHER),
                    c == null ? "" : c.toString()));
        }
        return rows.toArray(new EndpointRow[0]);
    }
}
