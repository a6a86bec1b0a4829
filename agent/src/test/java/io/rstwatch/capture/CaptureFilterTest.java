package io.rstwatch.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rstwatch.decode.Frame;
import io.rstwatch.decode.Frame.Extension;
import io.rstwatch.decode.Frame.Payload;
import io.rstwatch.decode.LinkTypes;
import io.rstwatch.testing.Requirements;
import java.net.Inet4Address;
import java.net.InetAddress;
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
    private static PcapHandle sll2;

    @BeforeAll
    static void libpcap() throws Exception {
        Requirements.require(LibPcap.problem() == null, "libpcap (bin/install-deps installs libpcap0.8)");
        NO_NETMASK = (Inet4Address) InetAddress.getByAddress(new byte[4]);
        ethernet = Pcaps.openDead(DataLinkType.EN10MB, CaptureFilter.SNAPLEN);
        sll2 = Pcaps.openDead(new DataLinkType(LinkTypes.LINUX_SLL2, "LINUX_SLL2"), CaptureFilter.SNAPLEN);
    }

    @AfterAll
    static void close() {
        if (ethernet != null) {
            ethernet.close();
            sll2.close();
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
        for (int linkType : new int[] {LinkTypes.EN10MB, LinkTypes.LINUX_SLL2}) {
            PcapHandle handle = linkType == LinkTypes.EN10MB ? ethernet : sll2;
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
                    CaptureFilter.forLinkType(linkType, -1), BpfProgram.BpfCompileMode.OPTIMIZE, NO_NETMASK);
            try {
                assertEquals(passes, filter.applyFilter(f.bytes()), LinkTypes.name(linkType));
            } finally {
                filter.free();
            }
        }
    }

    /**
     * On {@code any} (SLL2), the loopback's outgoing copy of a packet stays in the kernel; its incoming copy, and
     * outgoing packets of other interfaces, pass. SLL2: protocol (2), reserved (2), interface index (4), ARPHRD
     * type (2), packet type (1), ...
     */
    @ParameterizedTest(name = "ifindex {0}, packet type {1}: {2}")
    @CsvSource({"1, 4, false", "1, 0, true", "7, 4, true", "7, 0, true"})
    void loopbacksOutgoingCopyStaysInTheKernel(int ifindex, int packetType, boolean passes) throws Exception {
        byte[] frame = Frame.build(
                        LinkTypes.LINUX_SLL2, 0, false, 0, List.of(), 1, Payload.TCP_RST, 7211, 41838, 0, new byte[0])
                .bytes();
        java.nio.ByteBuffer.wrap(frame).putInt(4, ifindex);
        frame[10] = (byte) packetType;
        for (int loopback : new int[] {1, -1}) {
            BpfProgram filter = sll2.compileFilter(
                    CaptureFilter.forLinkType(LinkTypes.LINUX_SLL2, loopback),
                    BpfProgram.BpfCompileMode.OPTIMIZE,
                    NO_NETMASK);
            try {
                assertEquals(passes || loopback == -1, filter.applyFilter(frame), "loopback index " + loopback);
            } finally {
                filter.free();
            }
        }
    }
}
