package io.rstwatch.capture;

import io.rstwatch.decode.LinkTypes;

/**
 * The kernel-side BPF filter: TCP segments with RST, and ICMP/ICMPv6 port-unreachable messages. libpcap's
 * {@code tcp[tcpflags]} looks at IPv4 only, so IPv6 is matched by offset (TCP right after the fixed header) and
 * IPv6 packets with extension headers are let through for the decoder to walk.
 */
final class CaptureFilter {
    /** Headers only: link (up to 2 VLAN tags) + IP with options + ICMP + quoted IP + TCP up to its flags. */
    static final int SNAPLEN = 192;

    private static final String RESETS_AND_UNREACHABLES = "(tcp[tcpflags] & tcp-rst != 0)"
            + " or (ip6 and ip6[6] == 6 and ip6[53] & 4 != 0)"
            + " or (ip6 and (ip6[6] == 0 or ip6[6] == 43 or ip6[6] == 44 or ip6[6] == 60 or ip6[6] == 51))"
            + " or (icmp and icmp[0] == 3 and icmp[1] == 3)"
            + " or (ip6 and ip6[6] == 58 and ip6[40] == 1 and ip6[41] == 4)";

    private CaptureFilter() {}

    static String forLinkType(int linkType) {
        if (linkType == LinkTypes.EN10MB) {
            // "vlan" shifts the offsets of everything after it, so the untagged form comes first.
            String f = RESETS_AND_UNREACHABLES;
            return f + " or (vlan and (" + f + " or (vlan and (" + f + "))))";
        }
        return RESETS_AND_UNREACHABLES;
    }
}
