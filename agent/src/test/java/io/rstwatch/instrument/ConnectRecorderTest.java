package io.rstwatch.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.listeners.ListenBacklogs;
import io.rstwatch.plugin.ConnectFailure.Cause;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Failed connects by cause, per endpoint, through the same typed handles the bridge calls. */
class ConnectRecorderTest {
    private final List<String> failed = new ArrayList<>();
    private final ListenBacklogs backlogs = new ListenBacklogs();
    /** A loader other than the test's: every frame here counts as the application's. */
    /** The recorder's wall clock, epoch ms: the test moves it. */
    private final AtomicLong clock = new AtomicLong(1_000_000);

    private final ConnectRecorder recorder = new ConnectRecorder(
            new ClassLoader(null) {},
            new ConnectRecorder.Listener() {
                @Override
                public void failed(InetSocketAddress endpoint, Cause cause, Callers.Caller caller) {
                    failed.add(endpoint.getPort() + " " + cause);
                }
            },
            backlogs,
            600,
            60,
            clock::get);

    @Test
    void causesFromWhatTheJdkThrows() {
        assertEquals(Cause.REFUSED, ConnectRecorder.cause(new ConnectException("Connection refused")));
        assertEquals(Cause.UNREACHABLE, ConnectRecorder.cause(new java.net.BindException("Permission denied")));
        assertEquals(Cause.TIMED_OUT, ConnectRecorder.cause(new SocketTimeoutException("Connect timed out")));
        assertEquals(Cause.TIMED_OUT, ConnectRecorder.cause(new ConnectException("Connection timed out")));
        assertEquals(Cause.TIMED_OUT, ConnectRecorder.cause(new HttpConnectTimeoutException("HTTP connect timed out")));
        assertEquals(Cause.UNREACHABLE, ConnectRecorder.cause(new NoRouteToHostException("No route to host")));
        assertEquals(Cause.UNREACHABLE, ConnectRecorder.cause(new SocketException("Network is unreachable")));
        assertEquals(Cause.OTHER, ConnectRecorder.cause(new ConnectException(null)));
        assertEquals(Cause.OTHER, ConnectRecorder.cause(new IOException("Too many open files")));
    }

    @Test
    void theBridgeHandlesCountFailuresAndPendingConnects() throws Throwable {
        MethodHandle[] h = recorder.handles();
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 7211);
        Object channel = new Object();
        h[0].invokeExact(
                (Object) new Object(),
                (SocketAddress) a,
                (Throwable) new ConnectException("Connection refused"),
                System.nanoTime());
        h[1].invokeExact(channel, (SocketAddress) a, (Throwable) null, false, System.nanoTime()); // pending
        h[2].invokeExact(channel, (SocketAddress) a, (Throwable) new SocketTimeoutException("timed out"), false);
        h[2].invokeExact(new Object(), (SocketAddress) a, (Throwable) new ClosedChannelException(), false);
        h[5].invokeExact((SocketAddress) new InetSocketAddress(8080), 0);
        assertEquals(List.of("7211 REFUSED", "7211 TIMED_OUT"), failed, "the ClosedChannelException is noise");
        assertEquals(1, recorder.total(Cause.REFUSED));
        assertEquals(1, recorder.total(Cause.TIMED_OUT));
        assertEquals(50, backlogs.backlog(8080), "0 asks for the JDK default");
    }

    /**
     * A connect whose name did not resolve is a DNS failure with the reason the resolver gave for that name (the
     * JVM's cached failure says none), apart from Other; an unresolved address alone is not (Netty names its
     * failures' endpoints so).
     */
    @Test
    void aNameThatDidNotResolveIsCountedWithTheResolversReason() throws Throwable {
        MethodHandle[] h = recorder.handles();
        h[7].invokeExact(
                "DB.invalid", (Throwable) new java.net.UnknownHostException("DB.invalid: Name or service not known"));
        InetSocketAddress db = InetSocketAddress.createUnresolved("db.invalid", 5432);
        for (int i = 0; i < 3; i++) { // the first from the resolver, the others from the JVM's cache
            h[0].invokeExact(
                    (Object) new Object(),
                    (SocketAddress) db,
                    (Throwable) new java.net.UnknownHostException("db.invalid"),
                    System.nanoTime());
        }
        h[1].invokeExact(
                new Object(),
                (SocketAddress) InetSocketAddress.createUnresolved("api.example", 443),
                (Throwable) new java.nio.channels.UnresolvedAddressException(),
                false,
                System.nanoTime());
        h[0].invokeExact(
                (Object) new Object(),
                (SocketAddress) InetSocketAddress.createUnresolved("netty.example", 80),
                (Throwable) new ConnectException("Connection refused"),
                System.nanoTime());
        assertEquals(4, recorder.unresolvedTotal());
        assertEquals(1, recorder.resolverFailures());
        assertEquals(0, recorder.total(Cause.OTHER));
        assertEquals(1, recorder.total(Cause.REFUSED), "an unresolved address that was refused");
        EndpointStats row = recorder.endpoints().get(0);
        assertEquals("db.invalid:5432", row.endpoint());
        assertEquals(3, row.unresolved());
        assertEquals(3, row.total());
        assertEquals("not known: DB.invalid: Name or service not known", row.nameFailure());
        EndpointStats api = recorder.endpoints().stream()
                .filter(r -> r.endpoint().equals("api.example:443"))
                .findFirst()
                .orElseThrow();
        assertEquals("other", api.nameFailure(), "no resolver failure seen for that name");
        assertEquals(
                List.of("5432 OTHER", "5432 OTHER", "5432 OTHER", "443 OTHER", "80 REFUSED"),
                failed,
                "plugins see them as before");
    }

    /**
     * A look-up that failed with no connect after it counts on the endpoint the code was after: the destination
     * asked for under that name, else the endpoint of that name used last, else port 0. Every look-up counts, and
     * only failed names.
     */
    @Test
    void aLookUpWithoutAConnectCountsOnTheEndpointItWasFor() throws Throwable {
        MethodHandle[] h = recorder.handles();
        MethodHandle lookupFailed = h[h.length - 2];
        Throwable unknown = new java.net.UnknownHostException("nowhere.invalid: Name or service not known");
        h[7].invokeExact("nowhere.invalid", unknown);
        lookupFailed.invokeExact("nowhere.invalid", unknown);
        lookupFailed.invokeExact("nowhere.invalid", unknown); // the JVM's cache answered
        lookupFailed.invokeExact("broker.invalid", (Throwable) new IllegalArgumentException("not a failed name"));
        // A library asked for broker.invalid:9092 on this thread, then looked the name up (Netty's event loop).
        recorder.libraryHandles()[3].invokeExact((Object) InetSocketAddress.createUnresolved("broker.invalid", 9092));
        lookupFailed.invokeExact("Broker.invalid", (Throwable) new java.net.UnknownHostException("Broker.invalid"));
        // A driver that looks its host up itself: its connects to db.invalid:5432 failed before.
        h[0].invokeExact(
                (Object) new Object(),
                (SocketAddress) InetSocketAddress.createUnresolved("db.invalid", 5432),
                (Throwable) new java.net.UnknownHostException("db.invalid"),
                System.nanoTime());
        lookupFailed.invokeExact("db.invalid", (Throwable) new java.net.UnknownHostException("db.invalid"));

        Map<String, Long> dns = recorder.endpoints().stream()
                .collect(Collectors.toMap(EndpointStats::endpoint, EndpointStats::unresolved));
        assertEquals(Map.of("nowhere.invalid:0", 2L, "Broker.invalid:9092", 1L, "db.invalid:5432", 2L), dns);
        EndpointStats nowhere = recorder.endpoints().stream()
                .filter(r -> r.endpoint().equals("nowhere.invalid:0"))
                .findFirst()
                .orElseThrow();
        assertEquals("not known: nowhere.invalid: Name or service not known", nowhere.nameFailure());
        Map<String, Long> callers = nowhere.callerFailures();
        assertTrue(callers.keySet().stream().anyMatch(c -> c.contains("ConnectRecorderTest")), callers.toString());
        assertEquals(5, recorder.unresolvedTotal());
    }

    /**
     * An address made with a name that did not resolve is an attempt of its own when no connect to its endpoint
     * follows within a second (a client that checks its addresses); otherwise the connect that throws for the name
     * is the attempt, however many addresses the library made for it, and each further connect another.
     */
    @Test
    void anAddressMadeUnresolvedCountsWhenNoConnectFollows() throws Throwable {
        MethodHandle[] h = recorder.handles();
        MethodHandle addressUnresolved = h[h.length - 1];
        InetSocketAddress kafka = InetSocketAddress.createUnresolved("kafka.invalid", 9092);
        addressUnresolved.invokeExact((Object) kafka); // never connected, twice
        addressUnresolved.invokeExact((Object) kafka);
        InetSocketAddress db = InetSocketAddress.createUnresolved("db.invalid", 5432);
        for (int i = 0; i < 3; i++) { // the HTTP client's way: three made for one attempt
            addressUnresolved.invokeExact((Object) db);
        }
        for (int i = 0; i < 2; i++) {
            h[0].invokeExact(
                    (Object) new Object(),
                    (SocketAddress) db,
                    (Throwable) new java.net.UnknownHostException("db.invalid"),
                    System.nanoTime());
        }
        long start = System.nanoTime(); // after every address was made
        recorder.settleMadeUnresolved(start); // too soon: a connect may still follow
        assertEquals(Map.of("kafka.invalid:9092", 0L, "db.invalid:5432", 2L), dnsFailures());
        recorder.settleMadeUnresolved(start + ConnectRecorder.MADE_SETTLE_NANOS);
        assertEquals(Map.of("kafka.invalid:9092", 2L, "db.invalid:5432", 2L), dnsFailures());
        assertEquals(List.of("5432 OTHER", "5432 OTHER", "9092 OTHER", "9092 OTHER"), failed);
        recorder.settleMadeUnresolved(start + 2 * ConnectRecorder.MADE_SETTLE_NANOS);
        assertEquals(4, recorder.unresolvedTotal(), "each counted once");
    }

    private Map<String, Long> dnsFailures() {
        return recorder.endpoints().stream()
                .collect(Collectors.toMap(EndpointStats::endpoint, EndpointStats::unresolved));
    }

    /**
     * A connect that connected is timed on its endpoint's row, from the connect's start (a non-blocking one's from
     * connect(), not finishConnect()), and that row is no failure's: Connects.Endpoints leaves it out.
     */
    @Test
    void aConnectThatConnectedIsTimedOnItsEndpointsRow() throws Throwable {
        MethodHandle[] h = recorder.handles();
        InetSocketAddress db = new InetSocketAddress("127.0.0.1", 5432);
        h[8].invokeExact((Object) new Object(), (SocketAddress) db, System.nanoTime() - 100_000_000L);
        Object channel = new Object();
        h[1].invokeExact(channel, (SocketAddress) db, (Throwable) null, false, System.nanoTime() - 100_000_000L);
        h[2].invokeExact(channel, (SocketAddress) db, (Throwable) null, true);
        assertEquals(2, recorder.connectedTotal());
        EndpointStats row = recorder.endpoints().get(0);
        assertEquals("127.0.0.1:5432", row.endpoint());
        assertEquals(2, row.connected());
        assertEquals(0, row.total(), "no failure");
        assertEquals(0, new ConnectsView(recorder).getEndpoints().length, "Connects.Endpoints lists failures");
        long now = System.nanoTime();
        for (io.rstwatch.common.DurationWindow.Figures f :
                List.of(row.sampleConnectTimes(now), recorder.sampleConnectTimes(now))) {
            assertEquals(2, f.count());
            assertTrue(f.p50Millis() > 100 - 100.0 / 16 && f.p50Millis() < 150, f.toString());
        }
        h[0].invokeExact(
                (Object) new Object(),
                (SocketAddress) db,
                (Throwable) new ConnectException("Connection refused"),
                System.nanoTime() - 2_000_000L);
        assertTrue(row.failedAfterNanos() >= 2_000_000L, "the failure took 2 ms: " + row.failedAfterNanos());
        Thread agents = new Thread(
                () -> {
                    try {
                        h[8].invokeExact((Object) new Object(), (SocketAddress) db, System.nanoTime());
                    } catch (Throwable e) {
                        throw new AssertionError(e);
                    }
                },
                "rstwatch-plugin-x");
        agents.start();
        agents.join();
        assertEquals(2, recorder.connectedTotal(), "the agent's own threads' connects are not the application's");
    }

    @Test
    void aHandshakesReasonFromWhatJsseMadeOfIt() {
        javax.net.ssl.SSLHandshakeException pkix = new javax.net.ssl.SSLHandshakeException(
                "PKIX path building failed: unable to find valid certification path to requested target");
        pkix.initCause(new java.security.cert.CertPathBuilderException("unable to find valid certification path"));
        assertEquals(TlsFailure.UNTRUSTED, TlsFailure.of("CERTIFICATE_UNKNOWN", false, pkix));
        assertEquals(
                "untrusted: PKIX path building failed: unable to find valid certification path to requested target",
                TlsFailure.UNTRUSTED.explain("CERTIFICATE_UNKNOWN", pkix));
        javax.net.ssl.SSLHandshakeException expired = new javax.net.ssl.SSLHandshakeException("validity check failed");
        expired.initCause(new java.security.cert.CertPathValidatorException(
                "validity check failed",
                new java.security.cert.CertificateExpiredException("NotAfter: Sat Nov 07 10:00:00 UTC 2026")));
        assertEquals(TlsFailure.EXPIRED, TlsFailure.of("CERTIFICATE_UNKNOWN", false, expired), "expiry beats PKIX");
        assertEquals(
                TlsFailure.HOSTNAME_MISMATCH,
                TlsFailure.of(
                        "CERTIFICATE_UNKNOWN",
                        false,
                        new javax.net.ssl.SSLHandshakeException("x")
                                .initCause(new java.security.cert.CertificateException(
                                        "No subject alternative names matching IP address 127.0.0.1 found"))));
        assertEquals(
                TlsFailure.PEER_ALERT,
                TlsFailure.of("BAD_CERTIFICATE", true, new javax.net.ssl.SSLHandshakeException("bad_certificate")));
        assertEquals(
                "peer's alert: bad_certificate",
                TlsFailure.PEER_ALERT.explain("BAD_CERTIFICATE", new javax.net.ssl.SSLException("x")));
        assertEquals(
                TlsFailure.PEER_CLOSED,
                TlsFailure.of(
                        "HANDSHAKE_FAILURE",
                        false,
                        new javax.net.ssl.SSLHandshakeException("Remote host terminated the handshake")));
        assertEquals(
                TlsFailure.PROTOCOL,
                TlsFailure.of(
                        "UNEXPECTED_MESSAGE",
                        false,
                        new javax.net.ssl.SSLException("Unsupported or unrecognized SSL message")));
        assertEquals(
                TlsFailure.PROTOCOL,
                TlsFailure.of("PROTOCOL_VERSION", false, new javax.net.ssl.SSLHandshakeException("whatever")));
        assertEquals(TlsFailure.OTHER, TlsFailure.of("INTERNAL_ERROR", false, new javax.net.ssl.SSLException((String)
                null)));
        assertEquals(
                "other", TlsFailure.OTHER.explain("INTERNAL_ERROR", new javax.net.ssl.SSLException((String) null)));
    }

    @Test
    void theResolversWordsSayWhy() {
        assertEquals(
                NameFailure.NOT_KNOWN,
                NameFailure.of(new java.net.UnknownHostException("x: Name or service not known")));
        assertEquals(
                NameFailure.NOT_KNOWN,
                NameFailure.of(new java.net.UnknownHostException("x: No address associated with hostname")));
        assertEquals(
                NameFailure.NOT_KNOWN, NameFailure.of(new java.net.UnknownHostException("x: Name does not resolve")));
        assertEquals(
                NameFailure.TEMPORARY,
                NameFailure.of(new java.net.UnknownHostException("x: Temporary failure in name resolution")));
        assertEquals(NameFailure.OTHER, NameFailure.of(new java.net.UnknownHostException("x")));
        assertEquals(NameFailure.OTHER, NameFailure.of(new java.net.UnknownHostException(null)));
        assertEquals("other", NameFailure.OTHER.explain(new java.net.UnknownHostException(null)));
    }

    /** Each bridge's install takes as many handles as the recorder hands it: otherwise nothing is instrumented. */
    @Test
    void theHandlesFitEachBridgesInstall() throws Exception {
        for (Object[] bridge : new Object[][] {
            {io.rstwatch.instrument.bridge.ConnectHook.class, recorder.handles()},
            {io.rstwatch.instrument.bridge.LibraryHook.class, recorder.libraryHandles()}
        }) {
            java.lang.reflect.Method install = java.util.Arrays.stream(((Class<?>) bridge[0]).getDeclaredMethods())
                    .filter(m -> m.getName().equals("install"))
                    .findFirst()
                    .orElseThrow();
            MethodHandle[] handles = (MethodHandle[]) bridge[1];
            assertEquals(install.getParameterCount(), handles.length, bridge[0].toString());
        }
    }

    @Test
    void endpointsAreBoundedAndTheRestShareOneRow() {
        for (int port = 1; port <= ConnectRecorder.MAX_ENDPOINTS + 10; port++) {
            recorder.connectFailed(
                    new Object(),
                    new InetSocketAddress("127.0.0.1", port),
                    new ConnectException("Connection refused"),
                    System.nanoTime());
        }
        List<EndpointStats> rows = recorder.endpoints();
        assertEquals(ConnectRecorder.MAX_ENDPOINTS + 1, rows.size());
        EndpointStats overflow = rows.get(rows.size() - 1);
        assertEquals("other endpoints", overflow.endpoint());
        assertEquals(10, overflow.count(Cause.REFUSED));
        assertEquals(ConnectRecorder.MAX_ENDPOINTS + 10, recorder.total(Cause.REFUSED), "no failure is lost");
    }

    @Test
    void anEndpointIdleForPortsIdleGivesItsRowToANewOneAndItsCountsToTheOverflowRow() {
        for (int port = 1; port <= ConnectRecorder.MAX_ENDPOINTS; port++) {
            refused(port);
        }
        clock.addAndGet(599_000);
        refused(2); // port 2 is fresh again; port 1 is now the least recent
        refused(5000);
        assertEquals("other endpoints", last(recorder.endpoints()).endpoint(), "nothing idle long enough yet");
        clock.addAndGet(1_000); // port 1 (and 3..256) idle for 600 s; port 2 for 1 s
        refused(5001);
        List<String> names =
                recorder.endpoints().stream().map(EndpointStats::endpoint).collect(Collectors.toList());
        assertTrue(names.contains("127.0.0.1:5001"), "the new endpoint has its own row");
        assertFalse(names.contains("127.0.0.1:1"), "the least recent idle endpoint gave its row away");
        assertTrue(names.contains("127.0.0.1:2"), "a recent one keeps its row");
        assertEquals(2, last(recorder.endpoints()).count(Cause.REFUSED), "port 5000's failure and port 1's");
        assertEquals(ConnectRecorder.MAX_ENDPOINTS + 3, recorder.total(Cause.REFUSED), "no total goes backwards");
    }

    /**
     * Issue 14: a thread failing to the same address again and again reuses the caller it found (and the row),
     * for 50 ms; every failure is still counted, and a row that gave its place away meanwhile is looked up again.
     */
    @Test
    void aStormOfOneThreadsFailuresIsCountedExactlyWithItsCaller() throws Exception {
        for (int i = 0; i < 10_000; i++) {
            refused(7211);
        }
        assertEquals(10_000, recorder.total(Cause.REFUSED));
        EndpointStats row = recorder.endpoints().get(0);
        assertEquals("127.0.0.1:7211", row.endpoint());
        assertTrue(row.lastCaller().frame().startsWith("io.rstwatch.instrument.ConnectRecorderTest.refused("));
        assertEquals(10_000, failed.size(), "each one handed on");

        // Another thread keeps 7211's row and last caller; this one makes 7211 the least recent, idle row.
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            other.submit(() -> refused(7211)).get();
            for (int port = 1; port < ConnectRecorder.MAX_ENDPOINTS; port++) {
                refused(port);
            }
            clock.addAndGet(600_000);
            refused(5000); // takes the row of 7211, the least recent
            assertFalse(
                    recorder.endpoints().stream().anyMatch(r -> r.endpoint().equals("127.0.0.1:7211")),
                    "7211 gave its row away");
            other.submit(() -> refused(7211)).get(); // within 50 ms of that thread's last failure to 7211
        } finally {
            other.shutdown();
        }
        assertEquals(10_000 + 1 + ConnectRecorder.MAX_ENDPOINTS + 1, recorder.total(Cause.REFUSED), "none lost");
        assertTrue(
                recorder.endpoints().stream().anyMatch(r -> r.endpoint().equals("127.0.0.1:7211")),
                "the failure after the row went found a row again");
    }

    /**
     * Issue 14, part 14: a thread's storm from the same code walks the stack ever less often, up to once every
     * 1.6 s; other code or another address starts the window again, so a new caller shows within 50 ms of a
     * change of address, and within the window's length of a change of code on the same address.
     */
    @Test
    void theWindowForReusingACallerDoublesWhileTheCodeStaysTheSame() {
        InetSocketAddress db = new InetSocketAddress("127.0.0.1", 5432);
        Callers.Caller poller = new Callers.Caller("com.example.Poller.poll(Poller.java:42)", "");
        ConnectRecorder.LastCaller last = ConnectRecorder.LastCaller.after(null, db, poller, 0);
        assertEquals(ConnectRecorder.SAME_CALLER_NANOS, last.windowNanos, "a thread's first walk: the first window");
        long now = 0;
        List<Long> windows = new ArrayList<>();
        for (int walk = 0; walk < 8; walk++) {
            assertTrue(last.fresh(db, now + last.windowNanos - 1));
            assertFalse(last.fresh(db, now + last.windowNanos), "found again once the window has passed");
            now += last.windowNanos;
            last = ConnectRecorder.LastCaller.after(
                    last, db, new Callers.Caller("com.example.Poller.poll(Poller.java:42)", ""), now);
            windows.add(last.windowNanos / 1_000_000);
        }
        assertEquals(List.of(100L, 200L, 400L, 800L, 1600L, 1600L, 1600L, 1600L), windows);
        assertFalse(last.fresh(new InetSocketAddress("127.0.0.1", 5433), now), "another address is walked for");

        ConnectRecorder.LastCaller moved = ConnectRecorder.LastCaller.after(
                last, db, new Callers.Caller("com.example.Report.run(Report.java:7)", ""), now);
        assertEquals(ConnectRecorder.SAME_CALLER_NANOS, moved.windowNanos, "other code: the first window");
        assertEquals("com.example.Report.run(Report.java:7)", moved.caller.toString());
        ConnectRecorder.LastCaller elsewhere =
                ConnectRecorder.LastCaller.after(last, new InetSocketAddress("127.0.0.1", 5433), poller, now);
        assertEquals(ConnectRecorder.SAME_CALLER_NANOS, elsewhere.windowNanos, "another address: the first window");
    }

    /**
     * Issue 14: eight threads failing from the same code share one row whose counts are striped and whose caller
     * is rewritten only when it changes; every failure is counted, and a new caller still shows.
     */
    @Test
    void eightThreadsFailingFromOneCallSiteAreCountedExactlyAndANewCallerStillShows() throws Exception {
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        refused(7211);
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdown();
        }
        assertEquals(160_000, recorder.total(Cause.REFUSED));
        EndpointStats row = recorder.endpoints().get(0);
        assertEquals(160_000, row.count(Cause.REFUSED));
        assertTrue(row.lastCaller().frame().startsWith("io.rstwatch.instrument.ConnectRecorderTest.refused("));

        refusedElsewhere(7211);
        assertTrue(
                row.lastCaller().frame().startsWith("io.rstwatch.instrument.ConnectRecorderTest.refusedElsewhere("),
                row.lastCaller().toString());
        assertEquals(160_001, row.count(Cause.REFUSED));
    }

    private void refusedElsewhere(int port) {
        recorder.connectFailed(
                new Object(),
                new InetSocketAddress("127.0.0.1", port),
                new ConnectException("Connection refused"),
                System.nanoTime());
    }

    /** Fault-matrix row: an application failing to connect to a million endpoints. */
    @Test
    void aMillionFailingEndpointsKeepTheTableBoundedAndEveryFailureCounted() throws Exception {
        // On a thread of its own, as an application's worker: a short stack, not JUnit's seventy frames.
        Thread app = new Thread(this::failAMillionTimes, "app-worker");
        app.start();
        app.join();
        assertEquals(ConnectRecorder.MAX_ENDPOINTS + 1, recorder.endpoints().size());
        assertEquals(1_000_000, recorder.total(Cause.REFUSED));
    }

    /**
     * Eight threads fail on ever new endpoints while rows give way (ports.idle of 0 s): a reader polling the totals
     * never sees one go down, and no failure is lost to a row evicted under a thread counting into it.
     */
    @Test
    void rowsEvictedWhileThreadsCountIntoThemLoseNothingAndTotalsNeverGoBack() throws Exception {
        ConnectRecorder churning = new ConnectRecorder(
                new ClassLoader(null) {},
                new ConnectRecorder.Listener() {
                    @Override
                    public void failed(InetSocketAddress endpoint, Cause cause, Callers.Caller caller) {}
                },
                new ListenBacklogs(),
                0,
                60);
        int threads = 8;
        int each = 20_000;
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            long last = 0;
            while (!done.get()) {
                long now = churning.total(Cause.REFUSED);
                if (now < last) {
                    seen.add(now - last);
                }
                last = now;
            }
        });
        reader.start();
        List<Thread> apps = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread app = new Thread(
                    () -> {
                        for (int i = 0; i < each; i++) {
                            churning.connectFailed(
                                    new Object(),
                                    new InetSocketAddress("10.0." + id + "." + (i % 200), 1 + i % 7),
                                    new ConnectException("Connection refused"),
                                    System.nanoTime());
                        }
                    },
                    "app-worker-" + t);
            apps.add(app);
            app.start();
        }
        for (Thread app : apps) {
            app.join();
        }
        done.set(true);
        reader.join();
        assertEquals(List.of(), seen, "steps back of FailedTotal's refused count");
        assertEquals((long) threads * each, churning.total(Cause.REFUSED), "every failure counted");
    }

    private void failAMillionTimes() {
        for (int i = 0; i < 1_000_000; i++) {
            recorder.connectFailed(
                    new Object(),
                    new InetSocketAddress(
                            "10." + (i >>> 16 & 0xFF) + "." + (i >>> 8 & 0xFF) + "." + (i & 0xFF), 1 + i % 1000),
                    new ConnectException("Connection refused"),
                    System.nanoTime());
            if (i % 100_000 == 0) {
                clock.addAndGet(600_000); // time passes: idle rows give way, and still no more than 256 at a time
            }
        }
    }

    private void refused(int port) {
        recorder.connectFailed(
                new Object(),
                new InetSocketAddress("127.0.0.1", port),
                new ConnectException("Connection refused"),
                System.nanoTime());
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }
}
