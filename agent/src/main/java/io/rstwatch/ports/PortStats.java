package io.rstwatch.ports;

import io.rstwatch.common.RateWindows;
import io.rstwatch.common.TopPeers;
import io.rstwatch.jmx.ObjectNames;
import io.rstwatch.plugin.Scope;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything counted for one service port of one scope. Written by the capture threads without allocation;
 * the derived values (rates, diagnosis) are refreshed once a second by the publisher.
 */
public final class PortStats {
    /** The port number of the catch-all entry that takes ports beyond {@code ports.max}. */
    public static final int OTHER = -1;

    private static final int MAX_INTERFACES = 8;
    /**
     * What an entry takes besides its rates, published as an MBean, at most: its counters, peers and callers,
     * its view's cached values and the MBean server's record of it. {@code PortHeapTest} holds it to that.
     */
    static final long ENTRY_BYTES = 7 * 1024;
    /** Rates are sampled about once a second. */
    static final int SAMPLE_SECONDS = 1;

    private final Scope scope;
    private final int port;
    /** The entry's counts, indexed by {@link Counter}: written by the capture threads without a lock. */
    private final AtomicLongArray counts = new AtomicLongArray(Counter.ALL.length);
    /** The last unreachable's code as the decoder gives it (ICMPv6 flagged), or -1. */
    private volatile int lastUnreachableCode = -1;

    private volatile long firstSeen;
    private volatile long lastSeen;
    private volatile long createdMillis;
    private volatile long lastJvmFailureMillis;
    /** What {@link #absorb} added to each rate's total, by {@link Rate}: never part of a rate (those ports were idle). */
    private final long[] folded = new long[Rate.ALL.length];

    private volatile long serviceHi;
    private volatile long serviceLo;
    private final int[] interfaces = new int[MAX_INTERFACES];
    private volatile int interfaceCount;
    private final TopPeers peers = new TopPeers(16);
    /** Added to by the application's threads, many at once in a connect storm: striped, not one contended word. */
    final LongAdder jvmFailures = new LongAdder();
    /** The distinct code locations in this JVM whose connects to the port failed, most recent last; bounded. */
    private final LinkedHashSet<String> jvmCallers = new LinkedHashSet<>();

    private static final int MAX_JVM_CALLERS = 5;
    /** The caller added to {@link #jvmCallers} last, so that the same one again needs no lock. */
    private volatile String lastJvmCaller;

    /**
     * What a Port counts. A new count is a constant here, counted where its event is classified, a getter on
     * PortMXBean (one line in PortView) and a line in each collector config, which CollectorConfigsTest holds.
     */
    enum Counter {
        REFUSED,
        /** Refusals whose client is on this host: these are the ones in this namespace's AttemptFails. */
        REFUSED_LOCAL_CLIENTS,
        UNREACHABLE,
        /** Unreachable attempts of clients on this host: in this namespace's AttemptFails. */
        UNREACHABLE_LOCAL_CLIENTS,
        UNANSWERED,
        /** Unanswered attempts that a SYN-ACK answered after all. */
        SLOW,
        /**
         * Attempts of clients on this host whose SYN the kernel sent for the last time (tcp_syn_retries again): it
         * gives them up one timeout later, in AttemptFails. Attempts that the application gives up first (its own
         * connect timeout) are not in AttemptFails, and not here.
         */
        GIVEN_UP_LOCAL_CLIENTS,
        /** Of those, the ones a SYN-ACK answered after all: not given up. */
        RESCUED_LOCAL_CLIENTS,
        STALE,
        ABORT,
        RESETS_SENT,
        RESETS_RECEIVED;

        static final Counter[] ALL = values();
    }

    /** The rates a Port shows, each of a total of its counts, less what {@link #absorb} folded into that total. */
    enum Rate {
        REFUSED(Counter.REFUSED),
        REFUSED_LOCAL_CLIENTS(Counter.REFUSED_LOCAL_CLIENTS),
        RESETS(Counter.STALE, Counter.ABORT),
        UNREACHABLE(Counter.UNREACHABLE),
        UNANSWERED(Counter.UNANSWERED),
        UNREACHABLE_LOCAL_CLIENTS(Counter.UNREACHABLE_LOCAL_CLIENTS),
        /** Given up minus rescued, of clients on this host: the attempts the kernel ends as failed connects. */
        GIVEN_UP_LOCAL_CLIENTS {
            @Override
            long of(PortStats s) {
                return s.total(Counter.GIVEN_UP_LOCAL_CLIENTS) - s.total(Counter.RESCUED_LOCAL_CLIENTS);
            }
        },
        /** This JVM's own failed connects to the port, as the connect advice sees them: capture or not. */
        JVM_FAILURES {
            @Override
            long of(PortStats s) {
                return s.jvmFailures.sum();
            }
        };

        static final Rate[] ALL = values();
        private final Counter[] summed;

        Rate(Counter... summed) {
            this.summed = summed;
        }

        /** The rate's total in the entry: its counters added up. */
        long of(PortStats s) {
            long sum = 0;
            for (Counter c : summed) {
                sum += s.total(c);
            }
            return sum;
        }
    }

    private final RateWindows rates;
    /** The totals of one sample, reused: the sampler takes the entry's lock. */
    private final long[] sampled = new long[Rate.ALL.length];

    /**
     * @param rateWindow seconds over which rates are averaged
     * @param zeroSinceNanos when counting started (System.nanoTime()): every count was 0 from then until now
     * @param createdMillis now, epoch ms: an entry without events is idle from then
     */
    PortStats(Scope scope, int port, int rateWindow, long zeroSinceNanos, long createdMillis) {
        this.createdMillis = createdMillis;
        this.scope = scope;
        this.port = port;
        this.rates = RateWindows.fromZero(Rate.ALL.length, rateWindow, SAMPLE_SECONDS, zeroSinceNanos);
    }

    /** Counts one classified flow whose service is this entry's port. */
    void record(Flow f) {
        record(f, 1);
    }

    /** Counts {@code n} events like the classified flow {@code f} at once (a kernel source's counts). */
    void record(Flow f, long n) {
        ResetKind kind = f.kind;
        boolean peerIsLocal = f.peerIsLocal;
        long nowMillis = f.millis;
        switch (kind) {
            case UNANSWERED:
                count(Counter.UNANSWERED, n);
                break;
            case UNREACHABLE:
                count(Counter.UNREACHABLE, n);
                if (peerIsLocal) {
                    count(Counter.UNREACHABLE_LOCAL_CLIENTS, n);
                }
                if (lastUnreachableCode != f.icmpCode) {
                    lastUnreachableCode = f.icmpCode;
                }
                break;
            case REFUSED:
                count(Counter.REFUSED, n);
                if (peerIsLocal) {
                    count(Counter.REFUSED_LOCAL_CLIENTS, n);
                }
                break;
            case STALE:
                count(Counter.STALE, n);
                break;
            case ABORT:
                count(Counter.ABORT, n);
                break;
            default:
                break;
        }
        if (kind == ResetKind.STALE || kind == ResetKind.ABORT) {
            count(f.sent ? Counter.RESETS_SENT : Counter.RESETS_RECEIVED, n);
        }
        // Volatile writes cost a fence each; at a flood's rate most of these would write what is already there.
        if (firstSeen == 0) {
            firstSeen = nowMillis;
        }
        if (lastSeen != nowMillis) {
            lastSeen = nowMillis;
        }
        if (serviceLo != f.serviceLo || serviceHi != f.serviceHi) {
            serviceHi = f.serviceHi;
            serviceLo = f.serviceLo;
        }
        peers.record(f.peerHi, f.peerLo, n);
        addInterface(f.ifindex);
    }

    private void count(Counter c, long n) {
        if (n == 1) {
            counts.incrementAndGet(c.ordinal());
        } else {
            counts.addAndGet(c.ordinal(), n);
        }
    }

    /** The count of {@code c} since the entry was made, what {@link #absorb} added included. */
    long total(Counter c) {
        return counts.get(c.ordinal());
    }

    /** The total that {@code r} is the rate of: its counters added up. */
    long total(Rate r) {
        return r.of(this);
    }

    /** Events per second over the rate window. */
    double perSecond(Rate r) {
        double perSecond = rates.perSecond(r.ordinal());
        // Rescues can outrun give-ups within a window: the kernel's failures are never fewer than none.
        return r == Rate.GIVEN_UP_LOCAL_CLIENTS ? Math.max(0, perSecond) : perSecond;
    }

    private void addInterface(int ifindex) {
        int n = interfaceCount;
        for (int i = 0; i < n; i++) {
            if (interfaces[i] == ifindex) {
                return;
            }
        }
        synchronized (interfaces) {
            for (int i = 0; i < interfaceCount; i++) {
                if (interfaces[i] == ifindex) {
                    return;
                }
            }
            if (interfaceCount < MAX_INTERFACES) {
                interfaces[interfaceCount] = ifindex;
                interfaceCount = interfaceCount + 1;
            }
        }
    }

    public Scope scope() {
        return scope;
    }

    /** A port of this host with an entry of its own (not the catch-all): one where something can listen. */
    public boolean isNamedLocalPort() {
        return port != OTHER && scope == Scope.LOCAL;
    }

    /** The port's key in its MBean name: the number, or "other" for the catch-all. */
    public String portKey() {
        return isOther() ? ObjectNames.OTHER_PORT : Integer.toString(port);
    }

    /** Whether this is the scope's catch-all entry for ports beyond {@code ports.max}. */
    public boolean isOther() {
        return port == OTHER;
    }

    /** The port number, or {@link #OTHER}. */
    public int port() {
        return port;
    }

    /** Attempts to this port whose SYN was sent again: nothing answered within the retransmission timeout. */
    /** Unanswered attempts answered by a SYN-ACK after all. */
    /**
     * A SYN-ACK answered an attempt counted unanswered; {@code rescued} when its client is this host and the
     * kernel had sent its last SYN (so it was counted as given up).
     */
    void countSlow(boolean rescued, long n) {
        count(Counter.SLOW, n);
        if (rescued) {
            count(Counter.RESCUED_LOCAL_CLIENTS, n);
        }
    }

    /** A client on this host sent its last SYN to this port: the kernel gives the attempt up unless answered. */
    void countGivenUp(long n) {
        count(Counter.GIVEN_UP_LOCAL_CLIENTS, n);
    }

    /** Unreachable attempts of clients on this host, per second: each one a failed connect. */
    /** ICMP destination unreachables other than port unreachable, quoting a SYN to this port. */
    /** The last unreachable's code (ICMPv6 flagged as in DecodedPacket), or -1 when there was none. */
    public int lastUnreachableCode() {
        return lastUnreachableCode;
    }

    public long firstSeen() {
        return firstSeen;
    }

    public long lastSeen() {
        return lastSeen;
    }

    public long serviceHi() {
        return serviceHi;
    }

    public long serviceLo() {
        return serviceLo;
    }

    /** Interface indexes seen, -1 meaning "not told by the link layer". */
    public List<Integer> interfaceIndexes() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < interfaceCount; i++) {
            out.add(interfaces[i]);
        }
        return out;
    }

    public List<String> topPeers(int limit) {
        return peers.top(limit);
    }

    /** The peers that took part most, most first: for the alert, which adds them up over ports. */
    List<TopPeers.Peer> peers(int limit) {
        return peers.peers(limit);
    }

    /** A failed connect to this port by code in this JVM (not from capture: on the application's thread). */
    public void recordJvmFailure(String caller, long nowMillis, long svcHi, long svcLo) {
        if (lastJvmFailureMillis != nowMillis) {
            lastJvmFailureMillis = nowMillis;
        }
        if (serviceLo != svcLo || serviceHi != svcHi) { // the endpoint's address, for the alert without capture
            serviceHi = svcHi;
            serviceLo = svcLo;
        }
        jvmFailures.increment();
        if (caller.equals(lastJvmCaller)) {
            return; // the most recent already: a storm of one caller's failures takes no lock
        }
        lastJvmCaller = caller;
        synchronized (jvmCallers) {
            jvmCallers.remove(caller);
            jvmCallers.add(caller);
            if (jvmCallers.size() > MAX_JVM_CALLERS) {
                jvmCallers.remove(jvmCallers.iterator().next());
            }
        }
    }

    public long jvmFailuresTotal() {
        return jvmFailures.sum();
    }

    public List<String> jvmCallers() {
        synchronized (jvmCallers) {
            return new ArrayList<>(jvmCallers);
        }
    }

    /** The wall clock stepped back to {@code nowMillis}: no time here may lie after it. */
    void notAfter(long nowMillis) {
        if (lastSeen > nowMillis) {
            lastSeen = nowMillis;
        }
        if (lastJvmFailureMillis > nowMillis) {
            lastJvmFailureMillis = nowMillis;
        }
        if (createdMillis > nowMillis) {
            createdMillis = nowMillis;
        }
    }

    /** When anything last happened here: a packet, an in-JVM failure, or the entry's creation (epoch ms). */
    long lastEventMillis() {
        return Math.max(Math.max(lastSeen, lastJvmFailureMillis), createdMillis);
    }

    /** Whether every event here was a refusal drawn by this one peer: then the entry is that peer's alone. */
    boolean onlyRefusalsFrom(long peerHi, long peerLo) {
        return total(Counter.REFUSED) > 0
                && total(Rate.RESETS) == 0
                && total(Counter.UNREACHABLE) == 0
                && total(Counter.UNANSWERED) == 0
                && jvmFailures.sum() == 0
                && peers.isOnly(peerHi, peerLo);
    }

    /**
     * Adds an evicted entry's counts to this one (the catch-all), so that no total goes backwards. They never show
     * in the rates: the evicted port had been idle for longer than any rate window.
     */
    synchronized void absorb(PortStats gone) {
        for (Rate r : Rate.ALL) {
            folded[r.ordinal()] += r.of(gone);
        }
        for (Counter c : Counter.ALL) {
            counts.addAndGet(c.ordinal(), gone.total(c));
        }
        jvmFailures.add(gone.jvmFailures.sum());
    }

    /** About once a second, from the registry's sampler; {@code nowNanos} is System.nanoTime(). */
    synchronized void sampleRates(long nowNanos) {
        for (Rate r : Rate.ALL) {
            sampled[r.ordinal()] = r.of(this) - folded[r.ordinal()];
        }
        rates.sample(nowNanos, sampled);
    }

    /** The heap one entry takes at most with its rates over {@code rateWindow} seconds: for the budget. */
    static long bytes(int rateWindow) {
        return ENTRY_BYTES + RateWindows.bytes(Rate.ALL.length, rateWindow, SAMPLE_SECONDS);
    }
}
