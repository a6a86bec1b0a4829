package io.rstwatch.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.LinkTypes;
import io.rstwatch.decode.PacketDecoder;
import io.rstwatch.decode.Verdict;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real packet socket's ring on loopback: what the kernel writes, read in place and handed over with the LINUX_SLL2
 * header the decoder expects. Refused connects to a closed port give a SYN and a RST each, once, from lo's incoming
 * copy; the outgoing copies stay in the kernel.
 */
class PacketRingTest {
    private static final long WAIT_NANOS = 10_000_000_000L;

    @BeforeAll
    static void needsCapturePrivilege() {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
        Requirements.require(LibPcap.problem() == null, "libpcap (bin/install-deps installs libpcap0.8)");
    }

    @Test
    void refusedConnectsOnLoopbackArriveOnceWithTheirInterfaceAndPacketType() throws Exception {
        int lo = NetworkInterface.getByName("lo").getIndex();
        int port = Loopback.closedPort();
        List<DecodedPacket> seen = new ArrayList<>();
        List<Verdict> verdicts = new ArrayList<>();
        long before = System.currentTimeMillis();
        try (PacketRing ring = PacketRing.open(0, true, CaptureFilter.program(LinkTypes.RAW, lo), 1 << 20)) {
            Loopback.refuse("127.0.0.1", port, 3);
            byte[] scratch = new byte[PacketRing.SLL2_HEADER + CaptureFilter.SNAPLEN];
            PacketRing.Sink sink = (data, caplen, micros) -> {
                DecodedPacket d = new DecodedPacket();
                Verdict v = PacketDecoder.decode(data, caplen, LinkTypes.LINUX_SLL2, d);
                if (d.dstPort == port || d.srcPort == port) {
                    assertTrue(micros / 1000 >= before - 1000 && micros / 1000 <= System.currentTimeMillis() + 1000);
                    seen.add(d);
                    verdicts.add(v);
                }
            };
            long deadline = System.nanoTime() + WAIT_NANOS;
            while (seen.size() < 6 && System.nanoTime() < deadline) {
                ring.next(scratch, sink, PacketRing.POLL_MILLIS);
            }
            // What else comes comes within a block's retirement: wait for one more, then count.
            long settle = System.nanoTime() + 2L * PacketRing.RETIRE_MILLIS * 1_000_000L;
            while (System.nanoTime() < settle) {
                ring.next(scratch, sink, PacketRing.POLL_MILLIS);
            }
            assertEquals(0L, ring.drops());
        }
        assertEquals(6, seen.size(), verdicts.toString());
        assertEquals(3, verdicts.stream().filter(v -> v == Verdict.TCP_SYN).count(), verdicts.toString());
        assertEquals(3, verdicts.stream().filter(v -> v == Verdict.TCP_RST).count(), verdicts.toString());
        for (DecodedPacket d : seen) {
            assertEquals(lo, d.ifindex);
            assertEquals(DecodedPacket.ARPHRD_LOOPBACK, d.hatype);
            assertEquals(DecodedPacket.PACKET_HOST, d.packetType);
        }
    }
}
