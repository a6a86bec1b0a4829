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
 * counts only when it answers a SYN this host sent (the attempts in flight), else it is {@link #unmatchedTotal}. A refusal drawn by a remote port scanner goes to
 * the {@link ScanDetector}, not to the port table. Used by the capture threads: allocates nothing.
 */
public final class ResetClassifier {
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
     * Whether {@code next}, the packet captured right after {@code d}, answers it at once: {@code d} a SYN,
     * {@code next} a RST or SYN-ACK acknowledging it, both on the loopback interface, where only this host's own
     * kernel answers and no other host can forge it. Such an attempt is over before any retransmission could
     * come, so a new one is not tracked as in flight: a flood of refused local connects (an application hammering
     * a closed port) no longer pushes the attempts really waiting for an answer out of the table.
     */
    public static boolean answersAtOnce(Verdict what, DecodedPacket d, Verdict nextWhat, DecodedPacket next) {
        return mayBeAnsweredAtOnce(what, d)
                && (nextWhat == Verdict.TCP_RST && next.has(DecodedPacket.ACK) || nextWhat == Verdict.TCP_SYN_ACK)
                && next.hatype == DecodedPacket.ARPHRD_LOOPBACK
                && next.ack == ((d.seq + 1) & 0xFFFF_FFFFL)
                && next.srcPort == d.dstPort
                && next.dstPort == d.srcPort
                && next.srcHi == d.dstHi
                && next.srcLo == d.dstLo
                && next.dstHi == d.srcHi
                && next.dstLo == d.srcLo;
    }

    /** Whether the packet after this one may answer it at once (see {@link #answersAtOnce}): a loopback SYN. */
    public static boolean mayBeAnsweredAtOnce(Verdict what, DecodedPacket d) {
        return what == Verdict.TCP_SYN && d.hatype == DecodedPacket.ARPHRD_LOOPBACK;
    }

    /**
     * Prepares to count a packet soon: with the packets of a batch decoded first and each touched, their table
     * look-ups overlap in memory (see {@link PendingAttempts#touch}). {@code answeredAtOnce} as for
     * {@link #count}.
     */
    public void touch(Verdict what, DecodedPacket d, boolean answeredAtOnce) {
        if (what == Verdict.TCP_SYN) {
            pending.touch(d, answeredAtOnce);
        }
    }

    /**
     * Counts the packet; {@code what} is the decoder's verdict on it and {@code origin} where it came from. Only
     * {@link Origin#SENT} and {@link Origin#RECEIVED} packets are this host's: the others are the capture's to
     * count. {@code answeredAtOnce}: the next packet answers it (see {@link #answersAtOnce}).
     */
    public void count(
            Verdict what, DecodedPacket d, Origin origin, int ifindex, long nowMillis, boolean answeredAtOnce) {
        if (origin != Origin.SENT && origin != Origin.RECEIVED) {
            return;
        }
        boolean sent = origin == Origin.SENT;
        if (what == Verdict.TCP_SYN) {
            int meaning = pending.syn(d, nowMillis, host.synRetries(), answeredAtOnce);
            if ((meaning & PendingAttempts.UNANSWERED) != 0) {
                recordAttempt(ResetKind.UNANSWERED, sent, d, ifindex, -1, nowMillis);
            }
            if ((meaning & PendingAttempts.LAST) != 0 && host.isLocal(d.srcHi, d.srcLo)) {
                table.get(host.scopeOf(d.dstHi, d.dstLo), d.dstPort).countGivenUp();
            }
            return;
        }
        if (what == Verdict.TCP_SYN_ACK) {
            int meaning = pending.synAck(d, nowMillis, host.synRetries());
            if ((meaning & PendingAttempts.SLOW) != 0) {
                PortStats s = table.find(host.scopeOf(d.srcHi, d.srcLo), d.srcPort);
                if (s != null) {
                    s.countSlow(host.isLocal(d.dstHi, d.dstLo) && (meaning & PendingAttempts.LAST) != 0);
                }
            }
            return;
        }
        if (what.isIcmpError()) {
            if (!pending.answeredByIcmp(d, nowMillis) && !sent) {
                unmatched.increment();
                return;
            }
            // The quoted segment is the client's SYN: its destination refused it, or could not be reached. Each
            // attempt once, however many of its SYNs were answered so.
            if (!answered.firstAnswer(d, nowMillis)) {
                return;
            }
            recordAttempt(
                    what == Verdict.ICMP_UNREACHABLE ? ResetKind.UNREACHABLE : ResetKind.REFUSED,
                    sent,
                    d,
                    ifindex,
                    d.icmpCode,
                    nowMillis);
            return;
        }
        if (what != Verdict.TCP_RST) {
            return;
        }
        if (d.has(DecodedPacket.ACK) && d.seq == 0) {
            if (!sent && !pending.refusedByReset(d, nowMillis)) {
                unmatched.increment();
                return;
            }
            record(
                    ResetKind.REFUSED,
                    sent,
                    d.srcHi,
                    d.srcLo,
                    d.srcPort,
                    d.dstHi,
                    d.dstLo,
                    d.dstPort,
                    ifindex,
                    -1,
                    nowMillis);
            return;
        }
        ResetKind kind = d.has(DecodedPacket.ACK) ? ResetKind.ABORT : ResetKind.STALE;
        if (serviceIsSource(d)) {
            record(kind, sent, d.srcHi, d.srcLo, d.srcPort, d.dstHi, d.dstLo, d.dstPort, ifindex, -1, nowMillis);
        } else {
            record(kind, sent, d.dstHi, d.dstLo, d.dstPort, d.srcHi, d.srcLo, d.srcPort, ifindex, -1, nowMillis);
        }
    }

    /**
     * Refusals (RST+ACK with seq 0, or ICMP errors quoting a SYN) received from another host that answer no SYN
     * this host sent: counted on the Capture MBean only, so that nobody can fill the Port table or steer the alert
     * by forging them.
     */
    public long unmatchedTotal() {
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

    /** An attempt's failure, counted on the port it was for (the SYN's destination); its client is the peer. */
    private void recordAttempt(
            ResetKind kind, boolean sent, DecodedPacket d, int ifindex, int icmpCode, long nowMillis) {
        record(kind, sent, d.dstHi, d.dstLo, d.dstPort, d.srcHi, d.srcLo, d.srcPort, ifindex, icmpCode, nowMillis);
    }

    private void record(
            ResetKind kind,
            boolean sent,
            long svcHi,
            long svcLo,
            int port,
            long peerHi,
            long peerLo,
            int peerPort,
            int ifindex,
            int icmpCode,
            long nowMillis) {
        Scope scope = host.scopeOf(svcHi, svcLo);
        // For an attempt's failure, whether its client is this host: those are in this namespace's AttemptFails.
        boolean peerIsLocal = kind.isAttempt() && host.isLocal(peerHi, peerLo);
        boolean scanned = kind == ResetKind.REFUSED
                && scope == Scope.LOCAL
                && !peerIsLocal
                && !listeners.listensOrListenedRecently(port)
                && scans.refusal(peerHi, peerLo, port, nowMillis);
        if (!scanned) {
            table.get(scope, port)
                    .record(kind, sent, svcHi, svcLo, peerHi, peerLo, peerIsLocal, ifindex, icmpCode, nowMillis);
        }
        if (events.admit(nowMillis)) {
            events.publish(event(
                    kind,
                    sent,
                    scope,
                    parts.service(svcHi, svcLo, port),
                    parts.peer(peerHi, peerLo, peerPort),
                    ifindex,
                    icmpCode,
                    parts.instant(nowMillis)));
        }
    }

    /** Only built when a plugin is loaded: the one place capture allocates per packet. */
    private RstwatchEvent event(
            ResetKind kind,
            boolean sent,
            Scope scope,
            InetSocketAddress service,
            InetSocketAddress peer,
            int ifindex,
            int icmpCode,
            Instant time) {
        String on = ifindex < 0 ? "any" : host.interfaceName(ifindex);
        return switch (kind) {
            case REFUSED -> new RefusedConnection(time, scope, service, peer, on, sent);
            case UNANSWERED -> new UnansweredConnect(time, scope, service, peer, on, sent);
            case UNREACHABLE ->
                new UnreachableConnect(time, scope, service, peer, on, UnreachableCodes.name(icmpCode), sent);
            case ABORT, STALE ->
                new ConnectionReset(
                        time,
                        scope,
                        kind == ResetKind.ABORT ? ConnectionReset.Kind.ABORT : ConnectionReset.Kind.STALE,
                        service,
                        peer,
                        on,
                        sent);
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
