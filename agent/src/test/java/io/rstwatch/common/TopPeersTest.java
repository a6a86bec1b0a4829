package io.rstwatch.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rstwatch.decode.Addresses;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The heavy-hitter table behind TopPeers: bounded, most first, counts as upper bounds. */
class TopPeersTest {
    private static final long LOOPBACK = Addresses.v4Lo(0x7F000001);

    @Test
    void boundedAndTheHeavyHitterStays() {
        TopPeers peers = new TopPeers(4);
        for (int i = 0; i < 1000; i++) {
            peers.record(0, LOOPBACK);
            peers.record(0, Addresses.v4Lo(0x0A000000 + i));
        }
        List<String> top = peers.top(10);
        assertEquals(4, top.size());
        assertEquals("127.0.0.1 (1000)", top.get(0));
    }

    @Test
    void mostFirstAndLimited() {
        TopPeers peers = new TopPeers(16);
        for (int i = 0; i < 3; i++) {
            peers.record(0, Addresses.v4Lo(0x0A000001));
        }
        peers.record(0, Addresses.v4Lo(0x0A000002));
        for (int i = 0; i < 2; i++) {
            peers.record(0, 1); // ::1
        }
        assertEquals(List.of("10.0.0.1 (3)", "::1 (2)", "10.0.0.2 (1)"), peers.top(10));
        assertEquals(List.of("10.0.0.1 (3)"), peers.top(1));
        assertEquals(List.of(), new TopPeers(4).top(10));
    }

    @Test
    void aNewcomerInheritsTheEvictedCountSoCountsAreUpperBounds() {
        TopPeers peers = new TopPeers(2);
        peers.record(0, Addresses.v4Lo(0x0A000001));
        peers.record(0, Addresses.v4Lo(0x0A000001));
        peers.record(0, Addresses.v4Lo(0x0A000002));
        peers.record(0, Addresses.v4Lo(0x0A000003)); // replaces 10.0.0.2 (1): counted 2
        assertEquals(List.of("10.0.0.1 (2)", "10.0.0.3 (2)"), peers.top(10));
    }
}
