package io.rstwatch.decode;

/**
 * The few header fields rstwatch needs from one packet, filled in place by {@link PacketDecoder} so that
 * decoding allocates nothing. Addresses are 128-bit, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d).
 *
 * <p>For an ICMP port-unreachable, the addresses, ports and flags are those of the quoted TCP segment (the
 * client's SYN), and {@code reporterHi/Lo} is who sent the ICMP message.
 */
public final class DecodedPacket {
    /** TCP flag bits, as in the header's flags byte. */
    public static final int FIN = 0x01;

    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int ACK = 0x10;

    /** Linux's packet types (SLL/SLL2): who the frame was for, as the kernel saw it. */
    public static final int PACKET_HOST = 0;

    public static final int PACKET_BROADCAST = 1;
    public static final int PACKET_MULTICAST = 2;
    /** To another host's link-layer address: passing through (a bridge port, a promiscuous interface). */
    public static final int PACKET_OTHERHOST = 3;
    /** Sent by this host. */
    public static final int PACKET_OUTGOING = 4;

    /** The ARPHRD type of a loopback device; also set for the NULL and LOOP link types, which are loopback. */
    public static final int ARPHRD_LOOPBACK = 772;

    /** The interface index from a LINUX_SLL2 header, or -1 when the link layer does not say. */
    public int ifindex;

    /** The PACKET_ type from a LINUX_SLL/SLL2 header, or -1 when the link layer does not say. */
    public int packetType;

    /** The ARPHRD type from a LINUX_SLL/SLL2 header ({@link #ARPHRD_LOOPBACK} for NULL/LOOP), or -1. */
    public int hatype;

    /** The Ethernet source and destination MACs (48 bits) of an EN10MB frame, or -1 for other link types. */
    public long ethSrc;

    public long ethDst;

    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    public int srcPort;
    public int dstPort;
    /** Unsigned 32-bit values. */
    public long seq;

    public long ack;
    /** TCP flags, or -1 when an ICMP message quoted too little of the segment to show them. */
    public int tcpFlags;

    public long reporterHi;
    public long reporterLo;

    /**
     * For an ICMP/ICMPv6 destination unreachable: its code, plus {@link #ICMPV6} for ICMPv6; -1 otherwise.
     * Both families' codes in one int, so that a Port entry can keep the last one without allocating.
     */
    public int icmpCode;

    /** Set in {@link #icmpCode} for ICMPv6's codes, whose numbers differ from ICMP's. */
    public static final int ICMPV6 = 0x100;

    /** An empty packet: nothing known yet (-1 where -1 means "not said"). */
    public DecodedPacket() {
        clear();
    }

    void clear() {
        ifindex = -1;
        packetType = -1;
        hatype = -1;
        ethSrc = ethDst = -1;
        srcHi = srcLo = dstHi = dstLo = 0;
        srcPort = dstPort = 0;
        seq = ack = 0;
        tcpFlags = 0;
        reporterHi = reporterLo = 0;
        icmpCode = -1;
    }

    public boolean has(int flag) {
        return tcpFlags >= 0 && (tcpFlags & flag) != 0;
    }
}
