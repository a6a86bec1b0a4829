package io.rstwatch.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rstwatch.common.EventSink;
import io.rstwatch.decode.Addresses;
import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.Verdict;
import io.rstwatch.host.HostView;
import io.rstwatch.host.Origin;
import io.rstwatch.host.Services;
import io.rstwatch.jmx.ScannerRow;
import io.rstwatch.plugin.Scope;
import io.rstwatch.ports.PortStats.Counter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry with a scan: the scanner's ports leave the table, and a real problem keeps its own entry. */
class PortRegistryTest {
    private static final long LOOPBACK = Addresses.v4Lo(0x7F000001);
    private static final long SCANNER = Addresses.v4Lo(0xC6336401); // 198.51.100.1
    private static final long CLIENT = Addresses.v4Lo(0xC6336402); // 198.51.100.2

    /** This host (127.0.0.1, the only local address in the fake /proc) refuses {@code peer} on {@code port}. */
    private static DecodedPacket refusal(int port, long peer) {
        DecodedPacket d = new DecodedPacket();
        d.srcLo = LOOPBACK;
        d.srcPort = port;
        d.dstLo = peer;
        d.dstPort = 40000;
        d.tcpFlags = DecodedPacket.RST | DecodedPacket.ACK;
        return d;
    }

    @Test
    void aRemoteScanFillsNoSlotAndItsEarlierPortsAreFoldedIntoItsRow(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("sys/net/ipv4"));
        Files.writeString(proc.resolve("sys/net/ipv4/ip_local_port_range"), "32768\t60999\n");
        HostView host = new HostView(proc);
        host.refresh();
        PortRegistry registry = new PortRegistry(
                host,
                new PortRegistry.Limits(64, 60, 600, 32),
                ListenerLookup.NONE,
                ClientLookup.NONE,
                Services.read(proc.resolve("no-services")),
                EventSink.NONE,
                () -> 0);
        ResetClassifier classifier = registry.classifier();
        long now = System.currentTimeMillis();
        classifier.count(Flows.seen(Verdict.TCP_RST, refusal(5, SCANNER), Origin.SENT, 1, now, false));
        classifier.count(Flows.seen(
                Verdict.TCP_RST, refusal(5, CLIENT), Origin.SENT, 1, now, false)); // port 5 is not the scanner's alone
        for (int port = 1; port <= 2000; port++) {
            classifier.count(Flows.seen(Verdict.TCP_RST, refusal(port, SCANNER), Origin.SENT, 1, now, false));
        }
        classifier.count(Flows.seen(Verdict.TCP_RST, refusal(7211, CLIENT), Origin.SENT, 1, now, false));

        PortTable table = registry.table();
        assertEquals(1, table.get(Scope.LOCAL, 7211).total(Counter.REFUSED), "the real problem has its own entry");
        assertFalse(table.get(Scope.LOCAL, 7211).isOther());
        assertEquals(3, table.find(Scope.LOCAL, 5).total(Counter.REFUSED), "a port others were refused on stays");
        assertNull(table.find(Scope.LOCAL, 1), "a port only the scanner hit is folded into its row");
        assertNull(table.find(Scope.LOCAL, 1999), "and so are the ones after it was found");
        registry.scans().refresh();
        assertEquals(1, registry.scans().getScannersTotal());
        ScannerRow row = registry.scans().getScanners()[0];
        assertEquals("198.51.100.1", row.address());
        assertEquals(2000, row.portsHit());
        assertEquals(1999, row.refusals(), "all but port 5's two, which stay on port 5");
        assertEquals(1999, registry.scans().getScannedRefusalsTotal());
    }
}
