package io.rstwatch.instrument;

import io.rstwatch.jmx.EndpointMXBean;
import io.rstwatch.jmx.MBeans;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes the Connects table's rows as Endpoint MBeans, on the sampler's thread once a second: a row new to the
 * table gets its MBean, a row that left it (idle for ports.idle, its counts gone to the row for all others) loses
 * it, and every MBean reads its row again. Never on the application's thread, where the rows are made.
 */
final class EndpointMBeans {
    private final ConnectRecorder recorder;
    private final int windowSeconds;
    /** By row: a row that leaves and comes back is a new row, its counts from 0, with a new MBean. */
    private final Map<EndpointStats, EndpointView> views = new IdentityHashMap<>();
    /** The row for all others is read anew each time: its MBean stays. */
    private EndpointView others;

    EndpointMBeans(ConnectRecorder recorder, int windowSeconds) {
        this.recorder = recorder;
        this.windowSeconds = windowSeconds;
    }

    void everySecond() {
        long now = System.nanoTime();
        recorder.settleMadeUnresolved(now);
        recorder.sampleConnectTimes(now);
        List<EndpointStats> rows = recorder.endpoints();
        Map<EndpointStats, EndpointView> gone = new IdentityHashMap<>(views);
        for (EndpointStats row : rows) {
            gone.remove(row);
        }
        for (EndpointView v : gone.values()) { // before the new ones: a row back for the same endpoint reuses the name
            MBeans.unregister(v.objectName());
        }
        views.keySet().removeAll(gone.keySet());
        for (EndpointStats row : rows) {
            EndpointView view;
            if (EndpointStats.OTHER.equals(row.port())) {
                view = others;
                if (view == null) {
                    view = others = publish(row, now);
                }
            } else {
                view = views.get(row);
                if (view == null) {
                    view = publish(row, now);
                    views.put(row, view);
                }
            }
            view.refresh(row, now);
        }
    }

    private EndpointView publish(EndpointStats row, long now) {
        EndpointView view = new EndpointView(row.host(), row.port(), windowSeconds, now);
        MBeans.register(view.objectName(), view, EndpointMXBean.class);
        return view;
    }
}
