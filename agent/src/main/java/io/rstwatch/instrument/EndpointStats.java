package io.rstwatch.instrument;

import io.rstwatch.common.DurationWindow;
import io.rstwatch.plugin.ConnectFailure.Cause;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts for one endpoint, and the code that called last. The application's threads write here at once in a
 * connect storm: counts are striped, and the other fields written only when they change, so that the threads
 * do not pass one cache line between cores on every failure.
 */
final class EndpointStats {
    /** Callers kept per endpoint, the most recent last. */
    static final int MAX_CALLERS = 5;
    /** The host and port of the row for all endpoints beyond the table. */
    static final String OTHER = "other";

    private final String endpoint;
    /** As the application gave it: a name, or an address literal. */
    private final String host;
    /** A number, or {@link #OTHER}. */
    private final String port;
    /** The port as a number; -1 for {@link #OTHER}. */
    private final int portNumber;

    private final int windowSeconds;
    /** The times of the successful connects here, made at the first one. */
    private volatile DurationWindow connectTimes;
    /** Successful connects here. */
    private final LongAdder connected = new LongAdder();
    /** When the latest failure was, epoch ms; 0 before the first. */
    private volatile long lastFailedMillis;
    /** How long the latest failed connect took, from its start; -1 when not known. */
    private volatile long failedAfterNanos = -1;
    /** TLS handshakes that failed here, and why the latest did. */
    private final LongAdder tlsFailed = new LongAdder();

    private volatile String tlsFailure = "";
    /** The end of validity of the peer's certificate at the latest handshake, epoch ms; 0 before one. */
    private volatile long certificateNotAfter;

    private final LongAdder[] byCause = new LongAdder[Cause.values().length];
    /** Connects that failed because the name did not resolve: apart from the causes of a connect that was made. */
    private final LongAdder unresolved = new LongAdder();
    /** Why the name did not resolve at the latest such failure, or empty. */
    private volatile String nameFailure = "";
    /** Addresses made unresolved since a connect here last threw for its name, not yet counted; see below. */
    private final AtomicLong madeUnresolved = new AtomicLong();
    /** When the first of them was made (System.nanoTime), by whom the latest, and that address. */
    private volatile long madeSinceNanos;

    private volatile Callers.Caller madeBy;
    private volatile InetSocketAddress madeAddress;
    /** The caller of the latest failure, and its count here. */
    private volatile CallerFailures current;
    /** The latest callers, most recent last; guarded by itself, changed only when the caller changes. */
    private final LinkedHashMap<Callers.Caller, CallerFailures> callers = new LinkedHashMap<>();
    /** The address the last failure had, resolved by whoever connected. */
    private volatile InetSocketAddress address;

    /** When the latest connect, failed or not, was (or the row was made), epoch ms: idle rows give way. */
    private volatile long lastMillis;
    /** Folded into the overflow row: a thread that kept it must look its endpoint up again. */
    volatile boolean evicted;
    /** When it left the table, epoch ms; under the table's lock. */
    long evictedAtMillis;

    EndpointStats(String endpoint, String host, String port, long createdMillis, int windowSeconds) {
        this.endpoint = endpoint;
        this.host = host;
        this.port = port;
        this.portNumber = OTHER.equals(port) ? -1 : Integer.parseInt(port);
        this.lastMillis = createdMillis;
        this.windowSeconds = windowSeconds;
        for (int i = 0; i < byCause.length; i++) {
            byCause[i] = new LongAdder();
        }
    }

    void record(InetSocketAddress to, Cause cause, Callers.Caller caller, long nowMillis) {
        byCause[cause.ordinal()].increment();
        touched(to, caller, nowMillis, 1);
    }

    /** {@code count} attempts that failed because the name did not resolve, {@code why} in a sentence. */
    void recordUnresolved(InetSocketAddress to, String why, Callers.Caller caller, long nowMillis, long count) {
        unresolved.add(count);
        if (!why.equals(nameFailure)) {
            nameFailure = why;
        }
        touched(to, caller, nowMillis, count);
    }

    /**
     * An address of this endpoint was made unresolved (its look-up failed in InetSocketAddress's constructor) by
     * {@code caller}: counted later, unless a connect here throws for its name first (then that is the attempt).
     */
    void madeUnresolved(InetSocketAddress to, Callers.Caller caller, long nowNanos) {
        if (madeBy != caller) { // before the count: whoever takes the count finds them
            madeBy = caller;
        }
        madeAddress = to; // a new address each time: nothing to compare
        if (madeUnresolved.getAndIncrement() == 0) {
            madeSinceNanos = nowNanos;
        }
    }

    /** A connect here threw for its name: the addresses made for it since the last one are that attempt. */
    void connectedUnresolved() {
        if (madeUnresolved.get() != 0) {
            madeUnresolved.set(0);
        }
    }

    /**
     * How many addresses made unresolved, the first at least {@code settleNanos} ago, no connect here followed:
     * each an attempt that ended there (a client that checks its servers' addresses). They are taken.
     */
    long takeMadeUnresolved(long nowNanos, long settleNanos) {
        if (madeUnresolved.get() == 0 || nowNanos - madeSinceNanos < settleNanos) {
            return 0;
        }
        return madeUnresolved.getAndSet(0);
    }

    /** The code that made the latest address taken by {@link #takeMadeUnresolved}. */
    Callers.Caller madeBy() {
        return madeBy;
    }

    /** The latest address taken by {@link #takeMadeUnresolved}. */
    InetSocketAddress madeAddress() {
        return madeAddress;
    }

    /** A connect here connected, in {@code tookNanos}. */
    void recordConnected(long tookNanos, long nowNanos, long nowMillis) {
        DurationWindow w = connectTimes;
        if (w == null) {
            w = connectTimes();
        }
        w.record(tookNanos, nowNanos);
        connected.increment();
        if (lastMillis != nowMillis) {
            lastMillis = nowMillis;
        }
    }

    private synchronized DurationWindow connectTimes() {
        if (connectTimes == null) {
            connectTimes = new DurationWindow(windowSeconds);
        }
        return connectTimes;
    }

    /** A TLS handshake here failed, {@code why} in a sentence. */
    void recordTlsFailure(InetSocketAddress to, String why, Callers.Caller caller, long nowMillis) {
        tlsFailed.increment();
        if (!why.equals(tlsFailure)) {
            tlsFailure = why;
        }
        touched(to, caller, nowMillis, 1);
    }

    /** A handshake here completed with a certificate valid until {@code notAfterMillis}. */
    void certificate(long notAfterMillis) {
        if (certificateNotAfter != notAfterMillis) {
            certificateNotAfter = notAfterMillis;
        }
    }

    /** The latest failed connect here took {@code nanos} from its start. */
    void failedAfter(long nanos) {
        if (failedAfterNanos != nanos) {
            failedAfterNanos = nanos;
        }
    }

    /** Whether this is the row of {@code e}: its host as given, and its port. */
    boolean connectedTo(InetSocketAddress e) {
        return e.getPort() == portNumber && host.equals(e.getHostString());
    }

    /** The caller's count, the address and the time of a failure just counted. */
    private void touched(InetSocketAddress to, Callers.Caller caller, long nowMillis, long count) {
        if (lastFailedMillis != nowMillis) {
            lastFailedMillis = nowMillis;
        }
        CallerFailures c = current;
        if (c == null || !c.caller.equals(caller)) {
            c = switchTo(caller);
        }
        c.failures.add(count);
        if (!to.isUnresolved() && !to.equals(address)) { // a name that did not resolve, or an engine's peer
            address = to;
        }
        if (lastMillis != nowMillis) {
            lastMillis = nowMillis;
        }
    }

    /** {@code caller} is now the latest: the oldest of more than {@link #MAX_CALLERS} goes. */
    private CallerFailures switchTo(Callers.Caller caller) {
        synchronized (callers) {
            CallerFailures c = callers.remove(caller);
            if (c == null) {
                c = new CallerFailures(caller);
            }
            callers.put(caller, c);
            if (callers.size() > MAX_CALLERS) {
                callers.remove(callers.keySet().iterator().next());
            }
            current = c;
            return c;
        }
    }

    /** Shows {@code from}'s callers and their counts as this row's (the row for all others, read anew). */
    void copyCallers(EndpointStats from) {
        synchronized (from.callers) {
            for (CallerFailures c : from.callers.values()) {
                CallerFailures copy = new CallerFailures(c.caller);
                copy.failures.add(c.failures.sum());
                callers.put(c.caller, copy);
                current = copy;
            }
        }
    }

    /** Takes over an evicted row's counts (this is the overflow row): the totals never go backwards. */
    void absorb(EndpointStats gone) {
        for (int i = 0; i < byCause.length; i++) {
            byCause[i].add(gone.byCause[i].sum());
        }
        unresolved.add(gone.unresolved.sum());
        connected.add(gone.connected.sum());
        tlsFailed.add(gone.tlsFailed.sum());
        lastFailedMillis = Math.max(lastFailedMillis, gone.lastFailedMillis);
    }

    /** The row for every endpoint beyond the table. */
    static EndpointStats overflow(long createdMillis, int windowSeconds) {
        return new EndpointStats("other endpoints", OTHER, OTHER, createdMillis, windowSeconds);
    }

    /** Shows {@code from}'s connect times as this row's (the row for all others, read anew). */
    void shareConnectTimes(EndpointStats from) {
        connectTimes = from.connectTimes;
    }

    String endpoint() {
        return endpoint;
    }

    String host() {
        return host;
    }

    String port() {
        return port;
    }

    /** The port as a number; -1 for the overflow row. */
    int portNumber() {
        return portNumber;
    }

    /** The address the latest failure had, or null. */
    InetSocketAddress address() {
        return address;
    }

    /** When the latest connect here, failed or not, was (or the row was made), epoch ms. */
    long lastActiveMillis() {
        return lastMillis;
    }

    /** When the latest failure was, epoch ms; 0 if none. */
    long lastFailedMillis() {
        return lastFailedMillis;
    }

    /** How long the latest failed connect took, ns; -1 when not known. */
    long failedAfterNanos() {
        return failedAfterNanos;
    }

    /** Successful connects here. */
    long connected() {
        return connected.sum();
    }

    /** TLS handshakes that failed here. */
    long tlsFailed() {
        return tlsFailed.sum();
    }

    /** Why the latest TLS handshake here failed ("untrusted: ..."), or empty. */
    String tlsFailure() {
        return tlsFailure;
    }

    /** The end of validity of the peer's certificate at the latest handshake, epoch ms; 0 before one. */
    long certificateNotAfter() {
        return certificateNotAfter;
    }

    /** The connect times over the window, read now: the sampler's thread only. */
    DurationWindow.Figures sampleConnectTimes(long nowNanos) {
        DurationWindow w = connectTimes;
        return w == null ? DurationWindow.Figures.NONE : w.sample(nowNanos);
    }

    /** The latest callers and how many of the failures here each made, most recent last. */
    Map<String, Long> callerFailures() {
        Map<String, Long> out = new LinkedHashMap<>();
        synchronized (callers) {
            for (CallerFailures c : callers.values()) {
                out.put(c.caller.toString(), c.failures.sum());
            }
        }
        return out;
    }

    long count(Cause cause) {
        return byCause[cause.ordinal()].sum();
    }

    /** Connects that failed because the name did not resolve. */
    long unresolved() {
        return unresolved.sum();
    }

    /** Why the name did not resolve at the latest such failure ("not known: ..."), or empty. */
    String nameFailure() {
        return nameFailure;
    }

    long total() {
        long t = unresolved.sum();
        for (LongAdder c : byCause) {
            t += c.sum();
        }
        return t;
    }

    Callers.Caller lastCaller() {
        CallerFailures c = current;
        return c == null ? null : c.caller;
    }

    /** One caller's failures to one endpoint. */
    private static final class CallerFailures {
        final Callers.Caller caller;
        final LongAdder failures = new LongAdder();

        CallerFailures(Callers.Caller caller) {
            this.caller = caller;
        }
    }
}
