package io.rstwatch.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rstwatch.decode.Addresses;
import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.plugin.Scope;
import io.rstwatch.ports.PortStats.Counter;
import io.rstwatch.ports.PortStats.Rate;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The sentence a person reads on a Port MBean, for each situation it tells apart. */
class DiagnosisTest {
    private static final long LOOPBACK = Addresses.v4Lo(0x7F000001);
    private static final long REMOTE = Addresses.v4Lo(0xC0000209); // 192.0.2.9
    private static final long T0 = Instant.parse("2026-11-25T10:54:00Z").toEpochMilli();
    /** One second of System.nanoTime(), counting started at 0. */
    private static final long SECOND = 1_000_000_000L;

    /** An entry with {@code refused} refusals over 2 s, from 10:54:00Z to 10:54:01Z, rates sampled. */
    private static PortStats refused(Scope scope, int port, long service, int refused) {
        return counted(ResetKind.REFUSED, scope, port, service, refused);
    }

    /** An entry with {@code n} events of a kind from local clients over 2 s, rates sampled. */
    private static PortStats counted(ResetKind kind, Scope scope, int port, long service, int n) {
        PortStats s = new PortStats(scope, port, 60, 0, T0);
        for (int i = 0; i < n; i++) {
            s.record(Flows.of(kind, true, 0, service, 0, LOOPBACK, true, 1, -1, T0 + 1000L * (i % 2)));
        }
        s.sampleRates(SECOND);
        s.sampleRates(2 * SECOND);
        return s;
    }

    @Test
    void aLocalPortWhereNothingListens() {
        PortStats s = refused(Scope.LOCAL, 7211, LOOPBACK, 4);
        assertEquals(
                "2.00 refused/s over the last 60 s on 127.0.0.1:7211 (lo); nothing listens there: a client"
                        + " keeps connecting to a service that is not running; 4 refused and 0 resets since 10:54:00Z,"
                        + " last at 10:54:01Z.",
                Diagnosis.of(s, facts("lo", true, null, null, 60)));
    }

    @Test
    void aLocalPortWhoseListenerWent() {
        PortStats s = refused(Scope.LOCAL, 7211, LOOPBACK, 4);
        ListenerLookup.Departure gone = new ListenerLookup.Departure("pid 4242 `java -jar collector.jar`", T0 - 10_000);
        assertEquals(
                "2.00 refused/s over the last 60 s on 127.0.0.1:7211 (lo); nothing listens there since 10:53:50Z;"
                        + " it was pid 4242 `java -jar collector.jar`; 4 refused and 0 resets since 10:54:00Z, last at"
                        + " 10:54:01Z.",
                Diagnosis.of(s, facts("lo", true, null, gone, 60)));
    }

    /** Issue 36: the seed's question answered whole: where, since when nothing listens, and who keeps connecting. */
    @Test
    void aLocalPortWhoseListenerWentNamesWhoKeepsConnecting() {
        PortStats s = refused(Scope.LOCAL, 7211, LOOPBACK, 4);
        ListenerLookup.Departure gone = new ListenerLookup.Departure("pid 4242 `java -jar collector.jar`", T0 - 10_000);
        assertEquals(
                "2.00 refused/s over the last 60 s on 127.0.0.1:7211 (lo); nothing listens there since 10:53:50Z;"
                        + " it was pid 4242 `java -jar collector.jar`; connecting: pid 5150 `python3 poller.py` (user"
                        + " app), 2.00/s; 4 refused and 0 resets since 10:54:00Z, last at 10:54:01Z.",
                Diagnosis.of(
                        s,
                        new Diagnosis.Facts(
                                "lo", true, null, gone, "", "pid 5150 `python3 poller.py` (user app), 2.00/s", 0, 60)));
    }

    @Test
    void aLocalPortThatListensAgain() {
        PortStats s = refused(Scope.LOCAL, 7211, LOOPBACK, 4);
        String d = Diagnosis.of(s, facts("lo", true, "pid 7 `collector`", null, 60));
        assertEquals(
                "2.00 refused/s over the last 60 s on 127.0.0.1:7211 (lo); pid 7 `collector` listens there now,"
                        + " so the refusals may have stopped; 4 refused and 0 resets since 10:54:00Z, last at 10:54:01Z.",
                d);
    }

    @Test
    void aRemoteHostThatRefuses() {
        PortStats s = refused(Scope.REMOTE, 5432, REMOTE, 4);
        assertEquals(
                "2.00 refused/s over the last 60 s on 192.0.2.9:5432 (eth0); that host refuses: nothing listens"
                        + " there, or a firewall rejects; 4 refused and 0 resets since 10:54:00Z, last at 10:54:01Z.",
                Diagnosis.of(s, facts("eth0", true, null, null, 60)));
    }

    @Test
    void resetsAreSplitIntoAbortAndStale() {
        PortStats s = new PortStats(Scope.LOCAL, 5432, 60, 0, T0);
        s.record(Flows.of(ResetKind.ABORT, true, 0, LOOPBACK, 0, LOOPBACK, false, 1, -1, T0));
        s.record(Flows.of(ResetKind.ABORT, true, 0, LOOPBACK, 0, LOOPBACK, false, 1, -1, T0));
        s.record(Flows.of(ResetKind.STALE, true, 0, LOOPBACK, 0, LOOPBACK, false, 1, -1, T0));
        s.sampleRates(SECOND);
        assertEquals(
                "3.00 resets/s over the last 60 s on 127.0.0.1:5432 (lo): 2 live connections torn down (abort), 1"
                        + " for connections the sender did not know (stale) in all; 0 refused and 3 resets since 10:54:00Z,"
                        + " last at 10:54:00Z.",
                Diagnosis.of(s, facts("lo", true, null, null, 60)));
    }

    @Test
    void aQuietPortSaysSo() {
        PortStats s = new PortStats(Scope.LOCAL, 7211, 10, 0, T0);
        s.record(Flows.of(ResetKind.REFUSED, true, 0, LOOPBACK, 0, LOOPBACK, true, 1, -1, T0));
        for (int i = 1; i <= 12; i++) {
            s.sampleRates(i * SECOND);
        }
        assertEquals(
                "No refusals or resets on 127.0.0.1:7211 (lo) in the last 10 s; 1 refused and 0 resets since"
                        + " 10:54:00Z, last at 10:54:00Z.",
                Diagnosis.of(s, facts("lo", true, null, null, 10)));
    }

    @Test
    void anEntryMadeForThisJvmsFailuresAlone() {
        PortStats s = new PortStats(Scope.LOCAL, 7211, 60, 0, T0);
        s.recordJvmFailure("com.example.Poller.poll(Poller.java:42)", T0, 0, LOOPBACK);
        s.recordJvmFailure("com.example.Poller.poll(Poller.java:42)", T0, 0, LOOPBACK);
        assertEquals(
                "No refusals or resets on port 7211 in the last 60 s; none captured so far, and 2 failed"
                        + " connects from this JVM.",
                Diagnosis.of(s, facts("", true, null, null, 60)));
    }

    @Test
    void theCatchAllNamesNoListener() {
        PortStats s = refused(Scope.LOCAL, PortStats.OTHER, LOOPBACK, 4);
        assertEquals(
                "2.00 refused/s over the last 60 s on ports beyond ports.max (local) (lo); 4 refused and 0 resets"
                        + " since 10:54:00Z, last at 10:54:01Z.",
                Diagnosis.of(s, facts("lo", true, null, null, 60)));
    }

    @Test
    void whenTheListenersCannotBeReadNobodySaysNothingListens() {
        PortStats s = refused(Scope.LOCAL, 7211, LOOPBACK, 4);
        assertEquals(
                "2.00 refused/s over the last 60 s on 127.0.0.1:7211 (lo); unknown whether anything listens there: the"
                        + " listening sockets cannot be read (/proc/net/tcp); the refusals say nothing did when they"
                        + " were sent; 4 refused and 0 resets since 10:54:00Z, last at 10:54:01Z.",
                Diagnosis.of(s, facts("lo", false, null, null, 60)));
    }

    @Test
    void anUnreachableNamesItsIcmpCode() {
        PortStats s = new PortStats(Scope.REMOTE, 5432, 60, 0, T0);
        long server = Addresses.v4Lo(0x0A000307); // 10.0.3.7
        s.record(Flows.of(ResetKind.UNREACHABLE, false, 0, server, 0, LOOPBACK, false, 2, 13, T0));
        s.record(Flows.of(ResetKind.UNREACHABLE, false, 0, server, 0, LOOPBACK, false, 2, 13, T0 + 1000));
        s.sampleRates(SECOND);
        s.sampleRates(2 * SECOND);
        assertEquals(2, s.total(Counter.UNREACHABLE));
        assertEquals(0, s.total(Rate.RESETS), "an unreachable is no reset");
        assertEquals(
                "1.00 unreachable/s over the last 60 s to 10.0.3.7:5432 (eth0), answered by ICMP admin-prohibited: a"
                        + " firewall rejects it; 0 refused, 2 unreachable and 0 resets since 10:54:00Z, last at 10:54:01Z.",
                Diagnosis.of(s, facts("eth0", true, null, null, 60)));
        s.record(Flows.of(
                ResetKind.UNREACHABLE, false, 0, server, 0, LOOPBACK, false, 2, DecodedPacket.ICMPV6 | 3, T0 + 1000));
        assertEquals(
                "address-unreachable: the host does not answer neighbour discovery (down, or not there)",
                UnreachableCodes.describe(s.lastUnreachableCode()));
        assertEquals(
                "host-unreachable: the host does not answer ARP (down, or not there), or a router cannot reach it",
                UnreachableCodes.describe(1));
    }

    /** Issue 13: a full accept queue, with the queue's numbers, the overflow rate and who waits. */
    @Test
    void aFullAcceptQueueWithItsNumbersAndWhoWaits() {
        PortStats s = counted(ResetKind.UNANSWERED, Scope.LOCAL, 8080, LOOPBACK, 8);
        String d = Diagnosis.of(
                s,
                new Diagnosis.Facts(
                        "lo",
                        true,
                        new ListenerLookup.Listening("pid 7 `server`", 129, 128),
                        null,
                        "pid 4242 `python3 poll.py` (3, oldest 9 s)",
                        "",
                        37,
                        60));
        assertEquals(
                "4.00 unanswered connects/s over the last 60 s to 127.0.0.1:8080 (lo): the listener pid 7 `server` has"
                        + " 129 of 128 connections waiting to be accepted, so the kernel drops new SYNs (ListenOverflows"
                        + " +37.00/s); waiting now: pid 4242 `python3 poll.py` (3, oldest 9 s); 0 refused, 8 unanswered"
                        + " and 0 resets since 10:54:00Z, last at 10:54:01Z.",
                d);
        String unknownBacklog = nginxWithQueue(s, 511, 0, 12.5);
        assertEquals(
                "4.00 unanswered connects/s over the last 60 s to 127.0.0.1:8080 (lo): the listener pid 8 `nginx` has"
                        + " 511 connections waiting to be accepted and the kernel counts listen overflows: its accept"
                        + " queue is full, so new SYNs are dropped (ListenOverflows +12.50/s); 0 refused, 8 unanswered"
                        + " and 0 resets since 10:54:00Z, last at 10:54:01Z.",
                unknownBacklog);
        String notFull = nginxWithQueue(s, 3, 128, 0);
        assertEquals(
                "4.00 unanswered connects/s over the last 60 s to 127.0.0.1:8080 (lo): the SYNs draw no answer, not"
                        + " even a RST: the listener's accept queue is full, a local firewall drops them, or the listener"
                        + " is overwhelmed (pid 8 `nginx` listens there); 0 refused, 8 unanswered and 0 resets since"
                        + " 10:54:00Z, last at 10:54:01Z.",
                notFull);
    }

    /** The diagnosis of a port where pid 8 `nginx` listens with this accept queue; nobody waits. */
    private static String nginxWithQueue(PortStats s, int queued, int backlog, double overflowsPerSecond) {
        return Diagnosis.of(
                s,
                new Diagnosis.Facts(
                        "lo",
                        true,
                        new ListenerLookup.Listening("pid 8 `nginx`", queued, backlog),
                        null,
                        "",
                        "",
                        overflowsPerSecond,
                        60));
    }

    @Test
    void aRemotePortThatDropsWithWhoWaits() {
        PortStats s = counted(ResetKind.UNANSWERED, Scope.REMOTE, 5432, REMOTE, 8);
        assertEquals(
                "4.00 unanswered connects/s over the last 60 s to 192.0.2.9:5432 (eth0): nothing answers, not even a"
                        + " RST: a firewall drops them or the host is down; waiting now: pid 4242 `java -jar billing.jar`"
                        + " (3, oldest 9 s); 0 refused, 8 unanswered and 0 resets since 10:54:00Z, last at 10:54:01Z.",
                Diagnosis.of(
                        s,
                        new Diagnosis.Facts(
                                "eth0",
                                true,
                                null,
                                null,
                                "pid 4242 `java -jar billing.jar` (3, oldest 9 s)",
                                "",
                                0,
                                60)));
    }

    /** What a Port entry knows beside its counts: {@code listener} listens with an empty queue, nobody waits. */
    private static Diagnosis.Facts facts(
            String interfaces, boolean known, String listener, ListenerLookup.Departure last, int window) {
        return new Diagnosis.Facts(
                interfaces,
                known,
                listener == null ? null : new ListenerLookup.Listening(listener, 0, 0),
                last,
                "",
                "",
                0,
                window);
    }
}
