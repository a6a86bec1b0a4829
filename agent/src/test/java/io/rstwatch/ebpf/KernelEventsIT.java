package io.rstwatch.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.decode.Addresses;
import io.rstwatch.testing.Await;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.Shell;
import io.rstwatch.testing.TestHost;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each way a connection of this namespace fails, as the kernel's sockets live it, one event each, read from the
 * ring: refusals of this host's clients (IPv4 and IPv6) and of another host's, resets sent and received, a SYN
 * nothing answers; nothing of another namespace; and nothing stays loaded.
 */
class KernelEventsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** An event as a line: "REFUSED 127.0.0.1:40000 > 127.0.0.1:7211 sent code 111". */
    private record Seen(int kind, String src, String dst, boolean sent, int code, int tgid) {}

    @BeforeAll
    static void needsBpf() {
        Requirements.require(Requirements.isRoot(), "root (or CAP_BPF and CAP_PERFMON) to load eBPF programs");
    }

    /** The programs as the agent loads them, with the Clients' counts (and their table) or without. */
    private static KernelEvents attach(boolean clients) throws Exception {
        return KernelEvents.attach(ConnectErrors.namespaceOfThisProcess(), 1 << 20, clients);
    }

    /**
     * The events drained now that touch {@code port}, at either end: other processes on a busy host fail their
     * connects too.
     */
    private static List<Seen> drain(KernelEvents events, int port) {
        List<Seen> out = new ArrayList<>();
        events.drain(
                e -> {
                    if (e.srcPort == port || e.dstPort == port) {
                        out.add(new Seen(
                                e.kind,
                                Addresses.endpoint(e.srcHi, e.srcLo, e.srcPort),
                                Addresses.endpoint(e.dstHi, e.dstLo, e.dstPort),
                                (e.flags & KernelEvents.SENT) != 0,
                                e.code,
                                e.tgid));
                    }
                },
                1000);
        return out;
    }

    /** Drains until {@code n} events of {@code kind} on {@code port} came, or the deadline passes; every one drained. */
    private static List<Seen> await(KernelEvents events, int kind, int n, int port) throws Exception {
        List<Seen> all = new ArrayList<>();
        try {
            Await.until(kind + " events", WAIT, () -> {
                all.addAll(drain(events, port));
                return all.stream().filter(s -> s.kind == kind).count() >= n;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; seen " + all, e);
        }
        return all;
    }

    /**
     * A refusal on loopback is the reset this host sent, counted once: its client's socket, whose route is
     * loopback, counts nothing, so that a raw socket's SYN (a scanner on this host) counts as a client's does.
     */
    @ParameterizedTest(name = "the Clients'' counts kept too: {0}")
    @ValueSource(booleans = {false, true})
    void refusalsOfThisHostsClientsAreTheResetsItSentOnce(boolean clients) throws Exception {
        int closed = Loopback.closedPort();
        try (KernelEvents events = attach(clients)) {
            int[] ids = events.programIds();
            for (int i = 0; i < 5; i++) {
                refuse("127.0.0.1", closed);
            }
            refuse("::1", closed);
            List<Seen> seen = await(events, KernelEvents.REFUSED, 6, closed);
            List<Seen> refused =
                    seen.stream().filter(s -> s.kind == KernelEvents.REFUSED).toList();
            assertEquals(6, refused.size(), "once each, not again by the client's socket: " + seen);
            for (Seen s : refused.subList(0, 5)) {
                assertTrue(s.src.startsWith("127.0.0.1:"), s.toString());
                assertEquals("127.0.0.1:" + closed, s.dst, "as its SYN: to the port that refused");
                assertEquals(111, s.code);
                assertTrue(s.sent(), "this host's reset, on loopback, not its client's socket: " + s);
            }
            assertEquals("[::1]:" + closed, refused.get(5).dst);
            if (clients) {
                int self = (int) ProcessHandle.current().pid();
                assertEquals(
                        java.util.Map.of(self, 6L),
                        events.clients().byProcess(closed, 111),
                        "the Clients' counts, kept by the same state program");
            }
            events.close();
            for (int id : ids) {
                Await.until("program " + id + " unloaded", WAIT, () -> !Bpf.programLoaded(id));
            }
        }
    }

    /**
     * Every connect that enters SYN_SENT leaves the table of connects in flight as it leaves that state: refused,
     * established, or established by way of SYN_RECV (a socket connected to its own address, a simultaneous open).
     * On a host of the test's own, where nothing else connects, the table ends empty.
     */
    @Test
    void everyConnectsEndTakesItOutOfTheTable() throws Exception {
        try (TestHost host = TestHost.create()) {
            String link = host.run("readlink", "/proc/self/ns/net").strip(); // net:[4026532...]
            long netns = Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
            try (KernelEvents events = KernelEvents.attach(netns, 1 << 20, true)) {
                host.run(
                        "python3",
                        "-c",
                        "import socket\n"
                                + "for i in range(5):\n"
                                + "    s = socket.socket()\n"
                                + "    try: s.connect(('127.0.0.1', 7211))\n"
                                + "    except ConnectionRefusedError: pass\n"
                                + "    s.close()\n"
                                + "l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen()\n"
                                + "c = socket.create_connection(l.getsockname()); a, _ = l.accept()\n"
                                + "c.close(); a.close()\n"
                                + "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.connect(s.getsockname())\n"
                                + "s.close()\n");
                List<Seen> refused = await(events, KernelEvents.REFUSED, 5, 7211);
                assertEquals(5, refused.size(), "the test host's refusals: " + refused);
                assertEquals(0, events.clients().connectsInFlight(), "every connect's end took it out");
            }
        }
    }

    /**
     * Beyond the ring's budget a second, events are counted in the kernel, by all they have but the client's port:
     * a flood of 6,000 refusals in well under a second comes as at most the budget's records and counts for the
     * rest, and not one is lost.
     */
    @ParameterizedTest(name = "the Clients'' counts kept too: {0}")
    @ValueSource(booleans = {false, true})
    void aFloodBeyondTheRingsBudgetIsCountedInTheKernelAndNothingIsLost(boolean clients) throws Exception {
        int closed = Loopback.closedPort();
        try (KernelEvents events = attach(clients)) {
            Loopback.refuse(closed, 6000);
            long[] fromRing = {0};
            long[] counted = {0};
            KernelEvents.Sink sink = e -> {
                if (e.kind == KernelEvents.REFUSED && e.dstPort == closed) {
                    if (e.count == 1 && e.srcPort != 0) {
                        fromRing[0]++;
                    } else {
                        counted[0] += e.count;
                        assertEquals("127.0.0.1:" + closed, Addresses.endpoint(e.dstHi, e.dstLo, e.dstPort));
                        assertEquals(0, e.srcPort, "counted without the client's port");
                    }
                }
            };
            Await.until("every refusal", WAIT, () -> {
                events.drain(sink, 100_000);
                events.aggregates(sink);
                return fromRing[0] + counted[0] >= 6000;
            });
            Thread.sleep(200);
            events.drain(sink, 100_000);
            events.aggregates(sink);
            assertEquals(6000, fromRing[0] + counted[0], fromRing[0] + " from the ring, " + counted[0] + " counted");
            assertTrue(counted[0] > 0, "the budget was reached: " + fromRing[0] + " from the ring");
            assertEquals(0, events.lost());
        }
    }

    @ParameterizedTest(name = "the Clients'' counts kept too: {0}")
    @ValueSource(booleans = {false, true})
    void anotherHostsClientRefusedHereIsTheResetThisHostSent(boolean clients) throws Exception {
        int closed = Loopback.closedPort();
        try (TestHost other = TestHost.create();
                KernelEvents events = attach(clients)) {
            other.run(
                    "python3",
                    "-c",
                    "import socket\n"
                            + "for i in range(3):\n"
                            + "    s = socket.socket()\n"
                            + "    try: s.connect(('" + other.localAddress() + "', " + closed + "))\n"
                            + "    except ConnectionRefusedError: pass\n"
                            + "    s.close()\n");
            // and the same port refused inside the other namespace: none of this one's
            other.refuse(closed, 4);
            List<Seen> seen = await(events, KernelEvents.REFUSED, 3, closed);
            Thread.sleep(200); // anything more would have come with them
            seen.addAll(drain(events, closed));
            List<Seen> refused =
                    seen.stream().filter(s -> s.kind == KernelEvents.REFUSED).toList();
            assertEquals(3, refused.size(), seen.toString());
            for (Seen s : refused) {
                assertTrue(s.src.startsWith(other.address() + ":"), s.toString());
                assertEquals(other.localAddress() + ":" + closed, s.dst);
                assertTrue(s.sent, "this host sent the reset");
            }
        }
    }

    @ParameterizedTest(name = "the Clients'' counts kept too: {0}")
    @ValueSource(booleans = {false, true})
    void anAbortiveCloseIsAResetSentAndOneReceived(boolean clients) throws Exception {
        try (KernelEvents events = attach(clients);
                ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            int clientPort;
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
                    Socket accepted = server.accept()) {
                clientPort = client.getLocalPort();
                client.setSoLinger(true, 0);
                client.close();
                Await.until("the reset arrives", WAIT, () -> {
                    try {
                        return accepted.getInputStream().read() < 0;
                    } catch (IOException reset) {
                        return true;
                    }
                });
            }
            List<Seen> seen = await(events, KernelEvents.ABORT, 2, port);
            List<Seen> aborts =
                    seen.stream().filter(s -> s.kind == KernelEvents.ABORT).toList();
            assertEquals(2, aborts.size(), seen.toString());
            for (Seen s : aborts) {
                assertEquals("127.0.0.1:" + clientPort, s.src, "as the reset: its sender first");
                assertEquals("127.0.0.1:" + port, s.dst);
            }
            assertTrue(aborts.get(0).sent != aborts.get(1).sent, "one sent, one received: " + aborts);
        }
    }

    /**
     * A connect whose first SYN the other host's firewall drops, and whose second one it lets through: unanswered
     * once as the SYN goes again, then slow as it is established (the socket's total_retrans).
     */
    @ParameterizedTest(name = "the Clients'' counts kept too: {0}")
    @ValueSource(booleans = {false, true})
    void aSynAnsweredOnlyWhenItWentAgainIsUnansweredThenSlow(boolean clients) throws Exception {
        Requirements.require(Shell.available("nft"), "nftables (bin/test installs it)");
        Requirements.require(Shell.available("python3"), "python3 (bin/test installs it)");
        try (TestHost other = TestHost.create();
                KernelEvents events = attach(clients)) {
            Process server = new ProcessBuilder(other.command(
                            "python3",
                            "-c",
                            "import socket\n"
                                    + "l = socket.socket()\n"
                                    + "l.bind(('0.0.0.0', 5433))\n"
                                    + "l.listen()\n"
                                    + "print('listening', flush=True)\n"
                                    + "c, _ = l.accept()\n"
                                    + "c.close()\n"))
                    .redirectErrorStream(true)
                    .start();
            try {
                assertEquals(
                        "listening", new BufferedReader(new InputStreamReader(server.getInputStream())).readLine());
                other.firewall("tcp dport 5433 counter drop");
                CompletableFuture<Void> connected = CompletableFuture.runAsync(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(other.address(), 5433), 10_000);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                Await.until("the first SYN dropped", WAIT, () -> other.firewallListed()
                        .contains("packets 1 "));
                other.dropFirewall(); // the SYN sent again after 1 s passes
                connected.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                List<Seen> seen = await(events, KernelEvents.SLOW, 1, 5433);
                assertEquals(
                        List.of(KernelEvents.UNANSWERED, KernelEvents.SLOW),
                        seen.stream().map(Seen::kind).toList(),
                        "unanswered as it went again, slow once answered: " + seen);
                assertEquals(other.address() + ":5433", seen.get(1).dst);
            } finally {
                server.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * A connect begun before the programs were attached, refused after: the Clients' table never saw it start,
     * and the source counts its refusal all the same (for no process), as it does a connect whose set of slots was
     * full.
     */
    @ParameterizedTest(name = "the Clients'' counts kept too: {0}")
    @ValueSource(booleans = {false, true})
    void aConnectBegunBeforeTheAttachIsCountedAsItEnds(boolean clients) throws Exception {
        Requirements.require(Shell.available("nft"), "nftables (bin/test installs it)");
        try (TestHost other = TestHost.create()) {
            other.firewall("tcp dport 5434 counter drop");
            CompletableFuture<Void> refused = CompletableFuture.runAsync(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(other.address(), 5434), 10_000);
                } catch (ConnectException expected) {
                    // the SYN sent again reached a closed port
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Await.until(
                    "the first SYN dropped", WAIT, () -> other.firewallListed().contains("packets 1 "));
            try (KernelEvents events = attach(clients)) {
                other.dropFirewall(); // the SYN sent again after 1 s draws the other host's reset
                refused.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                List<Seen> seen = await(events, KernelEvents.REFUSED, 1, 5434);
                Seen r = seen.stream()
                        .filter(s -> s.kind == KernelEvents.REFUSED)
                        .findFirst()
                        .orElseThrow();
                assertEquals(other.address() + ":5434", r.dst, seen.toString());
                assertEquals(0, r.tgid, "its process was not seen connecting");
                if (clients) {
                    assertEquals(java.util.Map.of(), events.clients().byProcess(5434, 111));
                }
            }
        }
    }

    @ParameterizedTest(name = "the Clients'' counts kept too: {0}")
    @ValueSource(booleans = {false, true})
    void aSynNothingAnswersIsUnansweredOnceAndTheConnectsEndIsGivenUpOrNot(boolean clients) throws Exception {
        try (TestHost other = TestHost.create();
                KernelEvents events = attach(clients)) {
            other.silence();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(other.address(), 5432), 3500);
            } catch (SocketTimeoutException expected) {
                // the application gave up first: no error of the socket's, no GIVEN_UP
            }
            List<Seen> seen = await(events, KernelEvents.UNANSWERED, 1, 5432);
            seen.addAll(drain(events, 5432)); // every resend ran its program before connect() gave up
            List<Seen> unanswered =
                    seen.stream().filter(s -> s.kind == KernelEvents.UNANSWERED).toList();
            assertEquals(1, unanswered.size(), "the attempt once, however often its SYN went: " + seen);
            assertEquals(other.address() + ":5432", unanswered.get(0).dst);
            assertEquals(
                    0,
                    seen.stream().filter(s -> s.kind == KernelEvents.GIVEN_UP).count(),
                    seen.toString());
        }
    }

    /**
     * An ICMPv6 admin-prohibited answering a SYN sent again (the first one's answer came while connect() held the
     * socket): the connect ends with EACCES, and the event carries it.
     */
    @ParameterizedTest(name = "the Clients'' counts kept too: {0}")
    @ValueSource(booleans = {false, true})
    void anUnreachableIsTheSocketsErrno(boolean clients) throws Exception {
        io.rstwatch.testing.Requirements.require(io.rstwatch.testing.Shell.available("nft"), "nftables");
        try (TestHost other = TestHost.create();
                KernelEvents events = attach(clients)) {
            other.firewall("tcp dport 5432 reject with icmpx type admin-prohibited");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(other.address6(), 5432), 3000);
            } catch (IOException rejected) {
                // BindException: EACCES, as the JDK reports it
            }
            List<Seen> seen = await(events, KernelEvents.UNREACHABLE, 1, 5432);
            List<Seen> unreachable = seen.stream()
                    .filter(s -> s.kind == KernelEvents.UNREACHABLE)
                    .toList();
            assertEquals(1, unreachable.size(), seen.toString());
            assertEquals("[" + other.address6() + "]:5432", unreachable.get(0).dst);
            assertEquals(13, unreachable.get(0).code, "IPv6's admin-prohibited: EACCES");
        }
    }

    @ParameterizedTest(name = "the Clients'' counts kept too: {0}")
    @ValueSource(booleans = {false, true})
    void aSegmentForNoConnectionDrawsAStaleReset(boolean clients) throws Exception {
        Requirements.require(io.rstwatch.testing.Shell.available("hping3"), "hping3");
        int closed = Loopback.closedPort();
        try (KernelEvents events = attach(clients)) {
            io.rstwatch.testing.Shell.run(
                    "hping3", "-c", "3", "-i", "u10000", "-A", "-p", Integer.toString(closed), "127.0.0.1");
            List<Seen> seen = await(events, KernelEvents.STALE, 3, closed);
            for (Seen s :
                    seen.stream().filter(s -> s.kind == KernelEvents.STALE).toList()) {
                assertEquals("127.0.0.1:" + closed, s.src.replaceFirst(":\\d+$", ":" + closed), s.toString());
                assertTrue(s.src.endsWith(":" + closed), "as the reset: from the closed port " + s);
                assertTrue(s.sent);
            }
            assertEquals(
                    0, seen.stream().filter(s -> s.kind == KernelEvents.REFUSED).count(), seen.toString());
        }
    }

    private static void refuse(String host, int port) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
        } catch (ConnectException refused) {
            // the event is the kernel's
        }
    }
}
