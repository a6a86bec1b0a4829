package io.rstwatch.decode;

import static io.rstwatch.decode.IpHeaders.PROTO_AUTHENTICATION;
import static io.rstwatch.decode.IpHeaders.PROTO_DESTINATION_OPTIONS;
import static io.rstwatch.decode.IpHeaders.PROTO_FRAGMENT;
import static io.rstwatch.decode.IpHeaders.PROTO_HOP_BY_HOP;
import static io.rstwatch.decode.IpHeaders.PROTO_ICMP;
import static io.rstwatch.decode.IpHeaders.PROTO_ICMPV6;
import static io.rstwatch.decode.IpHeaders.PROTO_NO_NEXT_HEADER;
import static io.rstwatch.decode.IpHeaders.PROTO_ROUTING;
import static io.rstwatch.decode.IpHeaders.PROTO_TCP;

import io.rstwatch.decode.IpHeaders.Icmp;
import io.rstwatch.decode.IpHeaders.Ipv4;
import io.rstwatch.decode.IpHeaders.Ipv6;
import io.rstwatch.decode.IpHeaders.Tcp;
import io.rstwatch.decode.LinkHeaders.Ethernet;
import io.rstwatch.decode.LinkHeaders.LinuxSll;
import io.rstwatch.decode.LinkHeaders.LinuxSll2;
import io.rstwatch.decode.LinkHeaders.Loopback;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds TCP resets, connection attempts (SYN) and their answers (SYN-ACK), and ICMP/ICMPv6 destination-unreachable
 * messages quoting a TCP SYN in raw captured bytes, without allocating. Every
 * read is checked against the captured length and the IP packet's own length (so trailer bytes after it are
 * never read as TCP flags): a short or malformed packet is reported as {@link Verdict#MALFORMED}, never thrown.
 * A quoted packet inside an ICMP error is bounded by the ICMP message, since a quote is cut short by design.
 * The header layouts are in {@link LinkHeaders} and {@link IpHeaders}.
 */
public final class PacketDecoder {
    /** Network-order fields read as one load each: byte by byte, a fifth of DecodeAndCountBench's time went here. */
    private static final VarHandle BIG_ENDIAN_SHORT =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

    private static final VarHandle BIG_ENDIAN_INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /** {@link #skipExtensions}: the headers are malformed. */
    private static final int EXT_MALFORMED = -1;
    /** {@link #skipExtensions}: a later fragment, or no next header: nothing to read. */
    private static final int EXT_NOTHING = -2;

    private PacketDecoder() {}

    /** Decodes one packet of the given link type into {@code out}; returns what it found. */
    public static Verdict decode(byte[] p, int len, int linkType, DecodedPacket out) {
        out.clear();
        len = Math.min(len, p.length);
        switch (linkType) {
            case LinkTypes.EN10MB:
                return ethernet(p, len, out);
            case LinkTypes.LINUX_SLL:
                if (len < LinuxSll.HEADER_SIZE) {
                    return Verdict.MALFORMED;
                }
                out.packetType = u16(p, LinuxSll.PACKET_TYPE_OFFSET);
                out.hatype = u16(p, LinuxSll.ARPHRD_OFFSET);
                return byEthertype(p, len, LinuxSll.HEADER_SIZE, u16(p, LinuxSll.PROTOCOL_OFFSET), out);
            case LinkTypes.LINUX_SLL2:
                if (len < LinuxSll2.HEADER_SIZE) {
                    return Verdict.MALFORMED;
                }
                out.ifindex = s32(p, LinuxSll2.IFINDEX_OFFSET);
                out.packetType = u8(p, LinuxSll2.PACKET_TYPE_OFFSET);
                out.hatype = u16(p, LinuxSll2.ARPHRD_OFFSET);
                return byEthertype(p, len, LinuxSll2.HEADER_SIZE, u16(p, LinuxSll2.PROTOCOL_OFFSET), out);
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
                out.hatype = DecodedPacket.ARPHRD_LOOPBACK;
                return loopback(p, len, linkType, out);
            default:
                return Verdict.IGNORED;
        }
    }

    private static Verdict ethernet(byte[] p, int len, DecodedPacket out) {
        if (len < Ethernet.HEADER_SIZE) {
            return Verdict.MALFORMED;
        }
        out.ethDst = u48(p, Ethernet.DST_ADDR_OFFSET);
        out.ethSrc = u48(p, Ethernet.SRC_ADDR_OFFSET);
        int off = Ethernet.TYPE_OFFSET;
        int type = u16(p, off);
        for (int tags = 0; Ethernet.isVlanTag(type); tags++) {
            off += Ethernet.VLAN_TAG_SIZE;
            if (tags == Ethernet.MAX_VLAN_TAGS || off + Ethernet.TYPE_SIZE > len) {
                return Verdict.MALFORMED;
            }
            type = u16(p, off);
        }
        return byEthertype(p, len, off + Ethernet.TYPE_SIZE, type, out);
    }

    private static Verdict loopback(byte[] p, int len, int linkType, DecodedPacket out) {
        if (len < Loopback.HEADER_SIZE) {
            return Verdict.MALFORMED;
        }
        // NULL stores the address family in the capturing host's byte order, LOOP in network order.
        int family = linkType == LinkTypes.LOOP
                ? s32(p, Loopback.FAMILY_OFFSET)
                : (p[0] != 0 && p[3] == 0 ? (p[0] & 0xFF) | (p[1] & 0xFF) << 8 : s32(p, Loopback.FAMILY_OFFSET));
        if (family == Loopback.AF_INET) {
            return ipv4(p, len, Loopback.HEADER_SIZE, out);
        }
        return Loopback.isInet6(family) ? ipv6(p, len, Loopback.HEADER_SIZE, out) : Verdict.IGNORED;
    }

    private static Verdict byEthertype(byte[] p, int len, int off, int type, DecodedPacket out) {
        if (type == Ethernet.TYPE_IPV4) {
            return ipv4(p, len, off, out);
        }
        if (type == Ethernet.TYPE_IPV6) {
            return ipv6(p, len, off, out);
        }
        return Verdict.IGNORED;
    }

    private static Verdict byVersion(byte[] p, int len, int off, DecodedPacket out) {
        if (off >= len) {
            return Verdict.MALFORMED;
        }
        int version = version(p, off);
        return version == Ipv4.VERSION
                ? ipv4(p, len, off, out)
                : version == Ipv6.VERSION ? ipv6(p, len, off, out) : Verdict.MALFORMED;
    }

    private static Verdict ipv4(byte[] p, int len, int off, DecodedPacket out) {
        if (off + Ipv4.MIN_HEADER_SIZE > len || version(p, off) != Ipv4.VERSION) {
            return Verdict.MALFORMED;
        }
        int ihl = ihl(p, off);
        int total = u16(p, off + Ipv4.TOTAL_LENGTH_OFFSET);
        if (ihl < Ipv4.MIN_HEADER_SIZE || off + ihl > len || (total != 0 && total < ihl)) {
            return Verdict.MALFORMED;
        }
        // Everything after the IP packet (an Ethernet trailer, padding) is not part of it. 0: a GSO or BIG TCP
        // packet whose length the kernel leaves out; RSTs are never those, but the capture is not the place to guess.
        if (total != 0) {
            len = Math.min(len, off + total);
        }
        if ((u16(p, off + Ipv4.FLAGS_AND_FRAGMENT_OFFSET) & Ipv4.FRAGMENT_OFFSET_MASK) != 0) {
            return Verdict.IGNORED; // a later fragment: no transport header in it
        }
        out.srcHi = 0;
        out.srcLo = Addresses.v4Lo(s32(p, off + Ipv4.SRC_ADDR_OFFSET));
        out.dstHi = 0;
        out.dstLo = Addresses.v4Lo(s32(p, off + Ipv4.DST_ADDR_OFFSET));
        int proto = u8(p, off + Ipv4.PROTOCOL_OFFSET);
        int l4 = off + ihl;
        if (proto == PROTO_TCP) {
            return tcp(p, len, l4, out, false);
        }
        if (proto == PROTO_ICMP) {
            if (l4 + Icmp.HEADER_SIZE > len) {
                return Verdict.MALFORMED;
            }
            if (u8(p, l4 + Icmp.TYPE_OFFSET) != Icmp.V4_DEST_UNREACHABLE) {
                return Verdict.IGNORED; // not "destination unreachable"
            }
            int code = u8(p, l4 + Icmp.CODE_OFFSET);
            long reporterLo = out.srcLo;
            Verdict result = quotedIpv4(p, len, l4 + Icmp.HEADER_SIZE, out);
            out.reporterHi = 0;
            out.reporterLo = reporterLo;
            out.icmpCode = code;
            return result == Verdict.ICMP_PORT_UNREACHABLE && code != Icmp.V4_PORT_UNREACHABLE
                    ? Verdict.ICMP_UNREACHABLE
                    : result;
        }
        return Verdict.IGNORED;
    }

    private static Verdict quotedIpv4(byte[] p, int len, int off, DecodedPacket out) {
        if (off + Ipv4.MIN_HEADER_SIZE > len || version(p, off) != Ipv4.VERSION) {
            return Verdict.MALFORMED;
        }
        int ihl = ihl(p, off);
        if (ihl < Ipv4.MIN_HEADER_SIZE || u8(p, off + Ipv4.PROTOCOL_OFFSET) != PROTO_TCP) {
            return ihl < Ipv4.MIN_HEADER_SIZE ? Verdict.MALFORMED : Verdict.IGNORED;
        }
        out.srcLo = Addresses.v4Lo(s32(p, off + Ipv4.SRC_ADDR_OFFSET));
        out.dstLo = Addresses.v4Lo(s32(p, off + Ipv4.DST_ADDR_OFFSET));
        return tcp(p, len, off + ihl, out, true);
    }

    private static Verdict ipv6(byte[] p, int len, int off, DecodedPacket out) {
        if (off + Ipv6.HEADER_SIZE > len || version(p, off) != Ipv6.VERSION) {
            return Verdict.MALFORMED;
        }
        int payload = u16(p, off + Ipv6.PAYLOAD_LENGTH_OFFSET);
        if (payload != 0) { // 0: a jumbogram, or a GSO packet; as for IPv4, not bounded
            len = Math.min(len, off + Ipv6.HEADER_SIZE + payload);
        }
        readIpv6Addresses(p, off, out);
        int upper = skipExtensions(p, len, off + Ipv6.HEADER_SIZE, u8(p, off + Ipv6.NEXT_HEADER_OFFSET));
        if (upper < 0) {
            return upper == EXT_MALFORMED ? Verdict.MALFORMED : Verdict.IGNORED;
        }
        int next = upper >>> 16;
        int l4 = upper & 0xFFFF;
        if (next == PROTO_TCP) {
            return tcp(p, len, l4, out, false);
        }
        if (next == PROTO_ICMPV6) {
            if (l4 + Icmp.HEADER_SIZE > len) {
                return Verdict.MALFORMED;
            }
            if (u8(p, l4 + Icmp.TYPE_OFFSET) != Icmp.V6_DEST_UNREACHABLE) {
                return Verdict.IGNORED; // not "destination unreachable"
            }
            int code = u8(p, l4 + Icmp.CODE_OFFSET);
            long reporterHi = out.srcHi;
            long reporterLo = out.srcLo;
            Verdict result = quotedIpv6(p, len, l4 + Icmp.HEADER_SIZE, out);
            out.reporterHi = reporterHi;
            out.reporterLo = reporterLo;
            out.icmpCode = DecodedPacket.ICMPV6 | code;
            return result == Verdict.ICMP_PORT_UNREACHABLE && code != Icmp.V6_PORT_UNREACHABLE
                    ? Verdict.ICMP_UNREACHABLE
                    : result;
        }
        return Verdict.IGNORED;
    }

    private static Verdict quotedIpv6(byte[] p, int len, int off, DecodedPacket out) {
        if (off + Ipv6.HEADER_SIZE > len || version(p, off) != Ipv6.VERSION) {
            return Verdict.MALFORMED;
        }
        readIpv6Addresses(p, off, out);
        int upper = skipExtensions(p, len, off + Ipv6.HEADER_SIZE, u8(p, off + Ipv6.NEXT_HEADER_OFFSET));
        if (upper < 0) {
            return upper == EXT_MALFORMED ? Verdict.MALFORMED : Verdict.IGNORED;
        }
        return upper >>> 16 == PROTO_TCP ? tcp(p, len, upper & 0xFFFF, out, true) : Verdict.IGNORED;
    }

    private static void readIpv6Addresses(byte[] p, int off, DecodedPacket out) {
        out.srcHi = s64(p, off + Ipv6.SRC_ADDR_OFFSET);
        out.srcLo = s64(p, off + Ipv6.SRC_ADDR_OFFSET + 8);
        out.dstHi = s64(p, off + Ipv6.DST_ADDR_OFFSET);
        out.dstLo = s64(p, off + Ipv6.DST_ADDR_OFFSET + 8);
    }

    /**
     * Walks the IPv6 extension headers. Returns the upper-layer protocol in bits 16-23 and its header's offset in
     * bits 0-15 (packets here are short), {@link #EXT_MALFORMED}, or {@link #EXT_NOTHING} for a non-first
     * fragment or no next header.
     */
    private static int skipExtensions(byte[] p, int len, int off, int next) {
        for (int i = 0; i <= Ipv6.MAX_EXTENSION_HEADERS; i++) {
            switch (next) {
                case PROTO_HOP_BY_HOP:
                case PROTO_ROUTING:
                case PROTO_DESTINATION_OPTIONS:
                    if (off + Ipv6.EXT_MIN_SIZE > len) {
                        return EXT_MALFORMED;
                    }
                    next = u8(p, off + Ipv6.EXT_NEXT_HEADER_OFFSET);
                    off += (u8(p, off + Ipv6.EXT_LENGTH_OFFSET) + 1) * Ipv6.EXT_LENGTH_UNIT;
                    break;
                case PROTO_FRAGMENT:
                    if (off + Ipv6.EXT_MIN_SIZE > len) {
                        return EXT_MALFORMED;
                    }
                    if ((u16(p, off + Ipv6.FRAGMENT_OFFSET_OFFSET) & Ipv6.FRAGMENT_OFFSET_MASK) != 0) {
                        return EXT_NOTHING;
                    }
                    next = u8(p, off + Ipv6.EXT_NEXT_HEADER_OFFSET);
                    off += Ipv6.EXT_MIN_SIZE;
                    break;
                case PROTO_AUTHENTICATION:
                    if (off + Ipv6.EXT_MIN_SIZE > len) {
                        return EXT_MALFORMED;
                    }
                    next = u8(p, off + Ipv6.EXT_NEXT_HEADER_OFFSET);
                    off += (u8(p, off + Ipv6.EXT_LENGTH_OFFSET) + Ipv6.AH_LENGTH_BIAS) * Ipv6.AH_LENGTH_UNIT;
                    break;
                case PROTO_NO_NEXT_HEADER:
                    return EXT_NOTHING;
                default:
                    return off > 0xFFFF ? EXT_MALFORMED : next << 16 | off;
            }
        }
        return EXT_MALFORMED;
    }

    private static Verdict tcp(byte[] p, int len, int off, DecodedPacket out, boolean quoted) {
        if (off + Tcp.THROUGH_SEQ > len) {
            return Verdict.MALFORMED;
        }
        out.srcPort = u16(p, off + Tcp.SRC_PORT_OFFSET);
        out.dstPort = u16(p, off + Tcp.DST_PORT_OFFSET);
        out.seq = s32(p, off + Tcp.SEQ_OFFSET) & 0xFFFF_FFFFL;
        if (quoted) {
            // RFC 792 guarantees only 8 quoted bytes; Linux quotes more, and then the flags show a SYN.
            out.tcpFlags = off + Tcp.THROUGH_FLAGS <= len ? u8(p, off + Tcp.FLAGS_OFFSET) : -1;
            if (out.tcpFlags >= 0) {
                out.ack = s32(p, off + Tcp.ACK_OFFSET) & 0xFFFF_FFFFL;
                if ((out.tcpFlags & DecodedPacket.SYN) == 0 || (out.tcpFlags & DecodedPacket.ACK) != 0) {
                    return Verdict.IGNORED; // an answer to something other than a connection attempt
                }
            }
            return Verdict.ICMP_PORT_UNREACHABLE;
        }
        if (off + Tcp.THROUGH_FLAGS > len) {
            return Verdict.MALFORMED;
        }
        out.ack = s32(p, off + Tcp.ACK_OFFSET) & 0xFFFF_FFFFL;
        out.tcpFlags = u8(p, off + Tcp.FLAGS_OFFSET);
        if ((out.tcpFlags & DecodedPacket.RST) != 0) {
            return Verdict.TCP_RST;
        }
        if ((out.tcpFlags & DecodedPacket.SYN) != 0) {
            return (out.tcpFlags & DecodedPacket.ACK) != 0 ? Verdict.TCP_SYN_ACK : Verdict.TCP_SYN;
        }
        return Verdict.IGNORED;
    }

    /** The IP version nibble, the same place in IPv4 and IPv6. */
    private static int version(byte[] p, int off) {
        return u8(p, off) >>> 4;
    }

    /** The IPv4 header length in bytes. */
    private static int ihl(byte[] p, int off) {
        return (u8(p, off + Ipv4.VERSION_AND_IHL_OFFSET) & 0x0F) * 4;
    }

    private static int u8(byte[] p, int off) {
        return p[off] & 0xFF;
    }

    private static int u16(byte[] p, int off) {
        return (short) BIG_ENDIAN_SHORT.get(p, off) & 0xFFFF;
    }

    private static int s32(byte[] p, int off) {
        return (int) BIG_ENDIAN_INT.get(p, off);
    }

    private static long u48(byte[] p, int off) {
        return (long) u16(p, off) << 32 | s32(p, off + 2) & 0xFFFF_FFFFL;
    }

    private static long s64(byte[] p, int off) {
        return (s32(p, off) & 0xFFFF_FFFFL) << 32 | s32(p, off + 4) & 0xFFFF_FFFFL;
    }
}
