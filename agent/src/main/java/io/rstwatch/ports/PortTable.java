package io.rstwatch.ports;

import io.rstwatch.plugin.Scope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

/**
 * The per-port statistics, bounded: at most {@code maxPorts} ports of each scope have an entry of their own, so
 * that refusals of remote ports, however many, never take a local port's place. When a scope is full, a new port
 * takes the place of that scope's least recently seen entry that has been idle for {@code ports.idle} (no packet,
 * no in-JVM failure) and is not a port something listens on; that entry's counts are folded into its scope's
 * {@link PortStats#OTHER} entry, so no total goes backwards. The fold waits until a sample after the next: a capture
 * or application thread that took the entry just before it went may still be counting into it. With nothing idle, the new port is counted under
 * {@code other}. Lookup is an array index; creating and evicting take the table's lock.
 */
public final class PortTable {
    /** What the registry does with entries as they come and go: hands them to its publisher, never blocks. */
    public interface Changes {
        void added(PortStats entry);

        void removed(PortStats entry);
    }

    /**
     * The entries by scope and port, in pages of {@link #PAGE} ports made on first use: a table of 65,536 slots per
     * scope would take half a MiB of the application's heap for a few hundred entries.
     */
    private final PortStats[][][] pages = new PortStats[2][65536 / PAGE][];

    private static final int PAGE = 256;
    private final PortStats[] other = new PortStats[2];
    private final int maxPorts;
    private final int rateWindow;
    private final long idleMillis;
    private final IntPredicate listening;
    private final long startedNanos = System.nanoTime();
    private final Changes changes;
    private final LongSupplier clockMillis;
    private final List<PortStats> all = new ArrayList<>();
    /** Entries gone from the table, waiting to be folded into their scope's catch-all; under the table's lock. */
    private final ArrayDeque<Leaving> leaving = new ArrayDeque<>();

    private record Leaving(PortStats entry, long sample) {}

    /** Samples taken; under the table's lock. */
    private long samples;
    /** The wall clock at the last sample, to see it step back. Only the sampler touches it. */
    private long lastSampleMillis;
    /** Own entries (not the catch-alls) in the table, by scope. */
    private final int[] named = new int[2];
    /**
     * No entry of a scope can be evicted before this time (epoch ms): saves a scan per new port during a scan of
     * ports.
     */
    private final long[] noEvictionBefore = new long[2];

    /**
     * @param idleSeconds {@code ports.idle}
     * @param listening whether something listens, or listened lately, on a local port: such entries stay
     * @param changes told about each new and each removed entry, on the thread that made the change
     */
    public PortTable(int maxPorts, int rateWindow, int idleSeconds, IntPredicate listening, Changes changes) {
        this(maxPorts, rateWindow, idleSeconds, listening, changes, System::currentTimeMillis);
    }

    /** @param clockMillis the wall clock, epoch ms (tests move it) */
    PortTable(
            int maxPorts,
            int rateWindow,
            int idleSeconds,
            IntPredicate listening,
            Changes changes,
            LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
        this.maxPorts = maxPorts;
        this.rateWindow = rateWindow;
        this.idleMillis = idleSeconds * 1000L;
        this.listening = listening;
        this.changes = changes;
    }

    public PortStats get(Scope scope, int port) {
        PortStats s = find(scope, port);
        return s != null ? s : create(scope, port);
    }

    private synchronized PortStats create(Scope scope, int port) {
        PortStats s = find(scope, port);
        if (s != null) {
            return s;
        }
        long now = clockMillis.getAsLong();
        if (named[scope.ordinal()] >= maxPorts && !evictOne(scope, now)) {
            return other(scope);
        }
        s = new PortStats(scope, port, rateWindow, startedNanos, now);
        PortStats[] page = pages[scope.ordinal()][port / PAGE];
        if (page == null) {
            page = new PortStats[PAGE];
            pages[scope.ordinal()][port / PAGE] = page;
        }
        page[port % PAGE] = s;
        all.add(s);
        named[scope.ordinal()]++;
        changes.added(s);
        return s;
    }

    private PortStats other(Scope scope) {
        PortStats s = other[scope.ordinal()];
        if (s == null) {
            s = new PortStats(scope, PortStats.OTHER, rateWindow, startedNanos, clockMillis.getAsLong());
            other[scope.ordinal()] = s;
            all.add(s);
            changes.added(s);
        }
        return s;
    }

    /** Evicts the scope's least recently seen idle entry into its catch-all; false when none may go. */
    private boolean evictOne(Scope scope, long nowMillis) {
        if (nowMillis < noEvictionBefore[scope.ordinal()] || leaving.size() >= maxPorts) {
            return false; // nothing idle yet; or a whole table's worth waits to be folded: the rest go to other
        }
        PortStats oldest = null;
        long nextPossible = Long.MAX_VALUE;
        for (PortStats s : all) {
            if (s.scope() != scope || s.isOther() || (scope == Scope.LOCAL && listening.test(s.port()))) {
                continue;
            }
            long last = s.lastEventMillis();
            if (nowMillis - last < idleMillis) {
                nextPossible = Math.min(nextPossible, last + idleMillis);
            } else if (oldest == null || last < oldest.lastEventMillis()) {
                oldest = s;
            }
        }
        if (oldest == null) {
            // Listening ports are not counted in nextPossible: they may stop listening; look again in a second.
            noEvictionBefore[scope.ordinal()] = Math.min(nextPossible, nowMillis + 1000);
            return false;
        }
        remove(oldest);
        leaving.add(new Leaving(oldest, samples));
        return true;
    }

    /**
     * Removes an entry whose counts the caller has taken elsewhere (a scanner's row); true when it was still there.
     */
    synchronized boolean remove(PortStats s) {
        if (s.isOther() || find(s.scope(), s.port()) != s) {
            return false;
        }
        pages[s.scope().ordinal()][s.port() / PAGE][s.port() % PAGE] = null;
        all.remove(s);
        named[s.scope().ordinal()]--;
        changes.removed(s);
        return true;
    }

    /** The table's wall clock, epoch ms: for in-JVM failures, whose time no packet tells. */
    long nowMillis() {
        return clockMillis.getAsLong();
    }

    /** Whether the entry is (still) in the table. */
    boolean holds(PortStats s) {
        return s.isOther() ? other[s.scope().ordinal()] == s : find(s.scope(), s.port()) == s;
    }

    /** The entry of this port, or null when it has none of its own. */
    PortStats find(Scope scope, int port) {
        PortStats[] page = pages[scope.ordinal()][port / PAGE];
        return page == null ? null : page[port % PAGE];
    }

    /** A copy of every entry, for the publisher. */
    public synchronized List<PortStats> entries() {
        return new ArrayList<>(all);
    }

    /**
     * Samples every entry's rates; about once a second, {@code nowNanos} from System.nanoTime(). When the wall clock
     * stepped back since the last sample, every entry's last event is moved back to now: else each entry would wait
     * the step and {@code ports.idle} before it could give its place.
     */
    public void sampleRates(long nowNanos) {
        long wall = clockMillis.getAsLong();
        boolean steppedBack = wall < lastSampleMillis;
        lastSampleMillis = wall;
        synchronized (this) {
            if (steppedBack) {
                Arrays.fill(noEvictionBefore, Long.MIN_VALUE);
            }
            samples++;
            // Evicted before the last sample, so at least a sampling interval ago: nobody counts into it any more.
            while (!leaving.isEmpty() && leaving.peek().sample() < samples - 1) {
                PortStats gone = leaving.poll().entry();
                other(gone.scope()).absorb(gone);
            }
        }
        for (PortStats s : entries()) {
            if (steppedBack) {
                s.notAfter(wall);
            }
            s.sampleRates(nowNanos);
        }
    }
}
