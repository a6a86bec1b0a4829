package io.rstwatch.instrument;

import io.rstwatch.plugin.ConnectFailure.Cause;
import io.rstwatch.jmx.ConnectsMXBean;
import io.rstwatch.jmx.EndpointRow;
import java.util.ArrayList;
import java.util.List;

/** Backs rstwatch:type=Connects from the recorder's counters. */
public final class ConnectsView implements ConnectsMXBean {
    private final ConnectRecorder recorder;

    public ConnectsView(ConnectRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public long getFailedTotal() {
        return getRefusedTotal() + getTimedOutTotal() + getUnreachableTotal() + getOtherTotal();
    }

    @Override
    public long getRefusedTotal() {
        return recorder.refused.get();
    }

    @Override
    public long getTimedOutTotal() {
        return recorder.timedOut.get();
    }

    @Override
    public long getUnreachableTotal() {
        return recorder.unreachable.get();
    }

    @Override
    public long getOtherTotal() {
        return recorder.other.get();
    }

    @Override
    public EndpointRow[] getEndpoints() {
        List<EndpointRow> rows = new ArrayList<>();
        for (ConnectRecorder.EndpointStats s : recorder.endpoints()) {
            Callers.Caller c = s.lastCaller();
            rows.add(new EndpointRow(s.endpoint(), s.count(Cause.REFUSED),
                    s.count(Cause.TIMED_OUT), s.count(Cause.UNREACHABLE),
                    s.count(Cause.OTHER), c == null ? "" : c.toString()));
        }
        return rows.toArray(new EndpointRow[0]);
    }
}
