package io.rstwatch.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.common.EventSink;
import io.rstwatch.decode.Addresses;
import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.Verdict;
import io.rstwatch.host.HostView;
import io.rstwatch.host.Origin;
import io.rstwatch.plugin.Scope;
import io.rstwatch.ports.PortStats.Counter;
import io.rstwatch.ports.PortStats.Rate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RFC 793/9293 reset rules and the choice of service port, on a host described by a fake /proc and a
 * listener lookup the test sets.
 */
class ResetClassifierTest {
    private static final long LOOPBACK = Addresses.v4Lo(0x7F000001);
    private static final long REMOTE = Addresses.v4Lo(0xC0000209); // 192.0.2.9, TEST-NET-1: never local

    private HostView host;
    /** The fake /proc the host view reads. */
    private Path proc;
    /** Ports that listen now or did lately, as the listener inventory would say. */
    private final Set<Integer> recentlyListening = new HashSet<>();

    private PortTable table;
    private ListenerLookup listeners;
    private ResetClassifier classifier;
    private final List<PortStats> created = new ArrayList<>();

    @BeforeEach
    void host(@TempDir Path proc) throws Exception {
        this.proc = proc;
        Files.createDirectories(proc.resolve("sys/net/ipv4"));
        Files.writeString(proc.resolve("sys/net/ipv4/ip_local_port_range"), "32768\t60999\n");
        host = new HostView(proc);
        host.refresh();
        recentlyListening.add(5432);
        table = new PortTable(
                3,
                60,
                600,
                recentlyListening::contains,
                new PortTable.Changes() {
                    @Override
                    public void added(PortStats entry) {
                        created.add(entry);
                    }

                    @Override
                    public void removed(PortStats entry) {}
                },
                System::currentTimeMillis);
        listeners = new ListenerLookup() {
            @Override
            public Listening listeningOn(int port) {
                return null;
            }

            @Override
            public java.util.List<Waiting> waitingFor(int port) {
                return java.util.List.of();
            }

            @Override
            public Departure lastOn(int port) {
                return null;
            }

            @Override
            public boolean listensOrListenedRecently(int port) {
                return recentlyListening.contains(port);
            }

            @Override
            public boolean known() {
                return true;
            }
        };
        classifier = new ResetClassifier(host, listeners, table, new ScanDetector(32, (s, p) -> {}), EventSink.NONE);
    }

    private static DecodedPacket rst(long src, int srcPort, long dst, int dstPort, boolean ack, long seq) {
        return segment(src, srcPort, dst, dstPort, DecodedPacket.RST | (ack ? DecodedPacket.ACK : 0), seq, 0);
    }

    /** Issue 36: a kernel source's count of a second's events alike counts as that many, whatever the event. */
    @Test
    void aKernelSourcesCountCountsAsThatManyEvents() {
        Flow refused = Flows.seen(
                Verdict.IGNORED,
                segment(LOOPBACK, 0, LOOPBACK, 7211, DecodedPacket.SYN, 0, 0),
                Origin.SENT,
                1,
                1000,
                false);
        refused.event = SocketEvent.REFUSED;
        refused.count = 7;
        classifier.countEvent(refused);
        Flow givenUp = Flows.seen(
                Verdict.IGNORED,
                segment(LOOPBACK, 0, REMOTE, 5432, DecodedPacket.SYN, 0, 0),
                Origin.RECEIVED,
                -1,
                1000,
                false);
        givenUp.event = SocketEvent.GIVEN_UP;
        givenUp.count = 3;
        classifier.countEvent(givenUp);
        PortStats local = table.get(Scope.LOCAL, 7211);
        assertEquals(7, local.total(Counter.REFUSED));
        assertEquals(7, local.total(Counter.REFUSED_LOCAL_CLIENTS));
        assertEquals(List.of("127.0.0.1 (7)"), local.topPeers(10));
        assertEquals(3, table.get(Scope.REMOTE, 5432).total(Counter.GIVEN_UP_LOCAL_CLIENTS));
    }

    @Test
    void theSeedRstIsARefusalOfTheSourcePort() {
        classifier.count(Flows.seen(
                Verdict.TCP_RST, rst(LOOPBACK, 7211, LOOPBACK, 41838, true, 0), Origin.SENT, 1, 1000, false));
        PortStats s = table.get(Scope.LOCAL, 7211);
        assertEquals(1, s.total(Counter.REFUSED));
        assertEquals(0, s.total(Rate.RESETS));
        assertEquals(List.of(1), s.interfaceIndexes());
        assertEquals(List.of("127.0.0.1 (1)"), s.topPeers(10));
    }

    @Test
    void abortAndStaleResetsAreKeyedOnTheListeningPortEvenWhenItIsEphemeralLooking() {
        // client 40000 -> server 5432, aborted by the client: RST+ACK with a real sequence number
        classifier.count(Flows.seen(
                Verdict.TCP_RST, rst(LOOPBACK, 40000, LOOPBACK, 5432, true, 777), Origin.SENT, 1, 1000, false));
        // the server answers a stray segment with a bare RST
        classifier.count(Flows.seen(
                Verdict.TCP_RST, rst(LOOPBACK, 5432, LOOPBACK, 40001, false, 778), Origin.SENT, 1, 1000, false));
        PortStats s = table.get(Scope.LOCAL, 5432);
        assertEquals(0, s.total(Counter.REFUSED));
        assertEquals(1, s.total(Counter.ABORT));
        assertEquals(1, s.total(Counter.STALE));
        assertEquals(2, s.total(Counter.RESETS_SENT), "loopback resets are sent by this host");
        assertEquals(1, created.size(), "no entry for an ephemeral port");
    }

    @Test
    void aPortThatListenedLatelyOwnsTheResetsOfItsConnectionsOverTheLowerEphemeralPort() {
        // Both ports are ephemeral; without the listener's memory the lower one (the client's 33000) is taken.
        classifier.count(Flows.seen(
                Verdict.TCP_RST, rst(LOOPBACK, 33000, LOOPBACK, 0xA000, true, 777), Origin.SENT, 1, 1000, false));
        assertEquals(1, table.get(Scope.LOCAL, 33000).total(Counter.ABORT));
        recentlyListening.add(0xA000);
        classifier.count(Flows.seen(
                Verdict.TCP_RST, rst(LOOPBACK, 33001, LOOPBACK, 0xA000, true, 778), Origin.SENT, 1, 1000, false));
        assertEquals(1, table.get(Scope.LOCAL, 0xA000).total(Counter.ABORT));
    }

    @Test
    void aListeningPortOfAnotherHostDoesNotCountAsOurs() {
        recentlyListening.add(40000);
        // 192.0.2.9:40000 is not this host's, so its listening on our 40000 means nothing: the lower port wins.
        classifier.count(Flows.seen(
                Verdict.TCP_RST, rst(REMOTE, 40000, REMOTE, 39000, false, 5), Origin.RECEIVED, 2, 1000, false));
        assertEquals(1, table.get(Scope.REMOTE, 39000).total(Counter.STALE));
    }

    @Test
    void withoutAListenerTheNonEphemeralSideIsTheServiceAndRemoteAddressesAreRemote() {
        classifier.count(Flows.seen(
                Verdict.TCP_RST,
                rst(REMOTE, 443, Addresses.v4Lo(0x0A000001), 50000, true, 5),
                Origin.RECEIVED,
                2,
                1000,
                false));
        PortStats s = table.get(Scope.REMOTE, 443);
        assertEquals(1, s.total(Counter.ABORT));
        assertEquals(1, s.total(Counter.RESETS_RECEIVED));
        // both ephemeral: the lower port
        classifier.count(Flows.seen(
                Verdict.TCP_RST, rst(REMOTE, 50001, REMOTE, 40000, false, 5), Origin.RECEIVED, 2, 1000, false));
        assertEquals(1, table.get(Scope.REMOTE, 40000).total(Counter.STALE));
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
        classifier.count(Flows.seen(Verdict.TCP_SYN, d, Origin.SENT, 2, 900, false)); // the SYN the error quotes
        classifier.count(Flows.seen(Verdict.ICMP_PORT_UNREACHABLE, d, Origin.RECEIVED, 2, 1000, false));
        assertEquals(1, table.get(Scope.REMOTE, 9999).total(Counter.REFUSED));
    }

    @Test
    void anAttemptAnsweredByIcmpAgainAndAgainIsCountedOnceWithItsCode() {
        DecodedPacket d = new DecodedPacket();
        d.srcLo = Addresses.v4Lo(0x0A000001); // this host's client, 10.0.0.1:41000
        d.srcPort = 41000;
        d.dstLo = REMOTE;
        d.dstPort = 5432;
        d.seq = 4045541510L;
        d.tcpFlags = DecodedPacket.SYN;
        d.reporterLo = REMOTE;
        d.icmpCode = 13; // admin-prohibited
        classifier.count(Flows.seen(Verdict.TCP_SYN, d, Origin.SENT, 2, 900, false)); // the SYN the errors quote
        classifier.count(Flows.seen(Verdict.ICMP_UNREACHABLE, d, Origin.RECEIVED, 2, 1000, false));
        classifier.count(
                Flows.seen(Verdict.ICMP_UNREACHABLE, d, Origin.RECEIVED, 2, 2000, false)); // Linux's retransmitted SYN
        PortStats s = table.get(Scope.REMOTE, 5432);
        assertEquals(1, s.total(Counter.UNREACHABLE));
        assertEquals(13, s.lastUnreachableCode());
        assertEquals(0, s.total(Counter.REFUSED));
        d.seq = 12345; // the next attempt
        classifier.count(Flows.seen(Verdict.TCP_SYN, d, Origin.SENT, 2, 2900, false));
        classifier.count(Flows.seen(Verdict.ICMP_UNREACHABLE, d, Origin.RECEIVED, 2, 3000, false));
        assertEquals(2, s.total(Counter.UNREACHABLE));
        classifier.count(Flows.seen(Verdict.TCP_SYN, d, Origin.SENT, 2, 3000 + RecentAttempts.REMEMBER_MILLIS, false));
        classifier.count(Flows.seen(
                Verdict.ICMP_UNREACHABLE, d, Origin.RECEIVED, 2, 3000 + RecentAttempts.REMEMBER_MILLIS + 1, false));
        assertEquals(3, s.total(Counter.UNREACHABLE), "remembered for a while, not for ever");
    }

    @Test
    void aRefusalReceivedForASynThisHostNeverSentIsUnmatchedAndMakesNoEntry() {
        long client = Addresses.v4Lo(0x0A000001);
        int rstAck = DecodedPacket.RST | DecodedPacket.ACK;
        // Forged: 192.0.2.9:8000 "refuses" a SYN this host never sent, on port after port.
        for (int port = 8000; port < 8300; port++) {
            classifier.count(Flows.seen(
                    Verdict.TCP_RST,
                    segment(REMOTE, port, client, 41000, rstAck, 0, 1001),
                    Origin.RECEIVED,
                    2,
                    1000,
                    false));
        }
        assertEquals(300, classifier.unmatchedTotal());
        assertTrue(created.isEmpty(), "no Port entry for a refusal of nothing");

        // A SYN this host sent, then a reset with the wrong acknowledgement: still unmatched.
        classifier.count(Flows.seen(
                Verdict.TCP_SYN,
                segment(client, 41000, REMOTE, 5432, DecodedPacket.SYN, 1000, 0),
                Origin.SENT,
                2,
                2000,
                false));
        classifier.count(Flows.seen(
                Verdict.TCP_RST,
                segment(REMOTE, 5432, client, 41000, rstAck, 0, 1002),
                Origin.RECEIVED,
                2,
                2001,
                false));
        assertEquals(301, classifier.unmatchedTotal());
        assertNull(findPort(5432));

        // The real answer: ack = ISN + 1, ports and addresses reversed.
        classifier.count(Flows.seen(
                Verdict.TCP_RST,
                segment(REMOTE, 5432, client, 41000, rstAck, 0, 1001),
                Origin.RECEIVED,
                2,
                2002,
                false));
        assertEquals(1, table.get(Scope.REMOTE, 5432).total(Counter.REFUSED));
        // Its copy, replayed: the attempt is over.
        classifier.count(Flows.seen(
                Verdict.TCP_RST,
                segment(REMOTE, 5432, client, 41000, rstAck, 0, 1001),
                Origin.RECEIVED,
                2,
                2003,
                false));
        assertEquals(1, table.get(Scope.REMOTE, 5432).total(Counter.REFUSED));
        assertEquals(302, classifier.unmatchedTotal());
    }

    @Test
    void anIcmpErrorQuotingASynThisHostNeverSentIsUnmatched() {
        DecodedPacket d = new DecodedPacket();
        d.srcLo = Addresses.v4Lo(0x0A000001);
        d.srcPort = 41000;
        d.dstLo = REMOTE;
        d.dstPort = 9999;
        d.seq = 77;
        d.tcpFlags = DecodedPacket.SYN;
        d.reporterLo = REMOTE;
        classifier.count(Flows.seen(Verdict.ICMP_PORT_UNREACHABLE, d, Origin.RECEIVED, 2, 1000, false));
        classifier.count(Flows.seen(Verdict.ICMP_UNREACHABLE, d, Origin.RECEIVED, 2, 1000, false));
        assertEquals(2, classifier.unmatchedTotal());
        assertTrue(created.isEmpty());
    }

    @Test
    void aPortThatListensOrListenedLatelyCountsTowardsNoScan() {
        recentlyListening.add(7000);
        long client = REMOTE; // a health checker on another host, refused while services restart
        ScanDetector scans = new ScanDetector(2, (s, p) -> {});
        ResetClassifier c = new ResetClassifier(host, ListenerLookup.NONE, table, scans, EventSink.NONE);
        ResetClassifier withListeners = new ResetClassifier(host, listeners, table, scans, EventSink.NONE);
        for (int port = 7000; port < 7003; port++) {
            recentlyListening.add(port);
            withListeners.count(Flows.seen(
                    Verdict.TCP_RST, rst(LOOPBACK, port, client, 40000, true, 0), Origin.SENT, 1, 1000, false));
        }
        assertEquals(0, scans.scannersTotal(), "three restarting services are no scan");
        for (int port = 9000; port < 9003; port++) {
            c.count(Flows.seen(
                    Verdict.TCP_RST, rst(LOOPBACK, port, client, 40000, true, 0), Origin.SENT, 1, 1000, false));
        }
        assertEquals(1, scans.scannersTotal(), "three ports nothing listens on are");
    }

    private static DecodedPacket segment(long src, int srcPort, long dst, int dstPort, int flags, long seq, long ack) {
        DecodedPacket d = new DecodedPacket();
        d.srcLo = src;
        d.srcPort = srcPort;
        d.dstLo = dst;
        d.dstPort = dstPort;
        d.tcpFlags = flags;
        d.seq = seq;
        d.ack = ack;
        return d;
    }

    /** Whether {@code next}, seen right after {@code d}, answers it at once, as the intake pairs them. */
    private static boolean answersAtOnce(Verdict what, DecodedPacket d, Verdict nextWhat, DecodedPacket next) {
        return FlowIntake.answersAtOnce(
                Flows.seen(what, d, null, -1, 0, false), Flows.seen(nextWhat, next, null, -1, 0, false));
    }

    /** A segment on the loopback interface, as the "any" device tells it. */
    private static DecodedPacket onLoopback(int srcPort, int dstPort, int flags, long seq, long ack) {
        DecodedPacket d = segment(LOOPBACK, srcPort, LOOPBACK, dstPort, flags, seq, ack);
        d.hatype = DecodedPacket.ARPHRD_LOOPBACK;
        return d;
    }

    @Test
    void aLoopbackRstOrSynAckAcknowledgingTheSynBeforeItAnswersItAtOnce() {
        DecodedPacket syn = onLoopback(41838, 7211, DecodedPacket.SYN, 0xFFFF_FFFFL, 0);
        int rstAck = DecodedPacket.RST | DecodedPacket.ACK;
        DecodedPacket refusal = onLoopback(7211, 41838, rstAck, 0, 0); // the ISN + 1 wraps to 0
        assertTrue(answersAtOnce(Verdict.TCP_SYN, syn, Verdict.TCP_RST, refusal));
        DecodedPacket accept = onLoopback(7211, 41838, DecodedPacket.SYN | DecodedPacket.ACK, 99, 0);
        assertTrue(answersAtOnce(Verdict.TCP_SYN, syn, Verdict.TCP_SYN_ACK, accept));

        DecodedPacket otherClient = onLoopback(7211, 41839, rstAck, 0, 0);
        assertFalse(answersAtOnce(Verdict.TCP_SYN, syn, Verdict.TCP_RST, otherClient));
        DecodedPacket otherAck = onLoopback(7211, 41838, rstAck, 0, 1);
        assertFalse(answersAtOnce(Verdict.TCP_SYN, syn, Verdict.TCP_RST, otherAck));
        DecodedPacket noAck = onLoopback(7211, 41838, DecodedPacket.RST, 0, 0);
        assertFalse(answersAtOnce(Verdict.TCP_SYN, syn, Verdict.TCP_RST, noAck));
        DecodedPacket elsewhere = segment(LOOPBACK, 7211, LOOPBACK, 41838, rstAck, 0, 0); // not on lo: forgeable
        assertFalse(answersAtOnce(Verdict.TCP_SYN, syn, Verdict.TCP_RST, elsewhere));
        assertFalse(answersAtOnce(Verdict.TCP_RST, refusal, Verdict.TCP_RST, refusal));
    }

    @Test
    void aFloodOfRefusedLocalConnectsLeavesTheAttemptsInFlightAlone() {
        long client = Addresses.v4Lo(0x0A000001);
        DecodedPacket waiting = segment(client, 41000, REMOTE, 5432, DecodedPacket.SYN, 1000, 0);
        classifier.count(Flows.seen(Verdict.TCP_SYN, waiting, Origin.SENT, 2, 0, false));
        // hping3's flood as the capture sees it: each SYN, from a random port and ISN, then the RST refusing it.
        // 200,000 SYNs at random slots of 65,536 would take the waiting attempt's slot too if they were tracked.
        SplittableRandom random = new SplittableRandom(7211);
        for (int i = 0; i < 200_000; i++) {
            long isn = random.nextLong() & 0xFFFF_FFFFL;
            DecodedPacket syn = onLoopback(1024 + random.nextInt(64_000), 7999, DecodedPacket.SYN, isn, 0);
            DecodedPacket rst =
                    onLoopback(7999, syn.srcPort, DecodedPacket.RST | DecodedPacket.ACK, 0, (isn + 1) & 0xFFFF_FFFFL);
            boolean answered = answersAtOnce(Verdict.TCP_SYN, syn, Verdict.TCP_RST, rst);
            classifier.touch(Flows.seen(Verdict.TCP_SYN, syn, Origin.SENT, 1, 500, answered));
            classifier.count(Flows.seen(Verdict.TCP_SYN, syn, Origin.SENT, 1, 500, answered));
            classifier.count(Flows.seen(Verdict.TCP_RST, rst, Origin.SENT, 1, 500, false));
        }
        assertEquals(200_000, table.get(Scope.LOCAL, 7999).total(Counter.REFUSED));
        classifier.count(Flows.seen(Verdict.TCP_SYN, waiting, Origin.SENT, 2, 1000, false)); // its retransmission
        assertEquals(
                1, table.get(Scope.REMOTE, 5432).total(Counter.UNANSWERED), "the attempt in flight was still tracked");
    }

    @Test
    void aSynSentAgainIsOneUnansweredAttemptAndALateSynAckMakesItSlow() {
        long client = Addresses.v4Lo(0x0A000001);
        DecodedPacket syn = segment(client, 41000, REMOTE, 5432, DecodedPacket.SYN, 1000, 0);
        classifier.count(Flows.seen(Verdict.TCP_SYN, syn, Origin.SENT, 2, 0, false));
        assertNull(findPort(5432), "one SYN is no failure, and makes no Port entry");
        classifier.count(Flows.seen(Verdict.TCP_SYN, syn, Origin.SENT, 2, 1000, false)); // the retransmission after 1 s
        classifier.count(Flows.seen(Verdict.TCP_SYN, syn, Origin.SENT, 2, 3000, false)); // and the next
        PortStats s = table.get(Scope.REMOTE, 5432);
        assertEquals(1, s.total(Counter.UNANSWERED), "one attempt, however many SYNs");
        assertEquals(0, s.total(Counter.REFUSED) + s.total(Rate.RESETS) + s.total(Counter.UNREACHABLE));
        classifier.count(Flows.seen(
                Verdict.TCP_SYN_ACK,
                segment(REMOTE, 5432, client, 41000, DecodedPacket.SYN | DecodedPacket.ACK, 7, 1001),
                Origin.RECEIVED,
                2,
                3500,
                false));
        assertEquals(1, s.total(Counter.SLOW));

        // Answered in time: neither unanswered nor slow.
        DecodedPacket quick = segment(client, 41001, REMOTE, 5433, DecodedPacket.SYN, 2000, 0);
        classifier.count(Flows.seen(Verdict.TCP_SYN, quick, Origin.SENT, 2, 4000, false));
        classifier.count(Flows.seen(
                Verdict.TCP_SYN_ACK,
                segment(REMOTE, 5433, client, 41001, DecodedPacket.SYN | DecodedPacket.ACK, 9, 2001),
                Origin.RECEIVED,
                2,
                4001,
                false));
        assertNull(findPort(5433));
    }

    /**
     * The kernel's last SYN (tcp_syn_retries times again) of a client on this host marks an attempt it gives up,
     * one of AttemptFails, unless a SYN-ACK still comes; an attempt an ICMP error answered is not unanswered when
     * the kernel retries its SYN after that soft error.
     */
    @Test
    void theKernelsLastSynMarksAnAttemptGivenUpAndAnIcmpAnswerIsNoSilence() throws Exception {
        Files.writeString(proc.resolve("sys/net/ipv4/tcp_syn_retries"), "2\n");
        host.refresh();
        assertEquals(2, host.synRetries());
        DecodedPacket syn = segment(LOOPBACK, 41000, REMOTE, 5432, DecodedPacket.SYN, 1000, 0);
        classifier.count(Flows.seen(Verdict.TCP_SYN, syn, Origin.SENT, 2, 0, false));
        classifier.count(Flows.seen(Verdict.TCP_SYN, syn, Origin.SENT, 2, 1000, false));
        PortStats s = table.get(Scope.REMOTE, 5432);
        assertEquals(1, s.total(Counter.UNANSWERED));
        assertEquals(0, s.total(PortStats.Counter.GIVEN_UP_LOCAL_CLIENTS), "not the last SYN yet");
        classifier.count(Flows.seen(Verdict.TCP_SYN, syn, Origin.SENT, 2, 3000, false));
        assertEquals(
                1,
                s.total(PortStats.Counter.GIVEN_UP_LOCAL_CLIENTS),
                "the second time again is the last with tcp_syn_retries 2");
        classifier.count(Flows.seen(
                Verdict.TCP_SYN_ACK,
                segment(REMOTE, 5432, LOOPBACK, 41000, DecodedPacket.SYN | DecodedPacket.ACK, 7, 1001),
                Origin.RECEIVED,
                2,
                5000,
                false));
        assertEquals(
                1,
                s.total(PortStats.Counter.RESCUED_LOCAL_CLIENTS),
                "answered after the last SYN: not given up after all");

        DecodedPacket rejected = segment(LOOPBACK, 41001, REMOTE, 5432, DecodedPacket.SYN, 2000, 0);
        classifier.count(Flows.seen(Verdict.TCP_SYN, rejected, Origin.SENT, 2, 6000, false));
        classifier.count(Flows.seen(Verdict.ICMP_UNREACHABLE, rejected, Origin.RECEIVED, 2, 6000, false));
        classifier.count(Flows.seen(
                Verdict.TCP_SYN, rejected, Origin.SENT, 2, 7000, false)); // the kernel retries after a soft error
        classifier.count(Flows.seen(Verdict.TCP_SYN, rejected, Origin.SENT, 2, 9000, false));
        assertEquals(1, s.total(Counter.UNANSWERED), "an ICMP error answered it");
        assertEquals(1, s.total(Counter.UNREACHABLE));
        assertEquals(1, s.total(PortStats.Counter.GIVEN_UP_LOCAL_CLIENTS));
    }

    @Test
    void portsBeyondTheCapGoToOtherOfTheirScope() {
        for (int port = 1000; port < 1010; port++) {
            classifier.count(Flows.seen(
                    Verdict.TCP_RST, rst(LOOPBACK, port, LOOPBACK, 41838, true, 0), Origin.SENT, 1, 1000, false));
        }
        PortStats other = table.get(Scope.LOCAL, 1009);
        assertEquals(PortStats.OTHER, other.port());
        assertEquals(7, other.total(Counter.REFUSED));
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
}
