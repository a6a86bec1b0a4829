package io.rstwatch.capture;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.LinkTypes;
import java.lang.reflect.Field;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

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

    /** struct sock_filter: code (2), jump if true (1), jump if false (1), k (4). */
    static final int INSTRUCTION = 8;

    static final int LOOPBACK_PREFIX = 5;
    private static final int BPF_LD_B_ABS = 0x30;
    private static final int BPF_LD_W_ABS = 0x20;
    private static final int BPF_JEQ_K = 0x15;
    private static final int BPF_RET_K = 0x06;
    private static final int SKF_AD_OFF = -0x1000;
    private static final int SKF_AD_PKTTYPE = 4;
    private static final int SKF_AD_IFINDEX = 8;

    /** The filter has no "net" clause: the netmask is unused. */
    private static final Inet4Address ANY_NETMASK = anyNetmask();

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
     * The socket filter for a packet socket that hands over packets of this link type (EN10MB on a raw socket, RAW
     * on a datagram socket, where the filter sees the network-layer packet), compiled by libpcap, as the kernel's
     * struct sock_filter array.
     *
     * @param loopbackIndex the loopback interface's index, or -1 when unknown: the loopback's outgoing copy of each
     *     packet is then dropped in the kernel. Loopback hands every packet to the taps twice, going out and coming
     *     in; dropped here, the outgoing copy is neither copied into the ring (which costs the application's sending
     *     thread) nor walked by the capture thread.
     */
    static byte[] program(int linkType, int loopbackIndex) throws PcapNativeException, NotOpenException {
        byte[] compiled = compile(linkType);
        if (loopbackIndex <= 0) {
            return compiled;
        }
        ByteBuffer p = ByteBuffer.allocate(LOOPBACK_PREFIX * INSTRUCTION + compiled.length)
                .order(ByteOrder.nativeOrder());
        // Linux's ancillary loads (SKF_AD_OFF + ...): what libpcap emits for "outbound" and "ifindex" on a live
        // socket, which a program compiled for a packet type without a link header cannot name.
        instruction(p, BPF_LD_B_ABS, 0, 0, SKF_AD_OFF + SKF_AD_PKTTYPE);
        instruction(p, BPF_JEQ_K, 0, 3, DecodedPacket.PACKET_OUTGOING);
        instruction(p, BPF_LD_W_ABS, 0, 0, SKF_AD_OFF + SKF_AD_IFINDEX);
        instruction(p, BPF_JEQ_K, 0, 1, loopbackIndex);
        instruction(p, BPF_RET_K, 0, 0, 0);
        p.put(compiled);
        return p.array();
    }

    /** The expression the filter of this link type is compiled from. */
    static String expression(int linkType) {
        if (linkType == LinkTypes.EN10MB) {
            // "vlan" shifts the offsets of everything after it, so the untagged form comes first.
            String f = RESETS_AND_UNREACHABLES;
            return f + " or (vlan and (" + f + " or (vlan and (" + f + "))))";
        }
        return RESETS_AND_UNREACHABLES;
    }

    /**
     * libpcap compiles (through pcap4j, on a handle without a device); pcap4j keeps the compiled program to
     * itself, so its instructions are read from the struct bpf_program it holds: bf_len, then bf_insns.
     */
    private static byte[] compile(int linkType) throws PcapNativeException, NotOpenException {
        PcapHandle dead = Pcaps.openDead(new DataLinkType(linkType, LinkTypes.name(linkType)), SNAPLEN);
        try {
            BpfProgram program =
                    dead.compileFilter(expression(linkType), BpfProgram.BpfCompileMode.OPTIMIZE, ANY_NETMASK);
            try {
                Field f = BpfProgram.class.getDeclaredField("program");
                f.setAccessible(true);
                Pointer struct = ((Structure) f.get(program)).getPointer();
                int length = struct.getInt(0);
                return struct.getPointer(Native.POINTER_SIZE).getByteArray(0, length * INSTRUCTION);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("pcap4j's compiled filter could not be read: " + e, e);
            } finally {
                program.free();
            }
        } finally {
            dead.close();
        }
    }

    private static void instruction(ByteBuffer p, int code, int jumpIfTrue, int jumpIfFalse, int k) {
        p.putShort((short) code).put((byte) jumpIfTrue).put((byte) jumpIfFalse).putInt(k);
    }

    private static Inet4Address anyNetmask() {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
