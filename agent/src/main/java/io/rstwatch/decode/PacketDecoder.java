package io.rstwatch.decode;

/**
 * Finds TCP resets and ICMP/ICMPv6 port-unreachable messages in raw captured bytes, without allocating. Every
 * read is checked against the captured length: a short or malformed packet is reported as
 * {@link DecodedPacket#MALFORMED}, never thrown.
 */
public final class PacketDecoder {
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88A8;
    private static final int ETHERTYPE_QINQ_OLD = 0x9100;
    private static final int PROTO_ICMP = 1;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_ICMPV6 = 58;
    private static final int MAX_EXTENSION_HEADERS = 8;
    private static final int MAX_VLAN_TAGS = 4;

    private PacketDecoder() {
    }

    /** Decodes one packet of the given link type into {@code out}; returns what it found. */
    public static int decode(byte[] p, int len, int linkType, DecodedPacket out) {
        out.clear();
        len = Math.min(len, p.length);
        switch (linkType) {
            case LinkTypes.EN10MB:
                return ethernet(p, len, out);
            case LinkTypes.LINUX_SLL:
                return len < 16 ? DecodedPacket.MALFORMED : byEthertype(p, len, 16, u16(p, 14), out);
            case LinkTypes.LINUX_SLL2:
                if (len < 20) {
                    return DecodedPacket.MALFORMED;
                }
                out.ifindex = s32(p, 4);
                return byEthertype(p, len, 20, u16(p, 0), out);
            case LinkTypes.RAW:
            case LinkTypes.RAW_OPENBSD:
            case LinkTypes.LINKTYPE_RAW:
                return byVersion(p, len, 0, out);
            case LinkTypes.IPV4:
                return ipv4(p, len, 0, out);
            case LinkTypes.IPV6:
                return ipv6(p, len, 0, out);
            case LinkTypes.NULL:
            case LinkTypes.LOOP:
                return loopback(p, len, linkType, out);
            default:
                return DecodedPacket.IGNORED;
        }
    }

    private static int ethernet(byte[] p, int len, DecodedPacket out) {
        if (len < 14) {
            return DecodedPacket.MALFORMED;
        }
        int off = 12;
        int type = u16(p, off);
        for (int tags = 0; type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD; tags++) {
            off += 4;
            if (tags == MAX_VLAN_TAGS || off + 2 > len) {
                return DecodedPacket.MALFORMED;
            }
            type = u16(p, off);
        }
        return byEthertype(p, len, off + 2, type, out);
    }

    private static int loopback(byte[] p, int len, int linkType, DecodedPacket out) {
        if (len < 4) {
            return DecodedPacket.MALFORMED;
        }
        // NULL stores the address family in the capturing host's byte order, LOOP in network order.
        int family = linkType == LinkTypes.LOOP ? s32(p, 0)
                : (p[0] != 0 && p[3] == 0 ? (p[0] & 0xFF) | (p[1] & 0xFF) << 8 : s32(p, 0));
        switch (family) {
            case 2:
                return ipv4(p, len, 4, out);
            case 10: case 24: case 28: case 30:
                return ipv6(p, len, 4, out);
            default:
                return DecodedPacket.IGNORED;
        }
    }

    private static int byEthertype(byte[] p, int len, int off, int type, DecodedPacket out) {
        if (type == ETHERTYPE_IPV4) {
            return ipv4(p, len, off, out);
        }
        if (type == ETHERTYPE_IPV6) {
            return ipv6(p, len, off, out);
        }
        return DecodedPacket.IGNORED;
    }

    private static int byVersion(byte[] p, int len, int off, DecodedPacket out) {
        if (off >= len) {
            return DecodedPacket.MALFORMED;
        }
        int version = (p[off] & 0xFF) >>> 4;
        return version == 4 ? ipv4(p, len, off, out) : version == 6 ? ipv6(p, len, off, out) : DecodedPacket.MALFORMED;
    }

    private static int ipv4(byte[] p, int len, int off, DecodedPacket out) {
        if (off + 20 > len || (p[off] & 0xF0) != 0x40) {
            return DecodedPacket.MALFORMED;
        }
        int ihl = (p[off] & 0x0F) * 4;
        if (ihl < 20 || off + ihl > len) {
            return DecodedPacket.MALFORMED;
        }
        if ((u16(p, off + 6) & 0x1FFF) != 0) {
            return DecodedPacket.IGNORED; // a later fragment: no transport header in it
        }
        out.ipVersion = 4;
        out.srcHi = 0;
        out.srcLo = Addresses.v4Lo(s32(p, off + 12));
        out.dstHi = 0;
        out.dstLo = Addresses.v4Lo(s32(p, off + 16));
        int proto = p[off + 9] & 0xFF;
        int l4 = off + ihl;
        if (proto == PROTO_TCP) {
            return tcp(p, len, l4, out, false);
        }
        if (proto == PROTO_ICMP) {
            if (l4 + 8 > len) {
                return DecodedPacket.MALFORMED;
            }
            if ((p[l4] & 0xFF) != 3 || (p[l4 + 1] & 0xFF) != 3) {
                return DecodedPacket.IGNORED; // not "port unreachable"
            }
            long reporterLo = out.srcLo;
            int result = quotedIpv4(p, len, l4 + 8, out);
            out.reporterHi = 0;
            out.reporterLo = reporterLo;
            return result;
        }
        return DecodedPacket.IGNORED;
    }

    private static int quotedIpv4(byte[] p, int len, int off, DecodedPacket out) {
        if (off + 20 > len || (p[off] & 0xF0) != 0x40) {
            return DecodedPacket.MALFORMED;
        }
        int ihl = (p[off] & 0x0F) * 4;
        if (ihl < 20 || (p[off + 9] & 0xFF) != PROTO_TCP) {
            return ihl < 20 ? DecodedPacket.MALFORMED : DecodedPacket.IGNORED;
        }
        out.srcLo = Addresses.v4Lo(s32(p, off + 12));
        out.dstLo = Addresses.v4Lo(s32(p, off + 16));
        return tcp(p, len, off + ihl, out, true);
    }

    private static int ipv6(byte[] p, int len, int off, DecodedPacket out) {
        if (off + 40 > len || (p[off] & 0xF0) != 0x60) {
            return DecodedPacket.MALFORMED;
        }
        out.ipVersion = 6;
        out.srcHi = s64(p, off + 8);
        out.srcLo = s64(p, off + 16);
        out.dstHi = s64(p, off + 24);
        out.dstLo = s64(p, off + 32);
        int next = p[off + 6] & 0xFF;
        int upper = skipExtensions(p, len, off + 40, next);
        if (upper < 0) {
            return upper == -1 ? DecodedPacket.MALFORMED : DecodedPacket.IGNORED;
        }
        next = upper >>> 16;
        int l4 = upper & 0xFFFF;
        if (next == PROTO_TCP) {
            return tcp(p, len, l4, out, false);
        }
        if (next == PROTO_ICMPV6) {
            if (l4 + 8 > len) {
                return DecodedPacket.MALFORMED;
            }
            if ((p[l4] & 0xFF) != 1 || (p[l4 + 1] & 0xFF) != 4) {
                return DecodedPacket.IGNORED; // not "destination unreachable: port unreachable"
            }
            long reporterHi = out.srcHi;
            long reporterLo = out.srcLo;
            int result = quotedIpv6(p, len, l4 + 8, out);
            out.reporterHi = reporterHi;
            out.reporterLo = reporterLo;
            return result;
        }
        return DecodedPacket.IGNORED;
    }

    private static int quotedIpv6(byte[] p, int len, int off, DecodedPacket out) {
        if (off + 40 > len || (p[off] & 0xF0) != 0x60) {
            return DecodedPacket.MALFORMED;
        }
        out.srcHi = s64(p, off + 8);
        out.srcLo = s64(p, off + 16);
        out.dstHi = s64(p, off + 24);
        out.dstLo = s64(p, off + 32);
        int upper = skipExtensions(p, len, off + 40, p[off + 6] & 0xFF);
        if (upper < 0) {
            return upper == -1 ? DecodedPacket.MALFORMED : DecodedPacket.IGNORED;
        }
        return upper >>> 16 == PROTO_TCP ? tcp(p, len, upper & 0xFFFF, out, true) : DecodedPacket.IGNORED;
    }

    /**
     * Walks the IPv6 extension headers. Returns the upper-layer protocol in bits 16-23 and its header's offset in
     * bits 0-15 (packets here are short), -1 when malformed, -2 for a non-first fragment or no next header.
     */
    private static int skipExtensions(byte[] p, int len, int off, int next) {
        for (int i = 0; i <= MAX_EXTENSION_HEADERS; i++) {
            switch (next) {
                case 0: case 43: case 60: // hop-by-hop, routing, destination options
                    if (off + 8 > len) {
                        return -1;
                    }
                    next = p[off] & 0xFF;
                    off += ((p[off + 1] & 0xFF) + 1) * 8;
                    break;
                case 44: // fragment
                    if (off + 8 > len) {
                        return -1;
                    }
                    if ((u16(p, off + 2) & 0xFFF8) != 0) {
                        return -2;
                    }
                    next = p[off] & 0xFF;
                    off += 8;
                    break;
                case 51: // authentication header
                    if (off + 8 > len) {
                        return -1;
                    }
                    next = p[off] & 0xFF;
                    off += ((p[off + 1] & 0xFF) + 2) * 4;
                    break;
                case 59: // no next header
                    return -2;
                default:
                    return off > 0xFFFF ? -1 : next << 16 | off;
            }
        }
        return -1;
    }

    private static int tcp(byte[] p, int len, int off, DecodedPacket out, boolean quoted) {
        if (off + 8 > len) {
            return DecodedPacket.MALFORMED;
        }
        out.srcPort = u16(p, off);
        out.dstPort = u16(p, off + 2);
        out.seq = s32(p, off + 4) & 0xFFFF_FFFFL;
        if (quoted) {
            // RFC 792 guarantees only 8 quoted bytes; Linux quotes more, and then the flags show a SYN.
            out.tcpFlags = off + 14 <= len ? p[off + 13] & 0xFF : -1;
            if (out.tcpFlags >= 0) {
                out.ack = s32(p, off + 8) & 0xFFFF_FFFFL;
                if ((out.tcpFlags & DecodedPacket.SYN) == 0 || (out.tcpFlags & DecodedPacket.ACK) != 0) {
                    return DecodedPacket.IGNORED; // an answer to something other than a connection attempt
                }
            }
            return DecodedPacket.ICMP_PORT_UNREACHABLE;
        }
        if (off + 14 > len) {
            return DecodedPacket.MALFORMED;
        }
        out.ack = s32(p, off + 8) & 0xFFFF_FFFFL;
        out.tcpFlags = p[off + 13] & 0xFF;
        return (out.tcpFlags & DecodedPacket.RST) != 0 ? DecodedPacket.TCP_RST : DecodedPacket.IGNORED;
    }

    private static int u16(byte[] p, int off) {
        return (p[off] & 0xFF) << 8 | p[off + 1] & 0xFF;
    }

    private static int s32(byte[] p, int off) {
        return (p[off] & 0xFF) << 24 | (p[off + 1] & 0xFF) << 16 | (p[off + 2] & 0xFF) << 8 | p[off + 3] & 0xFF;
    }

    private static long s64(byte[] p, int off) {
        return (s32(p, off) & 0xFFFF_FFFFL) << 32 | s32(p, off + 4) & 0xFFFF_FFFFL;
    }
}
