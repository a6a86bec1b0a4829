package io.rstwatch.ports;

import io.rstwatch.plugin.Scope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.decode.Addresses;
import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.listeners.ListenerInventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RFC 793/9293 reset rules and the choice of service port, on a host described by a fake /proc. */
class ResetClassifierTest {
    private static final long LOOPBACK = Addresses.v4Lo(0x7F000001);
    private static final long REMOTE = Addresses.v4Lo(0xC0000209); // 192.0.2.9, TEST-NET-1: never local

    private Path proc;
    private HostView host;
    private PortTable table;
    private ResetClassifier classifier;
    private final List<PortStats> created = new ArrayList<>();

    @BeforeEach
    void host(@TempDir Path proc) throws Exception {
        this.proc = proc;
        Files.createDirectories(proc.resolve("net"));
        Files.createDirectories(proc.resolve("sys/net/ipv4"));
        // 0.0.0.0:5432 listens (0x1538); an established connection on 0x1F90 does not count.
        Files.writeString(proc.resolve("net/tcp"),
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                + "   0: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   105        0 1 1\n"
                + "   2: 0100007F:A000 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1\n"
                + "   1: 0100007F:1F90 0100007F:A2B4 01 00000000:00000000 00:00000000 00000000     0        0 2 1\n");
        Files.writeString(proc.resolve("sys/net/ipv4/ip_local_port_range"), "32768\t60999\n");
        host = new HostView(proc);
        host.refresh();
        readListeners();
        table = new PortTable(3, 60, created::add);
        classifier = new ResetClassifier(host, table, io.rstwatch.plugins.PluginHost.none());
    }

    private void readListeners() {
        ListenerInventory inventory = new ListenerInventory(proc);
        inventory.refresh();
        host.setListening(inventory.listeningBits());
    }

    private static DecodedPacket rst(long src, int srcPort, long dst, int dstPort, boolean ack, long seq) {
        DecodedPacket d = new DecodedPacket();
        d.srcLo = src;
        d.dstLo = dst;
        d.srcPort = srcPort;
        d.dstPort = dstPort;
        d.seq = seq;
        d.tcpFlags = DecodedPacket.RST | (ack ? DecodedPacket.ACK : 0);
        return d;
    }

    @Test
    void theSeedRstIsARefusalOfTheSourcePort() {
        classifier.count(DecodedPacket.TCP_RST, rst(LOOPBACK, 7211, LOOPBACK, 41838, true, 0), 1, 1000);
        PortStats s = table.get(Scope.LOCAL, 7211);
        assertEquals(1, s.refusedTotal());
        assertEquals(0, s.resetsTotal());
        assertEquals(List.of(1), s.interfaceIndexes());
        assertEquals(List.of("127.0.0.1 (1)"), s.topPeers(10));
    }

    @Test
    void abortAndStaleResetsAreKeyedOnTheListeningPortEvenWhenItIsEphemeralLooking() {
        assertTrue(host.isListening(5432));
        // client 40000 -> server 5432, aborted by the client: RST+ACK with a real sequence number
        classifier.count(DecodedPacket.TCP_RST, rst(LOOPBACK, 40000, LOOPBACK, 5432, true, 777), 1, 1000);
        // the server answers a stray segment with a bare RST
        classifier.count(DecodedPacket.TCP_RST, rst(LOOPBACK, 5432, LOOPBACK, 40001, false, 778), 1, 1000);
        PortStats s = table.get(Scope.LOCAL, 5432);
        assertEquals(0, s.refusedTotal());
        assertEquals(1, s.abortTotal());
        assertEquals(1, s.staleTotal());
        assertEquals(2, s.resetsSentTotal(), "loopback resets are sent by this host");
        assertEquals(1, created.size(), "no entry for an ephemeral port");
    }

    @Test
    void aServiceThatJustDiedStillOwnsTheResetsOfItsConnections() throws Exception {
        Files.writeString(proc.resolve("net/tcp"), "  sl  local_address rem_address   st\n");
        readListeners();
        assertFalse(host.isListening(0xA000));
        // Both ports are ephemeral; without memory the lower one (the client's 33000) would be taken.
        classifier.count(DecodedPacket.TCP_RST, rst(LOOPBACK, 33000, LOOPBACK, 0xA000, true, 777), 1, 1000);
        assertEquals(1, table.get(Scope.LOCAL, 0xA000).abortTotal());
    }

    @Test
    void withoutAListenerTheNonEphemeralSideIsTheServiceAndRemoteAddressesAreRemote() {
        classifier.count(DecodedPacket.TCP_RST, rst(REMOTE, 443, Addresses.v4Lo(0x0A000001), 50000, true, 5), 2, 1000);
        PortStats s = table.get(Scope.REMOTE, 443);
        assertEquals(1, s.abortTotal());
        assertEquals(1, s.resetsReceivedTotal());
        // both ephemeral: the lower port
        classifier.count(DecodedPacket.TCP_RST, rst(REMOTE, 50001, REMOTE, 40000, false, 5), 2, 1000);
        assertEquals(1, table.get(Scope.REMOTE, 40000).staleTotal());
    }

    @Test
    void icmpPortUnreachableIsARefusalOfTheQuotedDestination() {
        DecodedPacket d = new DecodedPacket();
        d.srcLo = LOOPBACK;
        d.srcPort = 41000;
        d.dstLo = REMOTE;
        d.dstPort = 9999;
        d.tcpFlags = DecodedPacket.SYN;
        d.reporterLo = REMOTE;
        classifier.count(DecodedPacket.ICMP_PORT_UNREACHABLE, d, 2, 1000);
        assertEquals(1, table.get(Scope.REMOTE, 9999).refusedTotal());
    }

    @Test
    void portsBeyondTheCapGoToOtherOfTheirScope() {
        for (int port = 1000; port < 1010; port++) {
            classifier.count(DecodedPacket.TCP_RST, rst(LOOPBACK, port, LOOPBACK, 41838, true, 0), 1, 1000);
        }
        PortStats other = table.get(Scope.LOCAL, 1009);
        assertEquals(PortStats.OTHER, other.port());
        assertEquals(7, other.refusedTotal());
        assertSame(other, table.get(Scope.LOCAL, 2000));
        assertEquals(4, created.size(), "three ports and one other entry");
        assertNull(findPort(12345));
    }

    private PortStats findPort(int port) {
        for (PortStats s : table.entries()) {
            if (s.port() == port) {
                return s;
            }
        }
        return null;
    }

    @Test
    void theSamePacketOnAnotherInterfaceIsADuplicateButTwiceOnOneIsTwoPackets() {
        DuplicateFilter filter = new DuplicateFilter(false);
        DecodedPacket d = rst(LOOPBACK, 7211, LOOPBACK, 41838, true, 0);
        assertFalse(filter.isDuplicate(d, 3, 1_000_000));
        assertTrue(filter.isDuplicate(d, 4, 1_000_100));
        assertFalse(filter.isDuplicate(d, 3, 1_000_200));
        assertFalse(filter.isDuplicate(d, 4, 2_000_000), "too late to be the same packet");
    }

    @Test
    void topPeersAreBoundedAndKeepTheHeavyHitter() {
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
    void rateIsAveragedOverTheWindowOrSinceStart() {
        RateWindow w = new RateWindow(60, 0);
        long total = 0;
        for (int second = 1; second <= 10; second++) {
            total += 2;
            w.sample(total);
        }
        assertEquals(2.0, w.perSecond(), 1e-9);
        RateWindow late = new RateWindow(60, 3600);
        late.sample(6);
        assertEquals(0.1, late.perSecond(), 1e-9, "an entry made long after start averages over the whole window");
    }
}
