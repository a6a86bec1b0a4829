package io.rstwatch.listeners;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The listeners that went away, at most {@link #MAX_HISTORY} (one per port, the oldest forgotten first), and the
 * ports that listen now or did within {@link #RECENT_MILLIS}: the reset rules ask the latter for every packet,
 * so it is a bit set swapped whole. Written by one thread, read by any.
 */
final class ListenerHistory {
    static final int MAX_HISTORY = 1024;
    /** How long a port that stopped listening still counts as a listening port for the reset rules. */
    static final long RECENT_MILLIS = 300_000;

    private static final int PORTS = 65536;

    /** A listener that went away: who it was and when it went. */
    public record GoneListener(Listener listener, long goneAtMillis) {}

    /** Ports listening now or gone within {@link #RECENT_MILLIS}, as a 65536-bit set: read per packet. */
    private volatile long[] recentBits = new long[PORTS / 64];

    private final Map<Integer, GoneListener> gone =
            Collections.synchronizedMap(new LinkedHashMap<Integer, GoneListener>(64, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, GoneListener> eldest) {
                    return size() > MAX_HISTORY;
                }
            });

    /**
     * Takes a refresh's listeners: a listener of before whose port no listener holds now went away now, and a
     * port that listens again is no longer gone.
     *
     * @param before the listeners of the refresh before
     * @param onPort the listeners now, one per port
     */
    void update(Collection<Listener> before, Map<Integer, Listener> onPort, long nowMillis) {
        long[] bits = new long[PORTS / 64];
        for (int port : onPort.keySet()) {
            bits[port >>> 6] |= 1L << (port & 63);
            gone.remove(port);
        }
        for (Listener old : before) {
            if (!onPort.containsKey(old.port)) {
                gone.remove(old.port); // re-inserted last, so the oldest entry is the one evicted
                gone.put(old.port, new GoneListener(old, nowMillis));
            }
        }
        synchronized (gone) {
            for (GoneListener g : gone.values()) {
                if (nowMillis - g.goneAtMillis <= RECENT_MILLIS) {
                    bits[g.listener.port >>> 6] |= 1L << (g.listener.port & 63);
                }
            }
        }
        recentBits = bits;
    }

    boolean listensOrListenedRecently(int port) {
        return (recentBits[port >>> 6] & 1L << (port & 63)) != 0;
    }

    /** The last listener that went away from the port, or null. */
    GoneListener lastOn(int port) {
        return gone.get(port); // insertion-ordered: a get does not reorder the history
    }

    /** The listeners that went away, most recent first, at most {@code limit}. */
    List<GoneListener> gone(int limit) {
        List<GoneListener> out;
        synchronized (gone) {
            out = new ArrayList<>(gone.values());
        }
        out.sort((a, b) -> Long.compare(b.goneAtMillis, a.goneAtMillis));
        return out.subList(0, Math.min(limit, out.size()));
    }
}
