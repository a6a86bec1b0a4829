package io.rstwatch.decode;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * A captured frame built byte by byte from a description, with the reference decode: what a correct decoder says
 * of it, and of every prefix of it. {@link #verdictAt} is the model: a prefix shorter than the bytes the verdict
 * needs (or an IP packet whose own length ends before them) is MALFORMED; anything longer gets the full verdict,
 * whatever trails the IP packet.
 */
public record Frame(byte[] bytes, int linkType, Verdict verdict, int needed, int ipEnd, int srcPort, int dstPort) {

    /** What the IP packet carries. */
    public enum Payload {
        TCP_RST,
        TCP_RST_ACK,
        TCP_SYN,
        UDP,
        /** ICMP(v6) port unreachable quoting a TCP SYN. */
        UNREACHABLE_TCP,
        /** ICMP(v6) port unreachable quoting UDP: never a refusal of ours. */
        UNREACHABLE_UDP,
        /** ICMP(v6) destination unreachable, admin-prohibited (a firewall's REJECT), quoting a TCP SYN. */
        PROHIBITED_TCP,
        /** ICMP echo request. */
        ECHO,
        /** An IPv4 non-first fragment, or an IPv6 one (fragment header with an offset). */
        LATER_FRAGMENT
    }

    /** IPv6 extension headers the chain may hold. */
    public enum Extension {
        HOP_BY_HOP(0),
        ROUTING(43),
        DESTINATION_OPTIONS(60),
        AUTHENTICATION(51),
        /** A first fragment (offset 0): the transport header follows. */
        FIRST_FRAGMENT(44);

        final int number;

        Extension(int number) {
            this.number = number;
        }
    }

    /** The verdict a correct decoder gives the first {@code cut} bytes. */
    public Verdict verdictAt(int cut) {
        return needed <= Math.min(cut, ipEnd) ? verdict : Verdict.MALFORMED;
    }

    /**
     * Builds a frame.
     *
     * @param vlanTags VLAN tags before the IP packet (Ethernet only)
     * @param ipOptions 4-byte words of IPv4 options (0-10)
     * @param extensions IPv6 extension headers, in order; each option header gets {@code extensionWords} extra
     *     8-byte units
     * @param shortBy how many bytes the IP length field claims less than the IP packet has (damage: the rest reads
     *     as a trailer); 0 for an honest length
     * @param trailer bytes after the IP packet (Ethernet padding, a frame check sequence)
     */
    public static Frame build(
            int linkType,
            int vlanTags,
            boolean v6,
            int ipOptions,
            List<Extension> extensions,
            int extensionWords,
            Payload payload,
            int srcPort,
            int dstPort,
            int shortBy,
            byte[] trailer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int family = v6 ? 6 : 4;
        link(out, linkType, vlanTags, family);
        int ipStart = out.size();
        byte[] ip = v6
                ? ipv6(extensions, extensionWords, payload, srcPort, dstPort)
                : ipv4(ipOptions, payload, srcPort, dstPort);
        int[] need = {0};
        Verdict verdict = reference(v6, ip, payload, extensions, extensionWords, ipOptions, need);
        // A length field of 0 means "not given" (GSO, jumbograms): the damage stops one byte short of that.
        int claimed = ip.length - Math.min(shortBy, v6 ? ip.length - 41 : ip.length - 20 - 4 * ipOptions);
        if (v6) {
            put16(ip, 4, claimed - 40);
        } else {
            put16(ip, 2, claimed);
        }
        out.writeBytes(ip);
        out.writeBytes(trailer);
        int ipEnd = ipStart + claimed;
        return new Frame(out.toByteArray(), linkType, verdict, ipStart + need[0], ipEnd, srcPort, dstPort);
    }

    /** The verdict of the whole packet, and in {@code need[0]} how many IP bytes it takes to reach it. */
    private static Verdict reference(
            boolean v6,
            byte[] ip,
            Payload payload,
            List<Extension> extensions,
            int extensionWords,
            int ipOptions,
            int[] need) {
        int l4;
        if (v6) {
            l4 = 40;
            for (Extension e : extensions) {
                l4 += extensionSize(e, extensionWords);
            }
            if (payload == Payload.LATER_FRAGMENT) {
                need[0] = l4 + 8; // the fragment header that says so
                return Verdict.IGNORED;
            }
        } else {
            l4 = 20 + 4 * ipOptions;
            if (payload == Payload.LATER_FRAGMENT) {
                need[0] = l4;
                return Verdict.IGNORED;
            }
        }
        switch (payload) {
            case TCP_RST:
            case TCP_RST_ACK:
                need[0] = l4 + 14;
                return Verdict.TCP_RST;
            case TCP_SYN:
                need[0] = l4 + 14;
                return Verdict.TCP_SYN;
            case UDP:
                // The protocol is in the IP header, or in the last extension header's first 8 bytes.
                need[0] = v6 && !extensions.isEmpty()
                        ? l4 - extensionSize(extensions.get(extensions.size() - 1), extensionWords) + 8
                        : l4;
                return Verdict.IGNORED;
            case ECHO:
                need[0] = l4 + 8;
                return Verdict.IGNORED;
            case UNREACHABLE_UDP:
                need[0] = l4 + 8 + (v6 ? 40 : 20);
                return Verdict.IGNORED;
            case UNREACHABLE_TCP:
                need[0] = l4 + 8 + (v6 ? 40 : 20) + 8; // the quoted ports and sequence number
                return Verdict.ICMP_PORT_UNREACHABLE;
            case PROHIBITED_TCP:
                need[0] = l4 + 8 + (v6 ? 40 : 20) + 8;
                return Verdict.ICMP_UNREACHABLE;
            default:
                throw new IllegalArgumentException(payload.toString());
        }
    }

    private static int extensionSize(Extension e, int words) {
        switch (e) {
            case AUTHENTICATION:
                return 8 + 4 * words; // (payload length + 2) 4-byte units, payload length = words
            case FIRST_FRAGMENT:
                return 8;
            default:
                return 8 + 8 * words;
        }
    }

    private static void link(ByteArrayOutputStream out, int linkType, int vlanTags, int family) {
        int ethertype = family == 6 ? 0x86DD : 0x0800;
        switch (linkType) {
            case LinkTypes.EN10MB:
                out.writeBytes(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
                for (int i = 0; i < vlanTags; i++) {
                    write16(out, i == 0 && vlanTags > 1 ? 0x88A8 : 0x8100);
                    write16(out, 100 + i);
                }
                write16(out, ethertype);
                break;
            case LinkTypes.LINUX_SLL:
                out.writeBytes(new byte[14]);
                write16(out, ethertype);
                break;
            case LinkTypes.LINUX_SLL2:
                write16(out, ethertype);
                out.writeBytes(new byte[] {0, 0, 0, 0, 0, 7}); // reserved, ifindex 7
                out.writeBytes(new byte[12]);
                break;
            case LinkTypes.NULL: // the family in the capturing host's order: little-endian here
                out.writeBytes(new byte[] {(byte) (family == 6 ? 10 : 2), 0, 0, 0});
                break;
            case LinkTypes.LOOP:
                out.writeBytes(new byte[] {0, 0, 0, (byte) (family == 6 ? 24 : 2)});
                break;
            default: // RAW, IPV4, IPV6: the IP packet itself
                break;
        }
    }

    private static byte[] ipv4(int options, Payload payload, int srcPort, int dstPort) {
        byte[] l4 = l4(false, payload, srcPort, dstPort);
        int ihl = 20 + 4 * options;
        byte[] ip = new byte[ihl + l4.length];
        ip[0] = (byte) (0x40 | ihl / 4);
        put16(ip, 2, ip.length);
        if (payload == Payload.LATER_FRAGMENT) {
            put16(ip, 6, 185); // fragment offset 185 * 8
        }
        ip[8] = 64;
        ip[9] = (byte) protocol(false, payload);
        put32(ip, 12, 0x0A000001); // 10.0.0.1
        put32(ip, 16, 0x7F000001); // 127.0.0.1
        for (int i = 20; i < ihl; i++) {
            ip[i] = 1; // NOP options
        }
        System.arraycopy(l4, 0, ip, ihl, l4.length);
        return ip;
    }

    private static byte[] ipv6(List<Extension> extensions, int words, Payload payload, int srcPort, int dstPort) {
        ByteArrayOutputStream chain = new ByteArrayOutputStream();
        int last = protocol(true, payload);
        boolean laterFragment = payload == Payload.LATER_FRAGMENT;
        int finalNext = laterFragment ? 6 : last;
        for (int i = 0; i < extensions.size(); i++) {
            int next = i + 1 < extensions.size() ? extensions.get(i + 1).number : laterFragment ? 44 : finalNext;
            extension(chain, extensions.get(i), words, next);
        }
        if (laterFragment) {
            extension(chain, Extension.FIRST_FRAGMENT, 0, 6);
            byte[] c = chain.toByteArray();
            put16(c, c.length - 6, 185 << 3); // a later fragment: offset 185 * 8
            chain.reset();
            chain.writeBytes(c);
        }
        byte[] l4 = laterFragment ? new byte[24] : l4(true, payload, srcPort, dstPort);
        byte[] ip = new byte[40 + chain.size() + l4.length];
        ip[0] = 0x60;
        put16(ip, 4, ip.length - 40);
        ip[6] = (byte) (extensions.isEmpty() ? (laterFragment ? 44 : last) : extensions.get(0).number);
        ip[7] = 64;
        ip[8 + 15] = 0x42; // 2001:db8::42 reads as ...::42; enough for a source
        ip[8] = 0x20;
        ip[9] = 0x01;
        ip[39] = 1; // ::1
        System.arraycopy(chain.toByteArray(), 0, ip, 40, chain.size());
        System.arraycopy(l4, 0, ip, 40 + chain.size(), l4.length);
        return ip;
    }

    private static void extension(ByteArrayOutputStream chain, Extension e, int words, int next) {
        int size = extensionSize(e, words);
        byte[] h = new byte[size];
        h[0] = (byte) next;
        if (e == Extension.AUTHENTICATION) {
            h[1] = (byte) words; // RFC 4302: (length in 4-byte units) - 2
        } else if (e != Extension.FIRST_FRAGMENT) {
            h[1] = (byte) words; // RFC 8200: 8-byte units, not counting the first 8
            h[2] = 1; // PadN
            h[3] = (byte) (size - 4);
        }
        chain.writeBytes(h);
    }

    private static int protocol(boolean v6, Payload payload) {
        switch (payload) {
            case UDP:
                return 17;
            case UNREACHABLE_TCP:
            case UNREACHABLE_UDP:
            case PROHIBITED_TCP:
            case ECHO:
                return v6 ? 58 : 1;
            default:
                return 6;
        }
    }

    private static byte[] l4(boolean v6, Payload payload, int srcPort, int dstPort) {
        switch (payload) {
            case TCP_RST:
                return tcp(srcPort, dstPort, 0x04, 12345);
            case TCP_RST_ACK:
                return tcp(srcPort, dstPort, 0x14, 0);
            case TCP_SYN:
            case LATER_FRAGMENT:
                return tcp(srcPort, dstPort, 0x02, 777);
            case UDP:
                return udp(srcPort, dstPort);
            case ECHO:
                return new byte[] {(byte) (v6 ? 128 : 8), 0, 0, 0, 0, 1, 0, 1};
            case UNREACHABLE_TCP:
            case UNREACHABLE_UDP:
            case PROHIBITED_TCP:
                boolean tcp = payload != Payload.UNREACHABLE_UDP;
                // The quote: the client's packet as it left, source = client (dstPort here), dest = refusing port.
                byte[] quotedL4 = tcp ? tcp(dstPort, srcPort, 0x02, 99) : udp(dstPort, srcPort);
                byte[] quoted = quotedIp(v6, tcp ? 6 : 17, quotedL4);
                byte[] icmp = new byte[8 + quoted.length];
                icmp[0] = (byte) (v6 ? 1 : 3);
                icmp[1] = (byte) (payload == Payload.PROHIBITED_TCP ? (v6 ? 1 : 13) : (v6 ? 4 : 3));
                System.arraycopy(quoted, 0, icmp, 8, quoted.length);
                return icmp;
            default:
                throw new IllegalArgumentException(payload.toString());
        }
    }

    private static byte[] quotedIp(boolean v6, int protocol, byte[] l4) {
        int header = v6 ? 40 : 20;
        byte[] ip = new byte[header + l4.length];
        if (v6) {
            ip[0] = 0x60;
            put16(ip, 4, 1000); // the original packet was longer than its quote
            ip[6] = (byte) protocol;
            ip[23] = 1;
            ip[39] = 9;
        } else {
            ip[0] = 0x45;
            put16(ip, 2, 1000);
            ip[9] = (byte) protocol;
            put32(ip, 12, 0x7F000001);
            put32(ip, 16, 0x7F000009);
        }
        System.arraycopy(l4, 0, ip, header, l4.length);
        return ip;
    }

    private static byte[] tcp(int srcPort, int dstPort, int flags, long seq) {
        byte[] t = new byte[20];
        put16(t, 0, srcPort);
        put16(t, 2, dstPort);
        put32(t, 4, (int) seq);
        t[12] = 0x50;
        t[13] = (byte) flags;
        return t;
    }

    private static byte[] udp(int srcPort, int dstPort) {
        byte[] u = new byte[8];
        put16(u, 0, srcPort);
        put16(u, 2, dstPort);
        put16(u, 4, 8);
        return u;
    }

    private static void write16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void put32(byte[] b, int off, int v) {
        put16(b, off, v >>> 16);
        put16(b, off + 2, v);
    }
}
