package io.rstwatch.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pcap4j.packet.Dot1qVlanTagPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4DestinationUnreachablePacket;
import org.pcap4j.packet.IcmpV6CommonPacket;
import org.pcap4j.packet.IcmpV6DestinationUnreachablePacket;
import org.pcap4j.packet.IpV4NoOperationOption;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.IpV6ExtHopByHopOptionsPacket;
import org.pcap4j.packet.IpV6ExtOptionsPacket;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.IpV6PadNOption;
import org.pcap4j.packet.IpV6SimpleFlowLabel;
import org.pcap4j.packet.IpV6SimpleTrafficClass;
import org.pcap4j.packet.LinuxSllPacket;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.namednumber.ArpHardwareType;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.packet.namednumber.IcmpV4Code;
import org.pcap4j.packet.namednumber.IcmpV4Type;
import org.pcap4j.packet.namednumber.IcmpV6Code;
import org.pcap4j.packet.namednumber.IcmpV6Type;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.LinuxSllPacketType;
import org.pcap4j.packet.namednumber.TcpPort;
import org.pcap4j.util.MacAddress;

/** The decoder against packets built with pcap4j's builders: what went in must come out. */
class PacketDecoderTest {
    private static final Inet4Address V4_SERVER = v4("127.0.0.1");
    private static final Inet4Address V4_CLIENT = v4("10.1.2.3");
    private static final Inet6Address V6_SERVER = v6("::1");
    private static final Inet6Address V6_CLIENT = v6("2001:db8::42");

    // The seed: 127.0.0.1.7211 > 127.0.0.1.41838: Flags [R.], seq 0, ack N, win 0
    private static TcpPacket.Builder rst(InetAddress src, InetAddress dst, boolean ack, long seq) {
        return new TcpPacket.Builder()
                .srcAddr(src)
                .dstAddr(dst)
                .srcPort(TcpPort.getInstance((short) 7211))
                .dstPort(TcpPort.getInstance((short) 41838))
                .sequenceNumber((int) seq)
                .acknowledgmentNumber(ack ? 0x8000_0001 : 0)
                .dataOffset((byte) 5)
                .rst(true)
                .ack(ack)
                .window((short) 0)
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true);
    }

    private static IpV4Packet.Builder ipv4(
            Inet4Address src, Inet4Address dst, IpNumber proto, Packet.Builder payload, boolean withOptions) {
        IpV4Packet.Builder b = new IpV4Packet.Builder()
                .version(IpVersion.IPV4)
                .tos(IpV4Rfc791Tos.newInstance((byte) 0))
                .ttl((byte) 64)
                .protocol(proto)
                .srcAddr(src)
                .dstAddr(dst)
                .payloadBuilder(payload)
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true)
                .paddingAtBuild(true);
        if (withOptions) {
            b.options(List.of(
                    IpV4NoOperationOption.getInstance(),
                    IpV4NoOperationOption.getInstance(),
                    IpV4NoOperationOption.getInstance(),
                    IpV4NoOperationOption.getInstance()));
        }
        return b;
    }

    private static IpV6Packet.Builder ipv6(Inet6Address src, Inet6Address dst, IpNumber next, Packet.Builder payload) {
        return new IpV6Packet.Builder()
                .version(IpVersion.IPV6)
                .trafficClass(IpV6SimpleTrafficClass.newInstance((byte) 0))
                .flowLabel(IpV6SimpleFlowLabel.newInstance(0))
                .nextHeader(next)
                .hopLimit((byte) 64)
                .srcAddr(src)
                .dstAddr(dst)
                .payloadBuilder(payload)
                .correctLengthAtBuild(true);
    }

    private static DecodedPacket decode(byte[] raw, int linkType, Verdict expected) {
        DecodedPacket d = new DecodedPacket();
        assertEquals(expected, PacketDecoder.decode(raw, raw.length, linkType, d), "decode result");
        return d;
    }

    private static void assertSeedRst(DecodedPacket d, InetAddress src, InetAddress dst) {
        assertEquals(Addresses.hi(src.getAddress()), d.srcHi);
        assertEquals(Addresses.lo(src.getAddress()), d.srcLo);
        assertEquals(Addresses.hi(dst.getAddress()), d.dstHi);
        assertEquals(Addresses.lo(dst.getAddress()), d.dstLo);
        assertEquals(7211, d.srcPort);
        assertEquals(41838, d.dstPort);
        assertEquals(0, d.seq);
        assertEquals(0x8000_0001L, d.ack);
        assertTrue(d.has(DecodedPacket.RST) && d.has(DecodedPacket.ACK));
    }

    private static EthernetPacket.Builder ethernet(EtherType type, Packet.Builder payload) {
        return new EthernetPacket.Builder()
                .srcAddr(MacAddress.getByName("02:00:00:00:00:01"))
                .dstAddr(MacAddress.getByName("02:00:00:00:00:02"))
                .type(type)
                .payloadBuilder(payload)
                .paddingAtBuild(true);
    }

    @Test
    void ethernetIpv4WithOptions() {
        byte[] raw = ethernet(
                        EtherType.IPV4,
                        ipv4(V4_SERVER, V4_CLIENT, IpNumber.TCP, rst(V4_SERVER, V4_CLIENT, true, 0), true))
                .build()
                .getRawData();
        DecodedPacket d = decode(raw, LinkTypes.EN10MB, Verdict.TCP_RST);
        assertSeedRst(d, V4_SERVER, V4_CLIENT);
        assertTrue(Addresses.isV4(d.srcHi, d.srcLo) && Addresses.isV4(d.dstHi, d.dstLo));
        assertEquals(-1, d.ifindex);
        assertEquals(-1, d.packetType, "Ethernet has no packet type: the MACs say the direction");
        assertEquals(0x0200_0000_0002L, d.ethDst);
    }

    @Test
    void ethernetWithQinQTags() {
        Packet.Builder ip = ipv4(V4_SERVER, V4_CLIENT, IpNumber.TCP, rst(V4_SERVER, V4_CLIENT, true, 0), false);
        Dot1qVlanTagPacket.Builder inner = new Dot1qVlanTagPacket.Builder()
                .priority((byte) 0)
                .cfi(false)
                .vid((short) 20)
                .type(EtherType.IPV4)
                .payloadBuilder(ip);
        Dot1qVlanTagPacket.Builder outer = new Dot1qVlanTagPacket.Builder()
                .priority((byte) 0)
                .cfi(false)
                .vid((short) 10)
                .type(EtherType.DOT1Q_VLAN_TAGGED_FRAMES)
                .payloadBuilder(inner);
        byte[] raw = ethernet(EtherType.DOT1Q_VLAN_TAGGED_FRAMES, outer).build().getRawData();
        assertSeedRst(decode(raw, LinkTypes.EN10MB, Verdict.TCP_RST), V4_SERVER, V4_CLIENT);
    }

    @Test
    void ethernetIpv6WithHopByHopExtension() {
        IpV6ExtHopByHopOptionsPacket.Builder hop = new IpV6ExtHopByHopOptionsPacket.Builder()
                .nextHeader(IpNumber.TCP)
                .hdrExtLen((byte) 0)
                .options(List.<IpV6ExtOptionsPacket.IpV6Option>of(new IpV6PadNOption.Builder()
                        .data(new byte[4])
                        .dataLen((byte) 4)
                        .correctLengthAtBuild(true)
                        .build()))
                .payloadBuilder(rst(V6_SERVER, V6_CLIENT, false, 12345));
        byte[] raw = ethernet(EtherType.IPV6, ipv6(V6_SERVER, V6_CLIENT, IpNumber.IPV6_HOPOPT, hop))
                .build()
                .getRawData();
        DecodedPacket d = decode(raw, LinkTypes.EN10MB, Verdict.TCP_RST);
        assertFalse(Addresses.isV4(d.srcHi, d.srcLo) || Addresses.isV4(d.dstHi, d.dstLo));
        assertEquals(12345, d.seq);
        assertTrue(d.has(DecodedPacket.RST) && !d.has(DecodedPacket.ACK));
        assertEquals(7211, d.srcPort);
        assertEquals(Addresses.lo(V6_CLIENT.getAddress()), d.dstLo);
    }

    @Test
    void linuxSllIpv6() {
        byte[] raw = new LinuxSllPacket.Builder()
                .packetType(LinuxSllPacketType.LINUX_SLL_HOST)
                .addressType(ArpHardwareType.ETHERNET)
                .addressLength((short) 6)
                .address(new byte[8])
                .protocol(EtherType.IPV6)
                .payloadBuilder(ipv6(V6_SERVER, V6_CLIENT, IpNumber.TCP, rst(V6_SERVER, V6_CLIENT, true, 0)))
                .build()
                .getRawData();
        DecodedPacket d = decode(raw, LinkTypes.LINUX_SLL, Verdict.TCP_RST);
        assertSeedRst(d, V6_SERVER, V6_CLIENT);
        assertEquals(DecodedPacket.PACKET_HOST, d.packetType);
        assertEquals(1, d.hatype, "ARPHRD_ETHER");
        assertEquals(-1, d.ethSrc);
        assertEquals("::1", Addresses.format(d.srcHi, d.srcLo));
    }

    @Test
    void linuxSll2CarriesTheInterfaceIndex() {
        byte[] ip = ipv4(V4_SERVER, V4_CLIENT, IpNumber.TCP, rst(V4_SERVER, V4_CLIENT, true, 0), false)
                .build()
                .getRawData();
        ByteBuffer b = ByteBuffer.allocate(20 + ip.length).order(ByteOrder.BIG_ENDIAN);
        b.putShort((short) 0x0800)
                .putShort((short) 0)
                .putInt(7)
                .putShort((short) 772)
                .put((byte) 0)
                .put((byte) 6)
                .put(new byte[8])
                .put(ip);
        DecodedPacket d = decode(b.array(), LinkTypes.LINUX_SLL2, Verdict.TCP_RST);
        assertSeedRst(d, V4_SERVER, V4_CLIENT);
        assertEquals(7, d.ifindex);
        assertEquals(772, d.hatype, "ARPHRD_LOOPBACK");
        assertEquals(DecodedPacket.PACKET_HOST, d.packetType);
        b.put(10, (byte) DecodedPacket.PACKET_OUTGOING);
        assertEquals(
                DecodedPacket.PACKET_OUTGOING, decode(b.array(), LinkTypes.LINUX_SLL2, Verdict.TCP_RST).packetType);
    }

    @ParameterizedTest
    @ValueSource(ints = {LinkTypes.RAW, LinkTypes.LINKTYPE_RAW, LinkTypes.IPV4})
    void rawIpv4(int linkType) {
        byte[] raw = ipv4(V4_SERVER, V4_CLIENT, IpNumber.TCP, rst(V4_SERVER, V4_CLIENT, true, 0), true)
                .build()
                .getRawData();
        assertSeedRst(decode(raw, linkType, Verdict.TCP_RST), V4_SERVER, V4_CLIENT);
    }

    @ParameterizedTest
    @ValueSource(ints = {LinkTypes.RAW, LinkTypes.IPV6})
    void rawIpv6(int linkType) {
        byte[] raw = ipv6(V6_SERVER, V6_CLIENT, IpNumber.TCP, rst(V6_SERVER, V6_CLIENT, true, 0))
                .build()
                .getRawData();
        assertSeedRst(decode(raw, linkType, Verdict.TCP_RST), V6_SERVER, V6_CLIENT);
    }

    @Test
    void nullInHostOrderAndLoopInNetworkOrder() {
        byte[] ip4 = ipv4(V4_SERVER, V4_CLIENT, IpNumber.TCP, rst(V4_SERVER, V4_CLIENT, true, 0), false)
                .build()
                .getRawData();
        byte[] ip6 = ipv6(V6_SERVER, V6_CLIENT, IpNumber.TCP, rst(V6_SERVER, V6_CLIENT, true, 0))
                .build()
                .getRawData();
        assertSeedRst(
                decode(withFamily(2, ByteOrder.LITTLE_ENDIAN, ip4), LinkTypes.NULL, Verdict.TCP_RST),
                V4_SERVER,
                V4_CLIENT);
        assertSeedRst(
                decode(withFamily(10, ByteOrder.LITTLE_ENDIAN, ip6), LinkTypes.NULL, Verdict.TCP_RST),
                V6_SERVER,
                V6_CLIENT);
        assertSeedRst(
                decode(withFamily(2, ByteOrder.BIG_ENDIAN, ip4), LinkTypes.LOOP, Verdict.TCP_RST),
                V4_SERVER,
                V4_CLIENT);
        assertSeedRst(
                decode(withFamily(30, ByteOrder.BIG_ENDIAN, ip6), LinkTypes.LOOP, Verdict.TCP_RST),
                V6_SERVER,
                V6_CLIENT);
    }

    private static byte[] withFamily(int family, ByteOrder order, byte[] ip) {
        return ByteBuffer.allocate(4 + ip.length)
                .order(order)
                .putInt(family)
                .put(ip)
                .array();
    }

    private static TcpPacket.Builder syn(InetAddress src, InetAddress dst) {
        return new TcpPacket.Builder()
                .srcAddr(src)
                .dstAddr(dst)
                .srcPort(TcpPort.getInstance((short) 41838))
                .dstPort(TcpPort.getInstance((short) 7211))
                .sequenceNumber(99)
                .dataOffset((byte) 5)
                .syn(true)
                .window((short) 1024)
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true);
    }

    @Test
    void icmpPortUnreachableQuotingASynIsARefusalOfTheQuotedDestination() {
        Inet4Address router = v4("192.0.2.9");
        IpV4Packet quoted = ipv4(V4_CLIENT, V4_SERVER, IpNumber.TCP, syn(V4_CLIENT, V4_SERVER), false)
                .build();
        IcmpV4CommonPacket.Builder icmp = new IcmpV4CommonPacket.Builder()
                .type(IcmpV4Type.DESTINATION_UNREACHABLE)
                .code(IcmpV4Code.PORT_UNREACHABLE)
                .payloadBuilder(new IcmpV4DestinationUnreachablePacket.Builder().payload(quoted))
                .correctChecksumAtBuild(true);
        byte[] raw = ethernet(EtherType.IPV4, ipv4(router, V4_CLIENT, IpNumber.ICMPV4, icmp, false))
                .build()
                .getRawData();
        DecodedPacket d = decode(raw, LinkTypes.EN10MB, Verdict.ICMP_PORT_UNREACHABLE);
        assertEquals(7211, d.dstPort);
        assertEquals(Addresses.lo(V4_SERVER.getAddress()), d.dstLo);
        assertEquals(Addresses.lo(router.getAddress()), d.reporterLo);
        assertTrue(d.has(DecodedPacket.SYN));
    }

    /** A raw IPv6 packet: the server's ICMPv6 destination unreachable of this code, quoting the client's SYN. */
    private static byte[] icmpv6Unreachable(IcmpV6Code code) {
        IpV6Packet quoted = ipv6(V6_CLIENT, V6_SERVER, IpNumber.TCP, syn(V6_CLIENT, V6_SERVER))
                .build();
        IcmpV6CommonPacket.Builder icmp = new IcmpV6CommonPacket.Builder()
                .srcAddr(V6_SERVER)
                .dstAddr(V6_CLIENT)
                .type(IcmpV6Type.DESTINATION_UNREACHABLE)
                .code(code)
                .payloadBuilder(new IcmpV6DestinationUnreachablePacket.Builder().payload(quoted))
                .correctChecksumAtBuild(true);
        return ipv6(V6_SERVER, V6_CLIENT, IpNumber.ICMPV6, icmp).build().getRawData();
    }

    @Test
    void icmpv6PortUnreachable() {
        DecodedPacket d =
                decode(icmpv6Unreachable(IcmpV6Code.PORT_UNREACHABLE), LinkTypes.RAW, Verdict.ICMP_PORT_UNREACHABLE);
        assertEquals(7211, d.dstPort);
        assertEquals(41838, d.srcPort);
        assertEquals(Addresses.lo(V6_SERVER.getAddress()), d.dstLo);
    }

    @Test
    void icmpUnreachablesOfOtherCodesQuotingASynKeepTheirCode() {
        Inet4Address router = v4("192.0.2.9");
        IpV4Packet quoted = ipv4(V4_CLIENT, V4_SERVER, IpNumber.TCP, syn(V4_CLIENT, V4_SERVER), false)
                .build();
        for (IcmpV4Code code : new IcmpV4Code[] {IcmpV4Code.HOST_UNREACHABLE, IcmpV4Code.COMMUNICATION_PROHIBITED}) {
            IcmpV4CommonPacket.Builder icmp = new IcmpV4CommonPacket.Builder()
                    .type(IcmpV4Type.DESTINATION_UNREACHABLE)
                    .code(code)
                    .payloadBuilder(new IcmpV4DestinationUnreachablePacket.Builder().payload(quoted))
                    .correctChecksumAtBuild(true);
            byte[] raw = ethernet(EtherType.IPV4, ipv4(router, V4_CLIENT, IpNumber.ICMPV4, icmp, false))
                    .build()
                    .getRawData();
            DecodedPacket d = decode(raw, LinkTypes.EN10MB, Verdict.ICMP_UNREACHABLE);
            assertEquals(code.value() & 0xFF, d.icmpCode);
            assertEquals(7211, d.dstPort);
            assertEquals(Addresses.lo(router.getAddress()), d.reporterLo);
        }
        DecodedPacket d6 = decode(
                icmpv6Unreachable(IcmpV6Code.COMMUNICATION_WITH_DST_PROHIBITED),
                LinkTypes.RAW,
                Verdict.ICMP_UNREACHABLE);
        assertEquals(DecodedPacket.ICMPV6 | 1, d6.icmpCode);
    }

    @Test
    void synsAndSynAcksAreAttemptsAndAnswersAndOtherSegmentsAreIgnored() {
        byte[] raw = ipv4(V4_CLIENT, V4_SERVER, IpNumber.TCP, syn(V4_CLIENT, V4_SERVER), false)
                .build()
                .getRawData();
        DecodedPacket d = decode(raw, LinkTypes.RAW, Verdict.TCP_SYN);
        assertEquals(99, d.seq);
        byte[] synAck = ipv4(
                        V4_SERVER,
                        V4_CLIENT,
                        IpNumber.TCP,
                        syn(V4_SERVER, V4_CLIENT).ack(true).acknowledgmentNumber(100),
                        false)
                .build()
                .getRawData();
        assertEquals(100, decode(synAck, LinkTypes.RAW, Verdict.TCP_SYN_ACK).ack);
        byte[] ack = ipv4(
                        V4_CLIENT,
                        V4_SERVER,
                        IpNumber.TCP,
                        syn(V4_CLIENT, V4_SERVER).syn(false).ack(true),
                        false)
                .build()
                .getRawData();
        decode(ack, LinkTypes.RAW, Verdict.IGNORED);
    }

    @Test
    void everyTruncationIsMalformedNeverThrown() {
        byte[] full = ethernet(
                        EtherType.IPV4,
                        ipv4(V4_SERVER, V4_CLIENT, IpNumber.TCP, rst(V4_SERVER, V4_CLIENT, true, 0), true))
                .build()
                .getRawData();
        DecodedPacket d = new DecodedPacket();
        int headers = 14 + 24 + 14;
        for (int len = 0; len < headers; len++) {
            assertEquals(
                    Verdict.MALFORMED,
                    PacketDecoder.decode(Arrays.copyOf(full, len), len, LinkTypes.EN10MB, d),
                    "length " + len);
        }
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(42);
        DecodedPacket d = new DecodedPacket();
        int[] linkTypes = {
            LinkTypes.NULL,
            LinkTypes.EN10MB,
            LinkTypes.RAW,
            LinkTypes.LOOP,
            LinkTypes.LINUX_SLL,
            LinkTypes.LINUX_SLL2,
            LinkTypes.IPV4,
            LinkTypes.IPV6,
            LinkTypes.LINKTYPE_RAW,
            9999
        };
        byte[] buf = new byte[192];
        for (int i = 0; i < 200_000; i++) {
            random.nextBytes(buf);
            if (i % 2 == 0) {
                buf[0] = (byte) (random.nextBoolean() ? 0x45 : 0x60); // make IP paths likelier for RAW
            }
            int len = random.nextInt(buf.length + 1);
            assertNotNull(PacketDecoder.decode(buf, len, linkTypes[i % linkTypes.length], d));
        }
    }

    private static Inet4Address v4(String s) {
        try {
            return (Inet4Address) InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Inet6Address v6(String s) {
        try {
            return (Inet6Address) InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
