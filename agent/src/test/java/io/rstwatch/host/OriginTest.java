package io.rstwatch.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rstwatch.decode.Addresses;
import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.Verdict;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The locality rules: a packet's origin from the interface and the link layer's packet type or MACs first, its
 * addresses second. The host has lo (1), eth0 (2, 10.0.0.5, MAC 02:00:00:00:00:05) and a point-to-point tun0 (3,
 * 10.9.0.1, no MAC).
 */
class OriginTest {
    private static final long HOST_ETH0 = Addresses.v4Lo(0x0A000005);
    private static final long HOST_TUN0 = Addresses.v4Lo(0x0A090001);
    private static final long LOOPBACK = Addresses.v4Lo(0x7F000001);
    private static final long PEER = Addresses.v4Lo(0xC6336401); // 198.51.100.1
    private static final long OTHER = Addresses.v4Lo(0xC6336402); // 198.51.100.2, also not this host
    private static final long ETH0_MAC = 0x0200_0000_0005L;
    private static final long PEER_MAC = 0x0200_0000_0099L;
    private static final long OTHER_MAC = 0x0200_0000_0077L;
    private static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private final HostView host = new HostView(Path.of("/nonexistent"));

    @BeforeEach
    void interfaces() throws Exception {
        host.interfaces(List.of(
                new HostView.Interface(1, "lo", true, 0, List.of(InetAddress.getByName("127.0.0.1"))),
                new HostView.Interface(2, "eth0", false, ETH0_MAC, List.of(InetAddress.getByName("10.0.0.5"))),
                new HostView.Interface(3, "tun0", false, -1, List.of(InetAddress.getByName("10.9.0.1")))));
    }

    private static DecodedPacket rst(long src, long dst) {
        DecodedPacket d = new DecodedPacket();
        d.srcLo = src;
        d.dstLo = dst;
        d.srcPort = 5432;
        d.dstPort = 41838;
        d.tcpFlags = DecodedPacket.RST | DecodedPacket.ACK;
        return d;
    }

    private static DecodedPacket sll2(long src, long dst, int packetType, int hatype) {
        DecodedPacket d = rst(src, dst);
        d.packetType = packetType;
        d.hatype = hatype;
        return d;
    }

    private static DecodedPacket ethernet(long src, long dst, long ethSrc, long ethDst) {
        DecodedPacket d = rst(src, dst);
        d.ethSrc = ethSrc;
        d.ethDst = ethDst;
        return d;
    }

    private Origin rstOrigin(DecodedPacket d, int ifindex) {
        return Origin.of(Verdict.TCP_RST, d, ifindex, host);
    }

    @Test
    void onLoopbackEveryPacketIsThisHostsWhateverItsType() {
        assertEquals(Origin.SENT, rstOrigin(sll2(LOOPBACK, LOOPBACK, DecodedPacket.PACKET_HOST, 772), 1));
        // SLL v1 has no interface index, only the ARPHRD type
        assertEquals(Origin.SENT, rstOrigin(sll2(LOOPBACK, LOOPBACK, DecodedPacket.PACKET_HOST, 772), -1));
        // a named loopback device (EN10MB with zero MACs)
        assertEquals(Origin.SENT, rstOrigin(ethernet(LOOPBACK, LOOPBACK, 0, 0), 1));
        assertEquals(Origin.SENT, rstOrigin(ethernet(HOST_ETH0, HOST_ETH0, 0, 0), 1));
    }

    @Test
    void aLoopbackAddressOffLoopbackIsSpoofedInEitherDirectionAndOnEveryLinkType() {
        // the brief's forged refusal: 127.0.0.1:5432 > 10.0.0.5 [R.] seq 0, arriving on eth0
        assertEquals(Origin.SPOOFED, rstOrigin(sll2(LOOPBACK, HOST_ETH0, DecodedPacket.PACKET_HOST, 1), 2));
        assertEquals(Origin.SPOOFED, rstOrigin(sll2(HOST_ETH0, LOOPBACK, DecodedPacket.PACKET_OUTGOING, 1), 2));
        assertEquals(Origin.SPOOFED, rstOrigin(ethernet(LOOPBACK, HOST_ETH0, PEER_MAC, ETH0_MAC), 2));
        assertEquals(Origin.SPOOFED, rstOrigin(rst(LOOPBACK, HOST_TUN0), 3));
        assertEquals(Origin.SPOOFED, rstOrigin(rst(LOOPBACK, HOST_ETH0), -1), "RAW, interface unknown");
        DecodedPacket v6 = sll2(0, 1, DecodedPacket.PACKET_HOST, 1); // ::1 as destination
        v6.srcHi = 0x2001_0db8_0000_0000L;
        v6.srcLo = 7;
        assertEquals(Origin.SPOOFED, rstOrigin(v6, 2));
    }

    @Test
    void incomingWithOneOfOurAddressesAsSenderIsSpoofed() {
        assertEquals(Origin.SPOOFED, rstOrigin(sll2(HOST_ETH0, PEER, DecodedPacket.PACKET_HOST, 1), 2));
        assertEquals(Origin.SPOOFED, rstOrigin(sll2(HOST_TUN0, HOST_ETH0, DecodedPacket.PACKET_HOST, 1), 2));
        assertEquals(Origin.SPOOFED, rstOrigin(ethernet(HOST_ETH0, PEER, PEER_MAC, ETH0_MAC), 2));
    }

    @Test
    void thePacketTypeSaysSentOrReceived() {
        assertEquals(Origin.SENT, rstOrigin(sll2(HOST_ETH0, PEER, DecodedPacket.PACKET_OUTGOING, 1), 2));
        assertEquals(Origin.RECEIVED, rstOrigin(sll2(PEER, HOST_ETH0, DecodedPacket.PACKET_HOST, 1), 2));
        assertEquals(Origin.RECEIVED, rstOrigin(sll2(PEER, HOST_ETH0, DecodedPacket.PACKET_BROADCAST, 1), 2));
    }

    @Test
    void whatThisHostOnlyPassesOnIsForwarded() {
        // routed: in on one interface, out on another, neither end ours
        assertEquals(Origin.FORWARDED, rstOrigin(sll2(PEER, OTHER, DecodedPacket.PACKET_HOST, 1), 2));
        assertEquals(Origin.FORWARDED, rstOrigin(sll2(PEER, OTHER, DecodedPacket.PACKET_OUTGOING, 1), 3));
        // bridged: for another host's MAC, even when the addresses look like ours
        assertEquals(Origin.FORWARDED, rstOrigin(sll2(PEER, HOST_ETH0, DecodedPacket.PACKET_OTHERHOST, 1), 2));
        assertEquals(Origin.FORWARDED, rstOrigin(ethernet(PEER, OTHER, PEER_MAC, OTHER_MAC), 2));
        assertEquals(Origin.FORWARDED, rstOrigin(rst(PEER, OTHER), 3), "no MAC: by addresses");
    }

    @Test
    void onEthernetTheFramesMacsAgainstTheInterfacesSayTheDirection() {
        assertEquals(Origin.SENT, rstOrigin(ethernet(HOST_ETH0, PEER, ETH0_MAC, PEER_MAC), 2));
        assertEquals(Origin.RECEIVED, rstOrigin(ethernet(PEER, HOST_ETH0, PEER_MAC, ETH0_MAC), 2));
        assertEquals(Origin.RECEIVED, rstOrigin(ethernet(PEER, HOST_ETH0, PEER_MAC, BROADCAST), 2));
        // an interface the view does not know: the addresses decide
        assertEquals(Origin.SENT, rstOrigin(ethernet(HOST_ETH0, PEER, ETH0_MAC, PEER_MAC), 9));
        assertEquals(Origin.RECEIVED, rstOrigin(rst(PEER, HOST_TUN0), 3));
        assertEquals(Origin.SENT, rstOrigin(rst(HOST_TUN0, PEER), 3));
    }

    @Test
    void anIcmpErrorIsJudgedByItsReporterAndTheQuotedClient() {
        // 10.0.0.5 sent a SYN to PEER:9999; PEER reports the port unreachable
        DecodedPacket d = sll2(HOST_ETH0, PEER, DecodedPacket.PACKET_HOST, 1);
        d.reporterLo = PEER;
        assertEquals(Origin.RECEIVED, Origin.of(Verdict.ICMP_PORT_UNREACHABLE, d, 2, host));
        d.reporterLo = HOST_ETH0; // "from us", arriving from outside
        assertEquals(Origin.SPOOFED, Origin.of(Verdict.ICMP_PORT_UNREACHABLE, d, 2, host));
        d.reporterLo = LOOPBACK;
        assertEquals(Origin.SPOOFED, Origin.of(Verdict.ICMP_PORT_UNREACHABLE, d, 2, host));
        // this host reports PEER's SYN to its port as unreachable
        DecodedPacket sent = sll2(PEER, HOST_ETH0, DecodedPacket.PACKET_OUTGOING, 1);
        sent.reporterLo = HOST_ETH0;
        assertEquals(Origin.SENT, Origin.of(Verdict.ICMP_PORT_UNREACHABLE, sent, 2, host));
    }
}
