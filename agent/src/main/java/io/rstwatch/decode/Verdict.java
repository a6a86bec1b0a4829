package io.rstwatch.decode;

/** What {@link PacketDecoder#decode} found in one packet. */
public enum Verdict {
    /** Not a packet rstwatch counts: another protocol, a later fragment, an ICMP type of no interest. */
    IGNORED,
    /** A TCP segment with the RST flag. */
    TCP_RST,
    /** A connection attempt: SYN without ACK (and without RST). */
    TCP_SYN,
    /** An attempt's answer: SYN with ACK. */
    TCP_SYN_ACK,
    /** An ICMP or ICMPv6 port unreachable quoting a TCP connection attempt. */
    ICMP_PORT_UNREACHABLE,
    /**
     * An ICMP or ICMPv6 destination unreachable of any other code (net, host, admin-prohibited, ...) quoting a TCP
     * connection attempt; the code is in {@link DecodedPacket#icmpCode}.
     */
    ICMP_UNREACHABLE,
    /** Too short, or a header that contradicts itself: counted as malformed and otherwise ignored. */
    MALFORMED;

    /** An ICMP error quoting a connection attempt: its addresses and ports are the quoted SYN's. */
    public boolean isIcmpError() {
        return this == ICMP_PORT_UNREACHABLE || this == ICMP_UNREACHABLE;
    }
}
