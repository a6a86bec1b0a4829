package io.rstwatch.capture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.decode.Addresses;
import io.rstwatch.decode.DecodedPacket;
import org.junit.jupiter.api.Test;

/** One packet seen on a bridge and its port, or on both ends of a veth pair, is counted once. */
class DuplicateFilterTest {
    private static final long LOOPBACK = Addresses.v4Lo(0x7F000001);

    private static DecodedPacket rst(int clientPort, long seq, long ack) {
        DecodedPacket d = new DecodedPacket();
        d.srcLo = LOOPBACK;
        d.dstLo = LOOPBACK;
        d.srcPort = 7211;
        d.dstPort = clientPort;
        d.seq = seq;
        d.ack = ack;
        d.tcpFlags = DecodedPacket.RST | DecodedPacket.ACK;
        return d;
    }

    @Test
    void theSamePacketOnAnotherInterfaceIsADuplicateButTwiceOnOneIsTwoPackets() {
        DuplicateFilter filter = new DuplicateFilter(false);
        DecodedPacket d = rst(41838, 0, 1);
        assertFalse(filter.isDuplicate(d, 3, 1_000_000));
        assertTrue(filter.isDuplicate(d, 4, 1_000_100));
        assertFalse(filter.isDuplicate(d, 3, 1_000_200));
        assertFalse(filter.isDuplicate(d, 4, 2_000_000), "too late to be the same packet");
    }

    @Test
    void withoutInterfaceIndexesACopyWithinTheWindowIsStillRecognised() {
        DuplicateFilter filter = new DuplicateFilter(false); // LINUX_SLL (libpcap < 1.10): every ifindex is -1
        DecodedPacket d = rst(41838, 0, 1);
        assertFalse(filter.isDuplicate(d, -1, 1_000_000));
        assertTrue(filter.isDuplicate(d, -1, 1_000_050), "the bridge's copy of its port's packet");
        assertFalse(filter.isDuplicate(rst(41839, 0, 1), -1, 1_000_060), "the client's next try: a new port");
        assertFalse(filter.isDuplicate(d, -1, 1_050_000), "the same segment later is another packet");
    }

    @Test
    void anyFieldThatDiffersMakesItAnotherPacket() {
        DuplicateFilter filter = new DuplicateFilter(true);
        assertFalse(filter.isDuplicate(rst(41838, 0, 1), 3, 1_000_000));
        assertFalse(filter.isDuplicate(rst(41839, 0, 1), 4, 1_000_001), "another client port");
        assertFalse(filter.isDuplicate(rst(41838, 0, 2), 4, 1_000_002), "another ack");
        DecodedPacket stale = rst(41838, 0, 1);
        stale.tcpFlags = DecodedPacket.RST;
        assertFalse(filter.isDuplicate(stale, 4, 1_000_003), "other flags");
    }

    @Test
    void theWindowIsTwentyMillisecondsEitherWay() {
        DuplicateFilter filter = new DuplicateFilter(false);
        DecodedPacket d = rst(41838, 0, 1);
        assertFalse(filter.isDuplicate(d, 3, 1_000_000));
        assertTrue(filter.isDuplicate(d, 4, 1_020_000), "at the edge");
        assertFalse(filter.isDuplicate(rst(50000, 0, 1), 3, 2_000_000));
        assertFalse(filter.isDuplicate(rst(50000, 0, 1), 4, 2_020_001), "just past it");
    }

    @Test
    void wallClockTimesAndLargeInterfaceIndexesKeepTheirMeaning() {
        DuplicateFilter filter = new DuplicateFilter(false);
        long now = 1_795_000_000_000_000L; // µs since 1970, November 2026: more bits than a slot keeps
        DecodedPacket d = rst(41838, 0, 1);
        assertFalse(filter.isDuplicate(d, 70_000, now));
        assertTrue(filter.isDuplicate(d, 70_001, now + 19_999), "veth numbers on a long-lived container host");
        assertFalse(filter.isDuplicate(d, 70_000, now + 30_000), "the same interface again");
        assertFalse(filter.isDuplicate(d, 70_001, now + 60_000), "past the window");
        assertTrue(filter.isDuplicate(d, 70_000, now + 60_000 - 20_000), "within it, backwards");
    }
}
