package io.rstwatch.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rstwatch.decode.Frame;
import io.rstwatch.decode.Frame.Extension;
import io.rstwatch.decode.Frame.Payload;
import io.rstwatch.decode.LinkTypes;
import io.rstwatch.testing.Requirements;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * The kernel filter, compiled by the real libpcap and run on built frames (pcap_offline_filter): what reaches user
 * space. Resets, SYNs and destination unreachables (any code) quoting TCP pass; UDP unreachables, other TCP and
 * IPv6 fragments do not.
 */
class CaptureFilterTest {
    /** The filter has no "net" clause: the netmask is unused. */
    private static Inet4Address NO_NETMASK;

    private static PcapHandle ethernet;
    private static PcapHandle raw;

    @BeforeAll
    static void libpcap() throws Exception {
        Requirements.require(LibPcap.problem() == null, "libpcap (bin/install-deps installs libpcap0.8)");
        NO_NETMASK = (Inet4Address) InetAddress.getByAddress(new byte[4]);
        ethernet = Pcaps.openDead(DataLinkType.EN10MB, CaptureFilter.SNAPLEN);
        raw = Pcaps.openDead(new DataLinkType(LinkTypes.RAW, "RAW"), CaptureFilter.SNAPLEN);
    }

    @AfterAll
    static void close() {
        if (ethernet != null) {
            ethernet.close();
            raw.close();
        }
    }

    @ParameterizedTest(name = "{0} v6={1} ext={2} vlans={3}: {4}")
    @CsvSource({
        "TCP_RST, false, '', 0, true",
        "TCP_RST_ACK, false, '', 2, true",
        "TCP_SYN, false, '', 0, true",
        "UDP, false, '', 0, false",
        "UNREACHABLE_TCP, false, '', 0, true",
        "UNREACHABLE_TCP, false, '', 1, true",
        "UNREACHABLE_UDP, false, '', 0, false",
        "PROHIBITED_TCP, false, '', 0, true",
        "PROHIBITED_TCP, true, '', 0, true",
        "ECHO, false, '', 0, false",
        "TCP_RST, true, '', 0, true",
        "TCP_SYN, true, '', 0, true",
        "TCP_RST_ACK, true, HOP_BY_HOP, 0, true",
        "TCP_RST, true, DESTINATION_OPTIONS, 1, true",
        "TCP_RST, true, AUTHENTICATION, 0, true",
        "TCP_SYN, true, HOP_BY_HOP, 0, true",
        "TCP_SYN, true, AUTHENTICATION, 0, true",
        "TCP_RST, true, FIRST_FRAGMENT, 0, false",
        "LATER_FRAGMENT, true, '', 0, false",
        "LATER_FRAGMENT, true, ROUTING, 0, false",
        "TCP_RST, true, HOP_BY_HOP ROUTING, 0, true",
        "UNREACHABLE_TCP, true, '', 0, true",
        "UNREACHABLE_UDP, true, '', 0, false",
        "UDP, true, '', 0, false",
    })
    void whatReachesUserSpace(String payload, boolean v6, String extensions, int vlans, boolean passes)
            throws Exception {
        List<Extension> chain = extensions.isEmpty()
                ? List.of()
                : java.util.Arrays.stream(extensions.split(" "))
                        .map(Extension::valueOf)
                        .toList();
        for (int linkType : new int[] {LinkTypes.EN10MB, LinkTypes.RAW}) {
            PcapHandle handle = linkType == LinkTypes.EN10MB ? ethernet : raw;
            Frame f = Frame.build(
                    linkType,
                    linkType == LinkTypes.EN10MB ? vlans : 0,
                    v6,
                    0,
                    chain,
                    1,
                    Payload.valueOf(payload),
                    7211,
                    41838,
                    0,
                    new byte[0]);
            BpfProgram filter = handle.compileFilter(
                    CaptureFilter.expression(linkType), BpfProgram.BpfCompileMode.OPTIMIZE, NO_NETMASK);
            try {
                assertEquals(passes, filter.applyFilter(f.bytes()), LinkTypes.name(linkType));
            } finally {
                filter.free();
            }
        }
    }

    /**
     * The loopback's outgoing copy of a packet stays in the kernel: the program begins by loading the packet type
     * (SKF_AD_OFF + SKF_AD_PKTTYPE), returning 0 (drop) when it is PACKET_OUTGOING and the interface index
     * (SKF_AD_OFF + SKF_AD_IFINDEX) is lo's, else going on to libpcap's program unchanged. The kernel runs it in
     * CaptureIT; here, the instructions and their jumps.
     */
    @ParameterizedTest(name = "link type {0}")
    @CsvSource({"1", "12"})
    void loopbacksOutgoingCopyStaysInTheKernel(int linkType) throws Exception {
        byte[] plain = CaptureFilter.program(linkType, -1);
        byte[] withPrefix = CaptureFilter.program(linkType, 1);
        int prefix = CaptureFilter.LOOPBACK_PREFIX * CaptureFilter.INSTRUCTION;
        assertArrayEquals(plain, Arrays.copyOfRange(withPrefix, prefix, withPrefix.length));
        ByteBuffer p = ByteBuffer.wrap(withPrefix).order(ByteOrder.nativeOrder());
        assertEquals("0x30 0 0 -4092", instruction(p, 0)); // ldb [pkttype]
        assertEquals("0x15 0 3 4", instruction(p, 1)); // jeq #PACKET_OUTGOING, else to libpcap's program
        assertEquals("0x20 0 0 -4088", instruction(p, 2)); // ld [ifindex]
        assertEquals("0x15 0 1 1", instruction(p, 3)); // jeq #lo: drop; else to libpcap's program
        assertEquals("0x6 0 0 0", instruction(p, 4)); // ret #0
        assertEquals(0x06, p.getShort(withPrefix.length - CaptureFilter.INSTRUCTION), "ends with a return");
    }

    private static String instruction(ByteBuffer p, int i) {
        int at = i * CaptureFilter.INSTRUCTION;
        return "0x" + Integer.toHexString(p.getShort(at)) + " " + p.get(at + 2) + " " + p.get(at + 3) + " "
                + p.getInt(at + 4);
    }
}
