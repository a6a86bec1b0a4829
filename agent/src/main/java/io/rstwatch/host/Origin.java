package io.rstwatch.host;

import io.rstwatch.decode.Addresses;
import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.Verdict;

/**
 * Where a captured reset or port-unreachable comes from, judged from the link layer first and the addresses
 * second, so that a packet from the network cannot pass for one of this host's own:
 * <ol>
 * <li>On a loopback interface (ARPHRD_LOOPBACK, or a loopback device) both ends are this host: {@link #SENT}.
 * <li>Anywhere else, a loopback address (127.0.0.0/8, ::1) on either side is {@link #SPOOFED}: Linux never routes
 *     one off a loopback interface.
 * <li>The direction: the LINUX_SLL/SLL2 packet type (outgoing; to us, broadcast, multicast; to another host), or
 *     for Ethernet the frame's MACs against the interface's own. Incoming with one of this host's addresses as
 *     the sender is {@link #SPOOFED}; incoming to one of them is {@link #RECEIVED}; outgoing from one of them is
 *     {@link #SENT}; the rest, and frames for another host's MAC, this host only passes on: {@link #FORWARDED}.
 * <li>With no link-layer direction (RAW captures, an interface without a MAC) the addresses decide.
 * </ol>
 * For an ICMP error the sender is the reporter and the receiver the quoted segment's source. Used by the capture
 * threads: allocates nothing.
 */
public enum Origin {
    /** Sent by this host (every packet on loopback is). */
    SENT,
    /** Received from another host. */
    RECEIVED,
    /** Neither sent nor meant for this host: routed, bridged or seen in passing. Counted, not classified. */
    FORWARDED,
    /** From outside, claiming a loopback address or one of this host's own. Counted, not classified. */
    SPOOFED;

    private static final int OUT = 0;
    private static final int IN = 1;
    private static final int PASSING = 2;
    private static final int UNKNOWN = 3;

    /** The origin of a packet the decoder found to be {@code what}, seen on interface {@code ifindex} (or -1). */
    public static Origin of(Verdict what, DecodedPacket d, int ifindex, HostView host) {
        if (d.hatype == DecodedPacket.ARPHRD_LOOPBACK || host.isLoopbackInterface(ifindex)) {
            return SENT;
        }
        boolean icmp = what.isIcmpError();
        if (Addresses.isLoopback(d.srcHi, d.srcLo)
                || Addresses.isLoopback(d.dstHi, d.dstLo)
                || (icmp && Addresses.isLoopback(d.reporterHi, d.reporterLo))) {
            return SPOOFED;
        }
        boolean fromUs = icmp ? host.isLocal(d.reporterHi, d.reporterLo) : host.isLocal(d.srcHi, d.srcLo);
        boolean toUs = icmp ? host.isLocal(d.srcHi, d.srcLo) : host.isLocal(d.dstHi, d.dstLo);
        switch (direction(d, ifindex, host)) {
            case OUT:
                return fromUs ? SENT : FORWARDED;
            case IN:
                return fromUs ? SPOOFED : toUs ? RECEIVED : FORWARDED;
            case PASSING:
                return FORWARDED;
            default:
                return fromUs ? SENT : toUs ? RECEIVED : FORWARDED;
        }
    }

    private static int direction(DecodedPacket d, int ifindex, HostView host) {
        switch (d.packetType) {
            case DecodedPacket.PACKET_OUTGOING:
                return OUT;
            case DecodedPacket.PACKET_HOST:
            case DecodedPacket.PACKET_BROADCAST:
            case DecodedPacket.PACKET_MULTICAST:
                return IN;
            case DecodedPacket.PACKET_OTHERHOST:
                return PASSING;
            case -1:
                break;
            default:
                return UNKNOWN; // a type Linux adds later: let the addresses decide
        }
        long mac = d.ethSrc < 0 ? -1 : host.mac(ifindex);
        if (mac <= 0) {
            return UNKNOWN;
        }
        if (d.ethSrc == mac) {
            return OUT;
        }
        boolean group = (d.ethDst >>> 40 & 1) != 0; // the I/G bit: broadcast or multicast
        return d.ethDst == mac || group ? IN : PASSING;
    }
}
