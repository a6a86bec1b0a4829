package io.rstwatch.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.common.EventSink;
import io.rstwatch.common.TopPeers;
import io.rstwatch.host.HostView;
import io.rstwatch.host.Services;
import io.rstwatch.kernel.KernelTcp;
import io.rstwatch.kernel.ProcNetCounter;
import io.rstwatch.ports.ClientLookup;
import io.rstwatch.ports.ListenerLookup;
import io.rstwatch.ports.PortRegistry;
import io.rstwatch.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.management.AttributeChangeNotification;
import javax.management.Notification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert's levels, notifications and message on a fake /proc whose counters the test moves. */
class TcpAlertTest {
    private static final long SECOND = 1_000_000_000L;

    private static void counters(Path proc, long attemptFails) throws Exception {
        Files.writeString(
                proc.resolve("net/snmp"),
                "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab"
                        + " InSegs OutSegs RetransSegs InErrs OutRsts\n"
                        + "Tcp: 1 200 120000 -1 10 10 " + attemptFails + " 0 1 100 100 0 0 " + attemptFails + "\n");
        Files.writeString(proc.resolve("net/netstat"), "TcpExt: ListenOverflows ListenDrops\nTcpExt: 0 0\n");
    }

    @Test
    void levelFollowsTheRateWithANotificationOnEachChange(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("net"));
        Files.createDirectories(proc.resolve("sys/kernel"));
        Files.writeString(proc.resolve("sys/kernel/hostname"), "labutil01\n");
        counters(proc, 1000);
        TcpAlert tcp = new TcpAlert(new KernelTcp(proc, 5, 1), registry(proc), null);
        long now = 0;
        tcp.configure(1.0, 10.0, 0, EventSink.NONE); // alert.hold=0: down as soon as the rate is
        List<Notification> seen = Collections.synchronizedList(new ArrayList<>());
        tcp.notificationEmitter().addNotificationListener((n, h) -> seen.add(n), null, null);
        tcp.sample(now += SECOND);
        assertEquals("OK", tcp.getAlertLevel());
        long fails = 1000;
        for (int second = 0; second < 5; second++) {
            fails += 2;
            counters(proc, fails);
            tcp.sample(now += SECOND);
        }
        assertEquals(2.0, tcp.getFailedConnectionsPerSecond(), 1e-9);
        assertEquals("WARN", tcp.getAlertLevel());
        assertTrue(
                tcp.getAlertMessage().startsWith("labutil01: 2.00 failed TCP connections/s (WARN) since "),
                tcp.getAlertMessage());
        assertTrue(
                tcp.getAlertMessage()
                        .endsWith("the capture is not running (capture=off), so only this JVM's own connects are"
                                + " seen, and none of them failed (connects of other processes, and of native"
                                + " transports, are not seen)."),
                tcp.getAlertMessage());
        for (int second = 0; second < 5; second++) {
            fails += 20;
            counters(proc, fails);
            tcp.sample(now += SECOND);
        }
        assertEquals("CRITICAL", tcp.getAlertLevel());
        for (int second = 0; second < 6; second++) {
            counters(proc, fails);
            tcp.sample(now += SECOND);
        }
        assertEquals("OK", tcp.getAlertLevel());
        // The average decays through WARN on its way down. Listeners are called on the dispatcher's thread.
        Await.until("four notifications", Duration.ofSeconds(10), () -> seen.size() == 4);
        assertEquals(
                List.of("OK>WARN", "WARN>CRITICAL", "CRITICAL>WARN", "WARN>OK"),
                seen.stream()
                        .map(n -> ((AttributeChangeNotification) n).getOldValue() + ">"
                                + ((AttributeChangeNotification) n).getNewValue())
                        .toList());
        assertEquals(fails, tcp.getAttemptFailsTotal());
    }

    /** /proc/net/snmp unreadable: the alert says it does not know, instead of keeping its last level. */
    @Test
    void unreadableCountersMakeTheLevelUnknownUntilTheyCanBeReadAgain(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("net"));
        counters(proc, 1000);
        TcpAlert tcp = new TcpAlert(new KernelTcp(proc, 5, 1), registry(proc), null);
        tcp.configure(1.0, 10.0, 0, EventSink.NONE);
        List<Notification> seen = Collections.synchronizedList(new ArrayList<>());
        tcp.notificationEmitter().addNotificationListener((n, h) -> seen.add(n), null, null);
        long now = 0;
        long fails = 1000;
        for (int second = 0; second < 6; second++) {
            fails += 5;
            counters(proc, fails);
            tcp.sample(now += SECOND);
        }
        assertEquals("WARN", tcp.getAlertLevel());
        Files.writeString(proc.resolve("net/snmp"), "x".repeat(ProcNetCounter.MAX_BYTES + 1)); // no longer readable
        tcp.sample(now += SECOND);
        assertEquals("UNKNOWN", tcp.getAlertLevel(), "not frozen at WARN");
        assertTrue(tcp.getAlertMessage().contains("the failed-connection rate is unknown"), tcp.getAlertMessage());
        assertTrue(tcp.status().startsWith("kernel TCP counters unreadable: "), tcp.status());
        tcp.sample(now += SECOND);
        counters(proc, fails);
        tcp.sample(now += SECOND);
        assertTrue(List.of("OK", "WARN").contains(tcp.getAlertLevel()), tcp.getAlertLevel());
        Await.until("three notifications", Duration.ofSeconds(10), () -> seen.size() == 3);
        assertEquals("WARN", ((AttributeChangeNotification) seen.get(1)).getOldValue());
        assertEquals("UNKNOWN", ((AttributeChangeNotification) seen.get(1)).getNewValue());
        assertEquals("UNKNOWN", ((AttributeChangeNotification) seen.get(2)).getOldValue());
    }

    @Test
    void theAlertLeavesALevelOnlyAfterTheRateStayedUnderItForAlertHold(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("net"));
        counters(proc, 1000);
        TcpAlert tcp = new TcpAlert(new KernelTcp(proc, 1, 1), registry(proc), null);
        tcp.configure(1.0, 10.0, 10, EventSink.NONE);
        List<Notification> seen = Collections.synchronizedList(new ArrayList<>());
        tcp.notificationEmitter().addNotificationListener((n, h) -> seen.add(n), null, null);
        long now = 0;
        long fails = 1000;
        tcp.sample(now += SECOND);
        // A rate wavering around alert.warn: 2/s, 0/s, 2/s, ... for 20 s.
        for (int second = 0; second < 20; second++) {
            fails += second % 2 == 0 ? 2 : 0;
            counters(proc, fails);
            tcp.sample(now += SECOND);
            assertEquals("WARN", tcp.getAlertLevel(), "second " + second);
        }
        for (int second = 1; second <= 10; second++) { // under the threshold from now on
            counters(proc, fails);
            tcp.sample(now += SECOND);
            assertEquals(second < 10 ? "WARN" : "OK", tcp.getAlertLevel(), "quiet second " + second);
        }
        // Notifications are delivered in order: once WARN>OK is in, every earlier one is.
        Await.until("the WARN>OK notification", Duration.ofSeconds(10), () -> seen.stream()
                .anyMatch(n -> "OK".equals(((AttributeChangeNotification) n).getNewValue())));
        assertEquals(2, seen.size(), "OK>WARN and WARN>OK once each: no flapping");
    }

    @Test
    void theExplanationNeverClaimsMoreThanTheFailedConnects() {
        List<PortRegistry.LocalFailure> fair = List.of(new PortRegistry.LocalFailure(
                PortRegistry.Cause.REFUSED,
                2.0,
                "2.00/s are refused connections to 127.0.0.1:7211 on lo, where nothing listens",
                List.of(new TopPeers.Peer("127.0.0.1", 240))));
        assertEquals(
                "; 2.00/s are refused connections to 127.0.0.1:7211 on lo, where nothing listens; the captured"
                        + " refusals explain 100% of it",
                TcpAlert.explain(new StringBuilder(), 2.01, fair, 0).toString());
        List<PortRegistry.LocalFailure> scanned = List.of(
                new PortRegistry.LocalFailure(
                        PortRegistry.Cause.REFUSED,
                        63597.5,
                        "63597.50/s are refused connections to other local ports on lo",
                        List.of(new TopPeers.Peer("127.0.0.1", 1_530_000), new TopPeers.Peer("10.0.0.5", 7))),
                new PortRegistry.LocalFailure(
                        PortRegistry.Cause.REFUSED,
                        0.96,
                        "0.96/s are refused connections to 127.0.0.1:7211 on lo, where nothing listens",
                        List.of(new TopPeers.Peer("127.0.0.1", 58))));
        assertEquals(
                "; 63597.50/s are refused connections to other local ports on lo; 0.96/s are refused connections to"
                        + " 127.0.0.1:7211 on lo, where nothing listens; the captured refusals to local clients"
                        + " (63598.46/s) are more than the failed connections, so not all of them are connects of"
                        + " sockets: raw packets (a port scan or packet generator on this host) draw refusals the"
                        + " kernel does not count; top sources: 127.0.0.1 (1530058), 10.0.0.5 (7)",
                TcpAlert.explain(new StringBuilder(), 0.96, scanned, 0).toString());
    }

    /** Issue 13: every cause with its ports and its share; SYN-RECV resets from the kernel's counter. */
    @Test
    void eachCauseNamesItsPortsAndItsShare() {
        List<TopPeers.Peer> local = List.of(new TopPeers.Peer("127.0.0.1", 10));
        List<PortRegistry.LocalFailure> mixed = List.of(
                new PortRegistry.LocalFailure(
                        PortRegistry.Cause.REFUSED,
                        4.0,
                        "4.00/s are refused connections to 127.0.0.1:7211 on lo, where nothing listens",
                        local),
                new PortRegistry.LocalFailure(
                        PortRegistry.Cause.UNANSWERED,
                        3.0,
                        "3.00/s are unanswered connects to 10.0.3.7:5432 on eth0",
                        local),
                new PortRegistry.LocalFailure(
                        PortRegistry.Cause.UNREACHABLE,
                        1.0,
                        "1.00/s are unreachable connects to 10.0.3.7:5433 on eth0 (admin-prohibited)",
                        local));
        assertEquals(
                "; 4.00/s are refused connections to 127.0.0.1:7211 on lo, where nothing listens; 3.00/s are"
                        + " unanswered connects to 10.0.3.7:5432 on eth0; 1.00/s are unreachable connects to"
                        + " 10.0.3.7:5433 on eth0 (admin-prohibited); 0.50/s are handshakes reset in SYN-RECV (the"
                        + " kernel's EmbryonicRsts; no port is known); of it: refused 40%, unanswered 30%, unreachable"
                        + " 10%, reset in SYN-RECV 5%; together they explain 85%",
                TcpAlert.explain(new StringBuilder(), 10.0, mixed, 0.5).toString());
        assertEquals(
                "; none of it was captured: connects given up by the kernel before capture started, or on an"
                        + " interface the capture does not see",
                TcpAlert.explain(new StringBuilder(), 2.0, List.of(), 0).toString());
    }

    private static PortRegistry registry(Path proc) throws Exception {
        return new PortRegistry(
                new HostView(proc),
                new PortRegistry.Limits(16, 5, 600, 32),
                ListenerLookup.NONE,
                ClientLookup.NONE,
                Services.read(proc.resolve("no-services")),
                EventSink.NONE,
                () -> 0);
    }
}
