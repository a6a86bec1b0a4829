package io.rstwatch.listeners;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The backlogs this JVM's own listeners asked for, by port, as the connect instrumentation sees them bind: the
 * accept queue of the Listeners table is measured against them. Bounded: the oldest port goes first.
 */
public final class ListenBacklogs {
    static final int MAX_PORTS = 256;
    /** What the JDK asks for when the application passes 0 or less. */
    static final int JDK_DEFAULT_BACKLOG = 50;

    private final Map<Integer, Integer> byPort = new LinkedHashMap<Integer, Integer>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Integer> eldest) {
            return size() > MAX_PORTS;
        }
    };

    /** A listener of this JVM bound the port asking for {@code backlog} (the kernel caps it at somaxconn). */
    public void bound(int port, int backlog) {
        synchronized (byPort) {
            byPort.put(port, backlog < 1 ? JDK_DEFAULT_BACKLOG : backlog);
        }
    }

    /** The backlog a listener of this JVM on the port asked for, or 0 when unknown. */
    public int backlog(int port) {
        synchronized (byPort) {
            return byPort.getOrDefault(port, 0);
        }
    }
}
