package io.rstwatch.listeners;

import io.rstwatch.common.RateWindows;
import io.rstwatch.ebpf.ConnectErrors;
import io.rstwatch.plugin.Scope;
import io.rstwatch.ports.ClientLookup.Client;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The failed connects of this host's processes, by port and process, from the kernel's counts read once a
 * second: each count is followed from one read to the next (a count that went back is a key the kernel's map
 * dropped and took in again, and counts anew), and only connect errors count: ECONNREFUSED (a reset or an ICMP port
 * unreachable), ETIMEDOUT (no answer), EHOSTUNREACH and ENETUNREACH. At most {@link #MAX_ROWS} rows; a new one
 * takes the place of the one that failed least recently. One thread only; {@link #clientsOf} reads a snapshot
 * from any.
 */
final class ClientTable {
    static final int MAX_ROWS = 256;
    /** The errnos a failed connect reports: refused, timed out, host and network unreachable. */
    static final Set<Integer> CONNECT_ERRNOS = Set.of(111, 110, 113, 101);

    /** Who a process is, as shown: pid 0 when it is not to be shown, and the command then says why. */
    record Who(int pid, String command, String user, String container) {}

    private record CountKey(int port, int errno, int tgid, long hi, long lo) {}

    private record RowKey(Scope scope, int port, int tgid) {}

    private record PortKey(Scope scope, int port) {}

    private static final class Row {
        final Who who;
        final RateWindows rate;
        long total;
        long lastSeenMillis;

        /** @param zeroSinceNanos since when the row's count was 0 */
        Row(Who who, int window, long zeroSinceNanos) {
            this.who = who;
            this.rate = RateWindows.fromZero(1, window, 1, zeroSinceNanos);
        }
    }

    private final int window;
    /** Each kernel count as last read, for the next read's difference; only the keys of the last read. */
    private Map<CountKey, Long> lastCounts = new HashMap<>();
    /** In order of their last failure, least recent first. */
    private final LinkedHashMap<RowKey, Row> rows = new LinkedHashMap<>(16, 0.75f, true);

    private volatile Map<PortKey, List<Client>> byPort = Map.of();
    /** When the last read was (System.nanoTime()), Long.MIN_VALUE before the first. */
    private long lastReadNanos = Long.MIN_VALUE;

    /** @param window rate.window, seconds */
    ClientTable(int window) {
        this.window = window;
    }

    /**
     * Takes one read of the kernel's counts.
     *
     * @param scopeOf the scope of a destination address (hi, lo)
     * @param who names a process the first time it fails (tgid): called on this thread
     */
    void take(List<ConnectErrors.Count> counts, ScopeOf scopeOf, IntFunction<Who> who, long nowMillis, long nowNanos) {
        // A new row's failures came since the read before, so its rate counts from then: a second before the first.
        long since = lastReadNanos == Long.MIN_VALUE ? nowNanos - 1_000_000_000L : lastReadNanos;
        lastReadNanos = nowNanos;
        Map<CountKey, Long> seen = new HashMap<>();
        for (ConnectErrors.Count c : counts) {
            if (c.tgid() == 0 || !CONNECT_ERRNOS.contains(c.errno())) {
                continue; // not a connect's, or a socket that began connecting before the hooks came
            }
            CountKey key = new CountKey(c.port(), c.errno(), c.tgid(), c.hi(), c.lo());
            seen.put(key, c.count());
            Long before = lastCounts.get(key);
            long delta = before == null || c.count() < before ? c.count() : c.count() - before;
            if (delta <= 0) {
                continue;
            }
            RowKey rk = new RowKey(scopeOf.scope(c.hi(), c.lo()), c.port(), c.tgid());
            Row row = rows.get(rk);
            if (row == null) {
                if (rows.size() >= MAX_ROWS) {
                    Iterator<Map.Entry<RowKey, Row>> oldest = rows.entrySet().iterator();
                    oldest.next();
                    oldest.remove();
                }
                row = new Row(who.apply(c.tgid()), window, since);
                rows.put(rk, row);
            }
            row.total += delta;
            row.lastSeenMillis = nowMillis;
        }
        lastCounts = seen;
        Map<PortKey, List<Client>> out = new HashMap<>();
        for (Map.Entry<RowKey, Row> e : rows.entrySet()) {
            Row r = e.getValue();
            r.rate.sample(nowNanos, new long[] {r.total});
            out.computeIfAbsent(new PortKey(e.getKey().scope(), e.getKey().port()), k -> new ArrayList<>())
                    .add(new Client(
                            r.who.pid(),
                            r.who.command(),
                            r.who.user(),
                            r.who.container(),
                            r.total,
                            r.lastSeenMillis,
                            r.rate.perSecond(0)));
        }
        for (List<Client> list : out.values()) {
            list.sort((a, b) -> a.perSecond() != b.perSecond()
                    ? Double.compare(b.perSecond(), a.perSecond())
                    : Long.compare(b.lastSeenMillis(), a.lastSeenMillis()));
        }
        out.replaceAll((k, list) -> List.copyOf(list));
        byPort = Map.copyOf(out);
    }

    /** The processes whose connects to the port failed, most failures per second first (then most recent). */
    List<Client> clientsOf(Scope scope, int port) {
        return byPort.getOrDefault(new PortKey(scope, port), List.of());
    }

    /** A destination's scope: local when the address is this host's. */
    @FunctionalInterface
    interface ScopeOf {
        Scope scope(long hi, long lo);
    }
}
