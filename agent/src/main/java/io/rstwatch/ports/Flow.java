package io.rstwatch.ports;

import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.Verdict;
import io.rstwatch.host.HostView;
import io.rstwatch.host.Origin;
import io.rstwatch.plugin.Scope;

/**
 * One event a source hands to the Port, reused: a source fills what it saw, and {@link FlowIntake} works out,
 * once each, what it means for a port. Mutable and never shared between threads: a source owns the ones in its
 * {@link FlowRun}, so that nothing is allocated per packet.
 *
 * <p>What a source fills:
 * <ul>
 * <li>{@link #packet} and {@link #what}: the segment or ICMP error seen, as the decoder gives it (a kernel
 *     source describes what its hook saw the same way: the reset this host sent, the SYN it sent);
 * <li>{@link #ifindex}, {@link #millis};
 * <li>{@link #origin}: {@code null} to have it judged from the link layer and the addresses, or set by a source
 *     that knows whether this host sent or received it.
 * </ul>
 *
 * <p>What the intake fills, read by the port table, the scan detector and the plugin events: the service side
 * (address and port), the peer side, the scope, the direction, whether the peer is this host, and the kind.
 */
public final class Flow {
    /** The packet as decoded: its addresses, ports, flags, sequence numbers and link-layer facts. */
    public final DecodedPacket packet = new DecodedPacket();

    /** The decoder's verdict on {@link #packet}. */
    public Verdict what = Verdict.IGNORED;

    /** The interface it was seen on, or -1. */
    public int ifindex = -1;

    /** When it was seen, epoch milliseconds. */
    public long millis;

    /**
     * Whether this host sent or received it, when the source knows; {@code null} to have the intake judge it.
     * The intake leaves it as the source set it, and says what it found in {@link #sent}.
     */
    public Origin origin;

    /**
     * What a kernel source saw, when it is one ({@link FlowIntake#acceptEvents}); the packet then holds the ends
     * (and an unreachable's code), and {@link #what} is not read.
     */
    public SocketEvent event;

    /**
     * How many events this flow stands for: 1, or for a kernel source a second's count of events alike, counted in
     * the kernel once its ring took enough for the second.
     */
    public long count = 1;

    /** The next packet answers this one at once (see {@link FlowIntake#answersAtOnce}): set by the intake. */
    boolean answeredAtOnce;

    ResetKind kind;
    long serviceHi;
    long serviceLo;
    int port;
    long peerHi;
    long peerLo;
    int peerPort;
    Scope scope;
    /** This host sent it; else this host received it (the intake counts no other origin as a flow). */
    boolean sent;
    /** For an attempt's failure, whether its client is this host: those are in this namespace's AttemptFails. */
    boolean peerIsLocal;
    /** For an ICMP destination unreachable, its code (see {@link DecodedPacket#icmpCode}); -1 otherwise. */
    int icmpCode;

    /** Fills the facts a source gives, for the next hand-over; the meaning is left to the intake. */
    public void set(Verdict what, int ifindex, long millis, Origin origin) {
        // A reference stored into a long-lived object costs a fence in the collector's write barrier: under a
        // flood each slot sees the same verdict and origin again, so only a change is stored.
        if (this.what != what) {
            this.what = what;
        }
        if (this.origin != origin) {
            this.origin = origin;
        }
        this.ifindex = ifindex;
        this.millis = millis;
    }

    /**
     * Gives it its meaning for a port: a {@code kind} of failure of the service at the packet's source (else at
     * its destination), each side's scope and locality looked up once.
     */
    void mean(ResetKind kind, boolean serviceIsSource, HostView host) {
        DecodedPacket d = packet;
        if (this.kind != kind) { // see set(): only a change is stored
            this.kind = kind;
        }
        if (serviceIsSource) {
            side(d.srcHi, d.srcLo, d.srcPort, d.dstHi, d.dstLo, d.dstPort);
        } else {
            side(d.dstHi, d.dstLo, d.dstPort, d.srcHi, d.srcLo, d.srcPort);
        }
        Scope scope = host.scopeOf(serviceHi, serviceLo);
        if (this.scope != scope) {
            this.scope = scope;
        }
        peerIsLocal = kind.isAttempt() && host.isLocal(peerHi, peerLo);
        icmpCode = kind == ResetKind.UNREACHABLE ? d.icmpCode : -1;
    }

    private void side(long svcHi, long svcLo, int svcPort, long pHi, long pLo, int pPort) {
        serviceHi = svcHi;
        serviceLo = svcLo;
        port = svcPort;
        peerHi = pHi;
        peerLo = pLo;
        peerPort = pPort;
    }
}
