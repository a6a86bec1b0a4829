package io.rstwatch.ports;

import io.rstwatch.plugin.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The per-port statistics, bounded: at most {@code maxPorts} ports across both scopes get their own entry;
 * traffic for any further port goes to the scope's {@link PortStats#OTHER} entry. Lookup is an array index.
 */
public final class PortTable {
    private final PortStats[][] byPort = new PortStats[2][65536];
    private final PortStats[] other = new PortStats[2];
    private final int maxPorts;
    private final int rateWindow;
    private final long startedNanos = System.nanoTime();
    private final Consumer<PortStats> onNewEntry;
    private final List<PortStats> all = new ArrayList<>();

    /**
     * @param onNewEntry told about each new entry, on the thread that created it: must only hand it on
     */
    public PortTable(int maxPorts, int rateWindow, Consumer<PortStats> onNewEntry) {
        this.maxPorts = maxPorts;
        this.rateWindow = rateWindow;
        this.onNewEntry = onNewEntry;
    }

    public PortStats get(Scope scope, int port) {
        PortStats s = byPort[scope.ordinal()][port];
        return s != null ? s : create(scope, port);
    }

    private synchronized PortStats create(Scope scope, int port) {
        PortStats s = byPort[scope.ordinal()][port];
        if (s != null) {
            return s;
        }
        if (all.size() - (other[0] != null ? 1 : 0) - (other[1] != null ? 1 : 0) >= maxPorts) {
            s = other[scope.ordinal()];
            if (s == null) {
                s = new PortStats(scope, PortStats.OTHER, rateWindow, startedNanos);
                other[scope.ordinal()] = s;
                all.add(s);
                onNewEntry.accept(s);
            }
            return s;
        }
        s = new PortStats(scope, port, rateWindow, startedNanos);
        byPort[scope.ordinal()][port] = s;
        all.add(s);
        onNewEntry.accept(s);
        return s;
    }

    /** A copy of every entry, for the publisher. */
    public synchronized List<PortStats> entries() {
        return new ArrayList<>(all);
    }

    /** Samples every entry's rates; about once a second, {@code nowNanos} from System.nanoTime(). */
    public void sampleRates(long nowNanos) {
        for (PortStats s : entries()) {
            s.sampleRates(nowNanos);
        }
    }
}
