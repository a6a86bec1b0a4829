package io.rstwatch.listeners;

import io.rstwatch.listeners.OwnerResolver.Owner;
import io.rstwatch.ports.ListenerLookup.Waiting;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The connects of this namespace waiting for an answer (SYN_SENT sockets, at most {@link #MAX_CONNECTING}), with
 * their owners and since when they wait, grouped by destination for the Port entries' Waiting; and when they are
 * worth asking the kernel for. Listing them walks the host's whole connection table, TIME_WAIT sockets and all
 * (bench/listener-scan), so a walk is made only when the last one found a connect or the kernel's count of SYNs
 * sent again moved, and then no sooner than {@link #CONNECTS_SPACING} times the last walk's CPU time after it. A
 * connect that waits sends its SYN again after 1 s, so it is listed at most one second plus one interval late.
 * One thread only; {@link #waitingFor} reads a snapshot from any.
 */
final class PendingConnects {
    /** Pending connects followed in one refresh: a SYN flood from this host has no more owners worth naming. */
    static final int MAX_CONNECTING = 4096;
    /**
     * A walk for connects waits this many times its own CPU time after the one before, so that the walks take a
     * thousandth of a core at most, however big the table, even under a storm of connects whose SYNs go again (a
     * full accept queue). On a quiet host a walk is short, and the connects are listed every interval.
     */
    static final long CONNECTS_SPACING = 1000;
    /** The longest wait between walks for connects: a connect that waits is still seen before it gives up. */
    static final long CONNECTS_SPACING_MAX_MILLIS = 30_000;
    /** Linux's initial SYN retransmission timeout (TCP_TIMEOUT_INIT): a SYN sent again n times is 2^n - 1 s old. */
    private static final long INITIAL_RTO_MILLIS = 1000;

    /** TcpExt TCPSynRetrans now, -1 when it cannot be read (then connects are always listed). */
    private final LongSupplier synRetransmissionsNow;
    /** The scanner thread's CPU time, ns, to measure what a walk for connects cost. */
    private final LongSupplier threadCpuNanos;

    /** The kernel's count of SYNs sent again at the last refresh that knew the connects. */
    private long synRetransmissionsSeen = Long.MIN_VALUE;
    /** Whether that refresh found a connect waiting. */
    private boolean connectsSeen = true;
    /** The earliest time (clock, ms) of the next walk for connects. */
    private long connectsDueMillis = Long.MIN_VALUE;

    /** This refresh's: TCPSynRetrans, whether a connect may wait, whether they are asked for, the CPU before. */
    private long synRetransmissions;

    private boolean mayWait;
    private boolean asking;
    private long cpuBefore;
    private boolean known;
    private final Set<Long> inodes = new HashSet<>();

    /** Pending connects' owners once found, and when each was first seen: kept while the socket is. */
    private final Map<Long, Owner> owners = new HashMap<>();

    private final Map<Long, Long> since = new HashMap<>();
    /** The pending connects by destination port, grouped by address and process. */
    private volatile Map<Integer, List<Waiting>> waitingByPort = Map.of();

    /**
     * @param synRetransmissions the kernel's TcpExt TCPSynRetrans now, -1 when unknown
     * @param threadCpuNanos the calling thread's CPU time in ns (tests move it)
     */
    PendingConnects(LongSupplier synRetransmissions, LongSupplier threadCpuNanos) {
        this.synRetransmissionsNow = synRetransmissions;
        this.threadCpuNanos = threadCpuNanos;
    }

    /** A refresh begins at {@code startedAt}: whether to ask the kernel for the connects this time. */
    boolean ask(long startedAt) {
        synRetransmissions = synRetransmissionsNow.getAsLong(); // -1 when unknown: connects always listed
        mayWait = connectsSeen || synRetransmissions < 0 || synRetransmissions != synRetransmissionsSeen;
        // A clock stepped back by more than the longest wait makes the walk due, not late by the step.
        boolean due = startedAt >= connectsDueMillis || connectsDueMillis - startedAt > CONNECTS_SPACING_MAX_MILLIS;
        asking = mayWait && due;
        cpuBefore = asking ? threadCpuNanos.getAsLong() : 0;
        return asking;
    }

    /**
     * The kernel was asked (or not, see {@link #ask}): the next walk is spaced by what this one cost.
     *
     * @param byNetlink whether netlink answered; else /proc was read in full, connects and all
     */
    void asked(long startedAt, boolean byNetlink) {
        if (asking) {
            long spacingMillis = (threadCpuNanos.getAsLong() - cpuBefore) * CONNECTS_SPACING / 1_000_000;
            connectsDueMillis = startedAt + Math.max(0, Math.min(spacingMillis, CONNECTS_SPACING_MAX_MILLIS));
        }
        // Connects are known now unless netlink left them out while a walk was not yet due: then the last ones
        // stand, with the times they were first seen.
        known = !byNetlink || asking || !mayWait;
    }

    /**
     * Takes this refresh's connects: those whose owners are not known yet go into {@code wanted} (unless hidden),
     * and every inode of interest into {@code present}.
     */
    void take(List<Connecting> connecting, OwnerResolver resolver, Set<Long> wanted, Set<Long> present) {
        if (known) {
            synRetransmissionsSeen = synRetransmissions;
            connectsSeen = !connecting.isEmpty();
        }
        inodes.clear();
        for (Connecting c : connecting) {
            inodes.add(c.inode());
            if (!owners.containsKey(c.inode())) {
                if (resolver.hidden(c.uid() & 0xFFFF_FFFFL)) {
                    owners.put(c.inode(), Owner.HIDDEN);
                } else {
                    wanted.add(c.inode());
                }
            }
        }
        present.addAll(known ? inodes : since.keySet());
    }

    /** An owner found for one of the connects {@link #take} wanted. */
    void found(long inode, Owner owner) {
        owners.put(inode, owner);
    }

    /**
     * Publishes the connects, grouped by destination and process, when this refresh knows them. The oldest one's
     * start is when it was first seen, or earlier when its SYN was sent again more often than that allows: SYN
     * retransmissions back off from 1 s.
     */
    void publish(List<Connecting> connecting, OwnerResolver resolver, long now) {
        if (!known) {
            return;
        }
        owners.keySet().retainAll(inodes);
        since.keySet().retainAll(inodes);
        record Key(long hi, long lo, int port, int pid, String command, int uid) {}
        Map<Key, Waiting> groups = new LinkedHashMap<>();
        for (Connecting c : connecting) {
            long seenAt = since.computeIfAbsent(c.inode(), i -> now);
            long from = Math.min(seenAt, now - INITIAL_RTO_MILLIS * ((1L << Math.min(c.retransmits(), 20)) - 1));
            Owner o = owners.getOrDefault(c.inode(), Owner.UNKNOWN);
            Key key = new Key(c.remoteHi(), c.remoteLo(), c.remotePort(), o.pid(), o.command(), c.uid());
            groups.merge(
                    key,
                    new Waiting(
                            c.remoteHi(),
                            c.remoteLo(),
                            c.remotePort(),
                            o.pid(),
                            o.command(),
                            resolver.userName(c.uid() & 0xFFFF_FFFFL),
                            1,
                            from),
                    (a, b) -> new Waiting(
                            a.hi(),
                            a.lo(),
                            a.port(),
                            a.pid(),
                            a.command(),
                            a.user(),
                            a.count() + 1,
                            Math.min(a.sinceMillis(), b.sinceMillis())));
        }
        Map<Integer, List<Waiting>> byDestination = new HashMap<>();
        for (Waiting w : groups.values()) {
            byDestination.computeIfAbsent(w.port(), p -> new ArrayList<>()).add(w);
        }
        byDestination.replaceAll((port, list) -> List.copyOf(list));
        waitingByPort = Map.copyOf(byDestination);
    }

    /** The connects waiting for an answer from {@code port}, as of the last refresh that knew them. */
    List<Waiting> waitingFor(int port) {
        return waitingByPort.getOrDefault(port, List.of());
    }
}
