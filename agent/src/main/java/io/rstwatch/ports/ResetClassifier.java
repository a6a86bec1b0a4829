package io.rstwatch.ports;

import io.rstwatch.common.EventSink;
import io.rstwatch.decode.Addresses;
import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.Verdict;
import io.rstwatch.host.HostView;
import io.rstwatch.host.Origin;
import io.rstwatch.plugin.ConnectionReset;
import io.rstwatch.plugin.RefusedConnection;
import io.rstwatch.plugin.RstwatchEvent;
import io.rstwatch.plugin.Scope;
import io.rstwatch.plugin.UnansweredConnect;
import io.rstwatch.plugin.UnreachableConnect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * Turns a decoded RST or ICMP port-unreachable into a counted event (RFC 793/9293 reset rules):
 * <ul>
 * <li>refused: RST+ACK with seq 0 — the answer to a SYN where nothing listens — or ICMP port unreachable
 *     quoting a SYN. The service port is the refusing one (the RST's source port).</li>
 * <li>reset, stale: RST without ACK. Reset, abort: RST+ACK with seq != 0. The service port is the side that is
 *     a local listening port (now or in the last five minutes), else the side outside the ephemeral range, else
 *     the lower port: never an ephemeral port when there is a better choice.</li>
 * </ul>
 * Scope is local when the service address belongs to this host; whether this host sent the packet is its
 * {@link Origin}'s to say, and spoofed or forwarded packets never get here. A refusal received from another host
 * counts only when it answers a SYN this host sent (the attempts in flight), else it is {@link #unmatchedTotal}.
 * A refusal drawn by a remote port scanner goes to the {@link ScanDetector}, not to the port table. Behind
 * {@link FlowIntake}, on the sources' threads: allocates nothing.
 */
final class ResetClassifier {
    private final HostView host;
    private final ListenerLookup listeners;
    private final PortTable table;
    private final ScanDetector scans;
    private final EventSink events;
    /** ICMP errors quoting a SYN already answered: Linux retransmits the SYN once more before it gives up. */
    private final RecentAttempts answered = new RecentAttempts();
    /** SYNs in flight: a SYN sent again is an attempt nothing answered. */
    private final PendingAttempts pending = new PendingAttempts();
    /** The parts of plugin events that a flood repeats, made once. */
    private final EventParts parts = new EventParts();
    /** Refusals received from another host that answer no SYN this host sent: forged, or for another host. */
    private final LongAdder unmatched = new LongAdder();

    ResetClassifier(HostView host, ListenerLookup listeners, PortTable table, ScanDetector scans, EventSink events) {
        this.host = host;
        this.listeners = listeners;
        this.table = table;
        this.scans = scans;
        this.events = events;
    }

    /**
     * Prepares to count a flow soon: with a run's flows touched first, their table look-ups overlap in memory (see
     * {@link PendingAttempts#touch}).
     */
    void touch(Flow f) {
        if (f.what == Verdict.TCP_SYN) {
            pending.touch(f.packet, f.answeredAtOnce);
        }
    }

    /** Counts a flow that this host sent or received, as {@link Flow#sent} says. */
    void count(Flow f) {
        // One small method a verdict: each path stays small enough for the JIT to compile it whole.
        Verdict what = f.what;
        if (what == Verdict.TCP_RST) {
            reset(f);
        } else if (what == Verdict.TCP_SYN) {
            syn(f);
        } else if (what == Verdict.TCP_SYN_ACK) {
            synAck(f);
        } else if (what.isIcmpError()) {
            icmpError(f);
        }
    }

    /**
     * Counts what a kernel source saw ({@link Flow#event}), as the packets it stands for would have been: the
     * kernel matched it to its connection already, so no attempt in flight is needed to believe it. A reset
     * received from this host's own address was counted when this host sent it.
     */
    void countEvent(Flow f) {
        DecodedPacket d = f.packet;
        switch (f.event) {
            case REFUSED -> attempt(f, ResetKind.REFUSED);
            case UNREACHABLE -> attempt(f, ResetKind.UNREACHABLE);
            case UNANSWERED -> attempt(f, ResetKind.UNANSWERED);
            case GIVEN_UP -> {
                f.mean(ResetKind.UNANSWERED, false, host);
                if (f.peerIsLocal) {
                    table.get(f.scope, f.port).countGivenUp(f.count);
                }
            }
            case SLOW -> {
                PortStats s = table.find(host.scopeOf(d.dstHi, d.dstLo), d.dstPort);
                if (s != null) {
                    s.countSlow(false, f.count);
                }
            }
            case STALE, ABORT -> {
                if (!f.sent && host.isLocal(d.srcHi, d.srcLo)) {
                    return;
                }
                f.mean(f.event == SocketEvent.STALE ? ResetKind.STALE : ResetKind.ABORT, serviceIsSource(d), host);
                record(f, f.count);
            }
        }
    }

    /** An attempt's failure, oriented as its SYN: the port is the destination's. */
    private void attempt(Flow f, ResetKind kind) {
        f.mean(kind, false, host);
        record(f, f.count);
    }

    private void syn(Flow f) {
        int meaning = pending.syn(f.packet, f.millis, host.synRetries(), f.answeredAtOnce);
        if (meaning == 0) {
            return;
        }
        f.mean(ResetKind.UNANSWERED, false, host); // the attempt's port: the SYN's destination
        if ((meaning & PendingAttempts.UNANSWERED) != 0) {
            record(f);
        }
        if ((meaning & PendingAttempts.LAST) != 0 && f.peerIsLocal) { // given up by a client on this host
            table.get(f.scope, f.port).countGivenUp(1);
        }
    }

    private void synAck(Flow f) {
        DecodedPacket d = f.packet;
        int meaning = pending.synAck(d, f.millis, host.synRetries());
        if ((meaning & PendingAttempts.SLOW) != 0) {
            PortStats s = table.find(host.scopeOf(d.srcHi, d.srcLo), d.srcPort);
            if (s != null) {
                s.countSlow(host.isLocal(d.dstHi, d.dstLo) && (meaning & PendingAttempts.LAST) != 0, 1);
            }
        }
    }

    private void icmpError(Flow f) {
        DecodedPacket d = f.packet;
        if (!pending.answeredByIcmp(d, f.millis) && !f.sent) {
            unmatched.increment();
            return;
        }
        // The quoted segment is the client's SYN: its destination refused it, or could not be reached. Each
        // attempt once, however many of its SYNs were answered so.
        if (!answered.firstAnswer(d, f.millis)) {
            return;
        }
        f.mean(f.what == Verdict.ICMP_UNREACHABLE ? ResetKind.UNREACHABLE : ResetKind.REFUSED, false, host);
        record(f);
    }

    private void reset(Flow f) {
        DecodedPacket d = f.packet;
        if (d.has(DecodedPacket.ACK) && d.seq == 0) {
            if (!f.sent && !pending.refusedByReset(d, f.millis)) {
                unmatched.increment();
                return;
            }
            f.mean(ResetKind.REFUSED, true, host); // the refusing side is the port
        } else {
            f.mean(d.has(DecodedPacket.ACK) ? ResetKind.ABORT : ResetKind.STALE, serviceIsSource(d), host);
        }
        record(f);
    }

    /**
     * Refusals (RST+ACK with seq 0, or ICMP errors quoting a SYN) received from another host that answer no SYN
     * this host sent: counted on the Capture MBean only, so that nobody can fill the Port table or steer the alert
     * by forging them.
     */
    long unmatchedTotal() {
        return unmatched.sum();
    }

    private boolean serviceIsSource(DecodedPacket d) {
        boolean srcListens = host.isLocal(d.srcHi, d.srcLo) && listeners.listensOrListenedRecently(d.srcPort);
        boolean dstListens = host.isLocal(d.dstHi, d.dstLo) && listeners.listensOrListenedRecently(d.dstPort);
        if (srcListens != dstListens) {
            return srcListens;
        }
        boolean srcEphemeral = host.isEphemeral(d.srcPort);
        boolean dstEphemeral = host.isEphemeral(d.dstPort);
        if (srcEphemeral != dstEphemeral) {
            return dstEphemeral;
        }
        return d.srcPort < d.dstPort;
    }

    private void record(Flow f) {
        record(f, 1);
    }

    /**
     * Counts {@code n} events like {@code f} (a kernel source's counts of a second come as one): the scan detector
     * hears of the port once, and a plugin of one event.
     */
    private void record(Flow f, long n) {
        boolean scanned = f.kind == ResetKind.REFUSED
                && f.scope == Scope.LOCAL
                && !f.peerIsLocal
                && !listeners.listensOrListenedRecently(f.port)
                && scans.refusal(f.peerHi, f.peerLo, f.port, f.millis);
        if (!scanned) {
            table.get(f.scope, f.port).record(f, n);
        }
        if (events.admit(f.millis)) {
            events.publish(event(f));
        }
    }

    /** Only built when a plugin is loaded: the one place capture allocates per packet. */
    private RstwatchEvent event(Flow f) {
        Instant time = parts.instant(f.millis);
        InetSocketAddress service = parts.service(f.serviceHi, f.serviceLo, f.port);
        InetSocketAddress peer = parts.peer(f.peerHi, f.peerLo, f.peerPort);
        String on = f.ifindex < 0 ? "any" : host.interfaceName(f.ifindex);
        return switch (f.kind) {
            case REFUSED -> new RefusedConnection(time, f.scope, service, peer, on, f.sent);
            case UNANSWERED -> new UnansweredConnect(time, f.scope, service, peer, on, f.sent);
            case UNREACHABLE ->
                new UnreachableConnect(time, f.scope, service, peer, on, UnreachableCodes.name(f.icmpCode), f.sent);
            case ABORT, STALE ->
                new ConnectionReset(
                        time,
                        f.scope,
                        f.kind == ResetKind.ABORT ? ConnectionReset.Kind.ABORT : ConnectionReset.Kind.STALE,
                        service,
                        peer,
                        on,
                        f.sent);
        };
    }

    /**
     * Under a flood most events share their service address, their peer's address and their millisecond: each
     * is made once and handed on while it repeats, instead of allocating them anew for every event (under a flood
     * those allocations and the page faults of a growing heap were most of the capture thread's time with
     * plugins). Each last value is one immutable object, read once, so several capture threads may
     * share this without a lock: at worst a thread makes its own.
     */
    private static final class EventParts {
        private record Service(long hi, long lo, int port, InetSocketAddress address) {}

        private record Peer(long hi, long lo, InetAddress address) {}

        private Service service = new Service(0, 0, -1, null);
        private Peer peer = new Peer(0, 0, null);
        private Instant instant = Instant.EPOCH;

        InetSocketAddress service(long hi, long lo, int port) {
            Service s = service;
            if (s.hi != hi || s.lo != lo || s.port != port) {
                s = new Service(hi, lo, port, new InetSocketAddress(Addresses.inet(hi, lo), port));
                service = s;
            }
            return s.address;
        }

        InetSocketAddress peer(long hi, long lo, int port) {
            Peer p = peer;
            if (p.address == null || p.hi != hi || p.lo != lo) {
                p = new Peer(hi, lo, Addresses.inet(hi, lo));
                peer = p;
            }
            return new InetSocketAddress(p.address, port);
        }

        Instant instant(long millis) {
            Instant i = instant;
            if (i.toEpochMilli() != millis) {
                i = Instant.ofEpochMilli(millis);
                instant = i;
            }
            return i;
        }
    }
}
