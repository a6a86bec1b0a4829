package io.rstwatch.capture;

import io.rstwatch.decode.LinkTypes;

/**
 * The kernel-side BPF filter: what reaches user space at all. TCP segments with RST or SYN (connection attempts
 * and their answers, headers only, so that an attempt nothing answers can be seen); ICMP and ICMPv6
 * destination-unreachable messages (every code: port, host, net, admin-prohibited) only when the packet they
 * quote is TCP (a UDP unreachable, DNS's daily noise, stays in the kernel). libpcap's {@code tcp[tcpflags]} looks at IPv4 only, so IPv6 is matched by offset: TCP right after
 * the fixed header, or after one extension header (hop-by-hop, routing, destination options: length in 8-byte
 * units after the first 8; AH: in 4-byte units, plus 2). Longer chains, which no common stack sends for a RST, are
 * let through for the decoder to walk unless one is a fragment: IPv6 fragments never reach user space.
 */
final class CaptureFilter {
    /** Headers only: link (up to 2 VLAN tags) + IP with options + ICMP + quoted IP + TCP up to its flags. */
    static final int SNAPLEN = 192;

    private static final String IP6_EXTENSION = "(ip6[6] == 0 or ip6[6] == 43 or ip6[6] == 60)";
    private static final String SECOND_IS_EXTENSION =
            "(ip6[40] == 0 or ip6[40] == 43 or ip6[40] == 60 or ip6[40] == 51)";

    /** RST or SYN: 0x04 | 0x02 in the TCP flags byte. */
    private static final String RESETS_AND_UNREACHABLES = "(tcp[tcpflags] & (tcp-rst|tcp-syn) != 0)"
            + " or (ip6 and ip6[6] == 6 and ip6[53] & 6 != 0)"
            + " or (ip6 and " + IP6_EXTENSION + " and ip6[40] == 6 and ip6[40 + (ip6[41] + 1) * 8 + 13] & 6 != 0)"
            + " or (ip6 and ip6[6] == 51 and ip6[40] == 6 and ip6[40 + (ip6[41] + 2) * 4 + 13] & 6 != 0)"
            + " or (ip6 and (" + IP6_EXTENSION + " or ip6[6] == 51) and " + SECOND_IS_EXTENSION + ")"
            + " or (icmp and icmp[0] == 3 and icmp[17] == 6)"
            + " or (ip6 and ip6[6] == 58 and ip6[40] == 1 and ip6[54] == 6)";

    private CaptureFilter() {}

    /**
     * The filter for a handle of this link type.
     *
     * @param loopbackIndex the loopback interface's index, or -1 when unknown: on {@code any} (SLL2, which carries
     *     the index) the loopback's outgoing copy of each packet is then dropped in the kernel. Loopback hands every
     *     packet to the taps twice, going out and coming in; libpcap skips the outgoing copy in user space anyway,
     *     after the kernel has copied it into the ring and libpcap has walked it. Dropped here, neither happens:
     *     the copy costs the application's sending thread, the walk the capture thread.
     */
    static String forLinkType(int linkType, int loopbackIndex) {
        if (linkType == LinkTypes.LINUX_SLL2 && loopbackIndex > 0) {
            return "not (outbound and ifindex " + loopbackIndex + ") and (" + forLinkType(linkType) + ")";
        }
        return forLinkType(linkType);
    }

    private static String forLinkType(int linkType) {
        if (linkType == LinkTypes.EN10MB) {
            // "vlan" shifts the offsets of everything after it, so the untagged form comes first.
            String f = RESETS_AND_UNREACHABLES;
            return f + " or (vlan and (" + f + " or (vlan and (" + f + "))))";
        }
        return RESETS_AND_UNREACHABLES;
    }
}
