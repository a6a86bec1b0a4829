package io.rstwatch.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.Connector;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Await;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.TestHost;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin jars from a plugins= directory in a real child JVM with real capture: a well-behaved plugin gets every
 * event and names a port; one that throws is disabled; one that blocks loses events, counted, while capture
 * keeps counting exactly; a jar without a plugin is reported. All read through JMX.
 */
class PluginsIT {
    /** Remote JMX of a child in a network namespace of the test's own. */
    private static final int JMX_PORT = 9010;

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String AGENT = "rstwatch:type=Agent";

    @BeforeAll
    static void needsCapturePrivilege() {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
    }

    /**
     * A plugin jar holding one class of this test's classes, any helpers it needs, and its service entry (none
     * when service is null).
     */
    static void pluginJar(Path jar, Class<?> plugin, String service, Class<?>... helpers) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file)) {
            List<Class<?>> classes = new java.util.ArrayList<>(List.of(helpers));
            classes.add(0, plugin);
            for (Class<?> c : classes) {
                String resource = c.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(resource));
                try (var in = c.getClassLoader().getResourceAsStream(resource)) {
                    in.transferTo(out);
                }
            }
            if (service != null) {
                out.putNextEntry(new JarEntry("META-INF/services/io.rstwatch.plugin.RstwatchPlugin"));
                out.write((service + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** The agent's WARN lines on the child's stderr. */
    private static long warnings(AgentJvm jvm) {
        return jvm.stderr().lines().filter(l -> l.startsWith("[rstwatch] WARN")).count();
    }

    private static Map<String, CompositeData> rows(AgentJvm jvm) throws Exception {
        return rowsOf(jvm.attribute(AGENT, "Plugins", WAIT));
    }

    /** The test plugin that writes every event it is handed to the file its settings name, as a-recording.jar. */
    private static void recordingPlugin(Path plugins) throws IOException {
        pluginJar(
                plugins.resolve("a-recording.jar"),
                io.rstwatch.testplugins.RecordingPlugin.class,
                "io.rstwatch.testplugins.RecordingPlugin");
    }

    private static long lines(Path file, String containing) throws IOException {
        return Files.readAllLines(file).stream()
                .filter(l -> l.contains(containing))
                .count();
    }

    /**
     * API version 4's kinds: a connect to a name that did not resolve (never looked up: no DNS query leaves), handed
     * over as NameNotResolved and, as before, as a ConnectFailure with cause OTHER; a TLS handshake with a plain port
     * as TlsHandshakeFailed; each with its reason and caller.
     */
    @Test
    void pluginsGetNamesThatDidNotResolveAndFailedHandshakes(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Path events = dir.resolve("events.txt");
        recordingPlugin(plugins);
        Files.writeString(plugins.resolve("a-recording.properties"), "out=" + events + "\n");
        try (java.net.ServerSocket plain = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                AgentJvm jvm = AgentJvm.builder()
                        .agentOptions("plugins=" + plugins + ",capture=off")
                        .main(Connector.class)
                        .start()) {
            Thread server = new Thread(() -> {
                while (!plain.isClosed()) {
                    try (java.net.Socket s = plain.accept()) {
                        s.getOutputStream()
                                .write("HTTP/1.1 400 Bad Request\r\n\r\n"
                                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            server.setDaemon(true);
            server.start();
            jvm.awaitStdout("ready", 1, WAIT);
            jvm.awaitConnectsCounted(WAIT);
            jvm.send("unresolved nowhere.invalid 5432");
            jvm.send("tls 127.0.0.1 " + plain.getLocalPort());
            jvm.awaitStdout("done", 2, WAIT);
            Await.until(
                    "the two new kinds in the recorder's file",
                    WAIT,
                    () -> lines(events, "NameNotResolved[") >= 1 && lines(events, "TlsHandshakeFailed[") >= 1);
            String dns = Files.readAllLines(events).stream()
                    .filter(l -> l.startsWith("NameNotResolved["))
                    .findFirst()
                    .orElseThrow();
            assertTrue(
                    dns.contains("endpoint=nowhere.invalid/<unresolved>:5432")
                            && dns.contains("reason=other")
                            && dns.contains("caller=io.rstwatch.testapps.Connector.viaUnresolved("),
                    dns);
            assertEquals(1, lines(events, "ConnectFailure["), "and as before: " + Files.readString(events));
            assertEquals(1, lines(events, "cause=OTHER"), Files.readString(events));
            String tls = Files.readAllLines(events).stream()
                    .filter(l -> l.startsWith("TlsHandshakeFailed["))
                    .findFirst()
                    .orElseThrow();
            assertTrue(
                    tls.contains("reason=protocol or cipher mismatch: ")
                            && tls.contains("caller=io.rstwatch.testapps.Connector.viaTls("),
                    tls);
        }
    }

    @Test
    void pluginsGetEventsNamePortsAndNeverSlowCapture(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Path events = dir.resolve("events.txt");
        int port = Loopback.closedPort();
        int jvmPort = Loopback.closedPort();
        recordingPlugin(plugins);
        Files.writeString(
                plugins.resolve("a-recording.properties"), "out=" + events + "\nname." + port + "=test-component\n");
        pluginJar(
                plugins.resolve("b-throwing.jar"),
                io.rstwatch.testplugins.ThrowingPlugin.class,
                "io.rstwatch.testplugins.ThrowingPlugin");
        pluginJar(
                plugins.resolve("c-blocking.jar"),
                io.rstwatch.testplugins.BlockingPlugin.class,
                "io.rstwatch.testplugins.BlockingPlugin");
        pluginJar(plugins.resolve("d-empty.jar"), io.rstwatch.testplugins.BlockingPlugin.class, null);

        String portMBean = "rstwatch:type=Port,scope=local,port=" + port;
        // The burst must raise the alert and nothing else may: a network namespace of the test's own.
        try (TestHost box = TestHost.create();
                AgentJvm jvm = AgentJvm.builder()
                        .isolatedIn(box, JMX_PORT)
                        .agentOptions("plugins=" + plugins
                                + ",proc.interval=1,rate.window=5,alert.warn=50,alert.critical=100000"
                                + ",capture.method=packet") // an event a refusal (docs/capture.md)
                        .main(Connector.class)
                        .start()) {
            jvm.awaitStdout("ready", 1, WAIT);
            jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, WAIT);
            jvm.awaitConnectsCounted(WAIT);

            jvm.refuse(port, 20);
            jvm.send("socket 127.0.0.1 " + jvmPort);
            jvm.awaitStdout("done", 1, WAIT);
            jvm.awaitAttribute(portMBean, "RefusedTotal", v -> (Long) v == 20, WAIT);
            jvm.awaitAttribute(portMBean, "Service", "test-component"::equals, WAIT);
            Await.until(
                    "21 refusals and a connect failure in the recorder's file",
                    WAIT,
                    () -> lines(events, "RefusedConnection[") >= 21 && lines(events, "ConnectFailure[") >= 1);
            assertEquals(20, lines(events, "service=/127.0.0.1:" + port + ", client="));
            assertEquals(1, lines(events, "service=/127.0.0.1:" + jvmPort + ", client="));
            assertEquals(1, lines(events, "ConnectFailure["), Files.readString(events));
            String failure = Files.readAllLines(events).stream()
                    .filter(l -> l.startsWith("ConnectFailure["))
                    .findFirst()
                    .orElseThrow();
            assertTrue(
                    failure.contains("cause=REFUSED")
                            && failure.contains("caller=io.rstwatch.testapps.Connector.viaSocket"),
                    failure);
            String refusal = Files.readAllLines(events).stream()
                    .filter(l -> l.startsWith("RefusedConnection[") && l.contains(":" + port + ","))
                    .findFirst()
                    .orElseThrow();
            assertTrue(
                    refusal.contains("scope=LOCAL, service=/127.0.0.1:" + port + ", client=/127.0.0.1:")
                            && refusal.contains("interfaceName=lo, refusedByThisHost=true"),
                    refusal);

            Map<String, CompositeData> rows = rows(jvm);
            assertEquals("running", rows.get("a-recording.jar").get("state"));
            assertEquals(
                    "io.rstwatch.testplugins.RecordingPlugin",
                    rows.get("a-recording.jar").get("plugins"));
            jvm.awaitAttribute(AGENT, "PluginsDisabled", v -> (Integer) v == 2, WAIT);
            rows = rows(jvm);
            String throwing = (String) rows.get("b-throwing.jar").get("state");
            assertTrue(
                    throwing.startsWith("disabled: failed 5 calls in a row, the last with ThrowingPlugin.onEvent:"
                            + " java.lang.IllegalStateException: boom"),
                    throwing);
            assertEquals(5L, rows.get("b-throwing.jar").get("failures"));
            assertTrue(((String) rows.get("d-empty.jar").get("state"))
                    .startsWith("disabled: has no plugin: add META-INF/services/io.rstwatch.plugin.RstwatchPlugin"));

            // A burst bigger than a plugin queue: the blocked plugin loses events, capture loses none.
            int burst = 6000;
            jvm.refuse(port, burst);
            jvm.awaitAttribute(portMBean, "RefusedTotal", v -> (Long) v == 20 + burst, WAIT);
            jvm.awaitCaptureCaughtUp(WAIT);
            assertEquals(20L + burst, jvm.attribute(portMBean, "RefusedTotal", WAIT));
            assertEquals(0L, jvm.attribute("rstwatch:type=Capture", "DroppedTotal", WAIT));
            jvm.awaitAttribute(
                    AGENT,
                    "Plugins",
                    v -> ((String) rowsOf(v).get("c-blocking.jar").get("state")).startsWith("blocked: in onEvent for "),
                    WAIT);
            rows = rows(jvm);
            long blockedDropped = (Long) rows.get("c-blocking.jar").get("dropped");
            // Its queue holds QUEUE; its thread took what was queued when it last woke (a batch, up to BATCH: one
            // on a quiet machine, more when the jar's thread woke late) and blocks on the first of them.
            assertTrue(
                    blockedDropped >= 20 + burst + 1 - PluginJar.QUEUE - PluginJar.BATCH, "dropped " + blockedDropped);
            assertEquals(0L, rows.get("b-throwing.jar").get("dropped"), "a disabled plugin is not offered events");
            long total = (Long) jvm.attribute(AGENT, "PluginEventsDroppedTotal", WAIT);
            assertEquals(blockedDropped + (Long) rows.get("a-recording.jar").get("dropped"), total);

            // Every refusal the recorder was offered is in its file, or counted as dropped.
            jvm.awaitAttribute(
                    AGENT,
                    "Plugins",
                    v -> {
                        CompositeData r = rowsOf(v).get("a-recording.jar");
                        try {
                            return (Long) r.get("delivered") + (Long) r.get("dropped") >= 20 + burst + 1
                                    && lines(events, "RefusedConnection[") + (Long) r.get("dropped") >= 20 + burst + 1;
                        } catch (IOException e) {
                            return false;
                        }
                    },
                    WAIT);
            long recordedRefusals = lines(events, "service=/127.0.0.1:" + port + ", client=");
            long recorderDropped = (Long) rows(jvm).get("a-recording.jar").get("dropped");
            assertTrue(
                    recordedRefusals <= 20 + burst && recordedRefusals >= 20 + burst - recorderDropped,
                    recordedRefusals + " recorded, " + recorderDropped + " dropped");
            assertTrue(Files.readString(events).contains("AlertChange["), "the burst raised the alert");
            assertTrue(Files.readString(events).contains("previous=OK, level=WARN"), Files.readString(events));
            assertEquals("test-component", jvm.attribute(portMBean, "Service", WAIT));

            jvm.closeStdin();
            jvm.waitFor(WAIT);
            List<String> all = Files.readAllLines(events);
            assertEquals("stopped", all.get(all.size() - 1), "stop() was called at exit");
            String stderr = jvm.stderr();
            assertTrue(
                    stderr.contains("[rstwatch] INFO plugin a-recording: sees slf4j: false, sees the agent: false,"
                            + " sees byte-buddy: false"),
                    stderr);
            assertEquals(
                    1,
                    stderr.lines()
                            .filter(l -> l.startsWith("[rstwatch] WARN plugin b-throwing.jar is disabled"))
                            .count(),
                    stderr);
            assertEquals(
                    1,
                    stderr.lines()
                            .filter(l -> l.startsWith("[rstwatch] WARN plugin d-empty.jar is disabled"))
                            .count(),
                    stderr);
            assertFalse(stderr.contains("\tat "), "no stack traces: " + stderr);
            assertTrue(stderr.lines().allMatch(l -> l.startsWith("[rstwatch] ")), stderr);
        }
    }

    /**
     * Issue 14: a plugin that asks for at most 5 events a second is handed no more; the rest of a burst is never
     * built (nothing is queued, so nothing dropped) but counted to it in onSuppressed, and an alert change still
     * reaches it with its budget spent.
     */
    @Test
    void eventsBeyondAPluginsBudgetAreNotBuiltButCountedToItAndAlertsStillReachIt(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Path events = dir.resolve("events.txt");
        int port = Loopback.closedPort();
        pluginJar(
                plugins.resolve("recording.jar"),
                io.rstwatch.testplugins.RecordingPlugin.class,
                "io.rstwatch.testplugins.RecordingPlugin");
        Files.writeString(plugins.resolve("recording.properties"), "out=" + events + "\nmax.per.second=5\n");
        String portMBean = "rstwatch:type=Port,scope=local,port=" + port;
        int burst = 3000;
        try (TestHost box = TestHost.create();
                AgentJvm jvm = AgentJvm.builder()
                        .isolatedIn(box, JMX_PORT)
                        .agentOptions("plugins=" + plugins
                                + ",proc.interval=1,rate.window=5,alert.warn=50,alert.critical=100000"
                                + ",capture.method=packet") // an event a refusal (docs/capture.md)
                        .main(io.rstwatch.testapps.Idle.class)
                        .start()) {
            jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, WAIT);
            long started = System.nanoTime();
            jvm.refuse(port, burst);
            jvm.awaitAttribute(portMBean, "RefusedTotal", v -> (Long) v == burst, WAIT);
            jvm.awaitCaptureCaughtUp(WAIT);
            Await.until("the alert change reaches the plugin", WAIT, () -> Files.readString(events)
                    .contains("previous=OK, level=WARN"));
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds() + 1;
            CompositeData row = rows(jvm).get("recording.jar");
            assertEquals(0L, row.get("dropped"), "events held back are not built, so never dropped");
            long delivered = (Long) row.get("delivered");
            // 5 a window, a window per second; an alert change or two on top of its budget.
            assertTrue(delivered <= 5 * (seconds + 1) + 2, delivered + " delivered in " + seconds + " s");
            jvm.closeStdin();
            jvm.waitFor(WAIT);
        }
        List<String> lines = Files.readAllLines(events);
        long refused = lines.stream()
                .filter(l -> l.contains("service=/127.0.0.1:" + port + ", client="))
                .count();
        long suppressed = lines.stream()
                .filter(l -> l.startsWith("suppressed "))
                .mapToLong(l -> Long.parseLong(l.substring("suppressed ".length())))
                .sum();
        assertTrue(refused >= 5 && refused < 100, refused + " refusals handed over");
        // Every refusal is handed over or counted; other events (the test's own JMX connections) may be counted too.
        assertTrue(refused + suppressed >= burst, refused + " handed over + " + suppressed + " suppressed");
        assertEquals("stopped", lines.get(lines.size() - 1), "the last count comes before stop()");
    }

    private static Map<String, CompositeData> rowsOf(Object value) {
        Map<String, CompositeData> byJar = new HashMap<>();
        for (CompositeData row : (CompositeData[]) value) {
            byJar.put((String) row.get("jar"), row);
        }
        return byJar;
    }

    /**
     * Issue 13: unanswered and unreachable connects reach plugins (API version 2); a plugin built for version 1,
     * whose exhaustive switch fails on them, is not handed them again and not counted as failing.
     */
    @Test
    void unansweredAndUnreachableConnectsAreEventsOfApiVersionTwo(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Path events = dir.resolve("events.txt");
        recordingPlugin(plugins);
        Files.writeString(plugins.resolve("a-recording.properties"), "out=" + events + "\n");
        pluginJar(
                plugins.resolve("b-api-one.jar"),
                io.rstwatch.testplugins.ApiOnePlugin.class,
                "io.rstwatch.testplugins.ApiOnePlugin");
        Requirements.require(io.rstwatch.testing.Shell.available("nft"), "nftables (bin/test installs it)");
        try (TestHost peer = TestHost.create();
                AgentJvm jvm = AgentJvm.builder()
                        .agentOptions("plugins=" + plugins + ",capture.method=packet") // ICMP from this host
                        .main(Connector.class)
                        .start()) {
            peer.firewall("tcp dport 5434 drop", "tcp dport 5432 reject with icmpx type admin-prohibited");
            jvm.awaitStdout("ready", 1, WAIT);
            jvm.awaitAgentStarted(WAIT);
            for (int i = 0; i < 3; i++) {
                jvm.send("socket " + peer.address() + " 5434");
                jvm.send("socket " + peer.address6() + " 5432");
            }
            jvm.awaitStdout("done", 6, WAIT);
            Await.until(
                    "3 unanswered and 3 unreachable connects in the recorder's file",
                    WAIT,
                    () -> lines(events, "UnansweredConnect[") == 3 && lines(events, "UnreachableConnect[") == 3);
            String unreachable = Files.readAllLines(events).stream()
                    .filter(l -> l.startsWith("UnreachableConnect["))
                    .findFirst()
                    .orElseThrow();
            assertTrue(unreachable.contains("scope=REMOTE, service=/[fd00:231:"), unreachable);
            assertTrue(unreachable.contains(":2]:5432, client="), unreachable);
            assertTrue(unreachable.contains("reason=admin-prohibited, sentByThisHost=false"), unreachable);
            String unanswered = Files.readAllLines(events).stream()
                    .filter(l -> l.startsWith("UnansweredConnect["))
                    .findFirst()
                    .orElseThrow();
            assertTrue(unanswered.contains("service=/" + peer.address() + ":5434"), unanswered);
            assertTrue(unanswered.contains("fromThisHost=true"), unanswered);

            CompositeData apiOne = rows(jvm).get("b-api-one.jar");
            assertEquals("running", apiOne.get("state"));
            assertEquals(0L, apiOne.get("failures"), apiOne.toString());
            jvm.awaitStderr("plugin b-api-one.jar does not handle UnansweredConnect events", WAIT);
            assertEquals(
                    1,
                    jvm.stderr()
                            .lines()
                            .filter(l -> l.contains("does not handle UnansweredConnect"))
                            .count(),
                    "said once");
            assertEquals(0, warnings(jvm), jvm.stderr());
        }
    }

    @Test
    void aMissingPluginDirectoryIsOneSentenceAndTheAgentRunsOn(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("no-such-dir");
        try (AgentJvm jvm = AgentJvm.builder()
                .agentOptions("plugins=" + missing + ",capture=off")
                .main(io.rstwatch.testapps.Idle.class)
                .start()) {
            String status = (String) jvm.awaitAttribute(
                    AGENT,
                    "Status",
                    v -> ((String) v).contains("no plugins") && ((String) v).contains("connect failures in this JVM"),
                    WAIT); // the last part to start
            assertTrue(status.contains("no plugins: plugins=" + missing + " is not a readable directory"), status);
            assertTrue(status.contains("kernel TCP counters read"), status);
            jvm.closeStdin();
            jvm.waitFor(WAIT);
            assertEquals(1, warnings(jvm), jvm.stderr());
            assertTrue(
                    jvm.stderr().contains("[rstwatch] WARN plugins=" + missing + " is not a readable directory"),
                    jvm.stderr());
        }
    }

    /**
     * Security rows "other local users": a world-writable plugin directory is refused with one WARN line that
     * names it and the fix; in a safe directory, a group-writable jar and a jar whose settings another user owns
     * are each refused, and the safe jar beside them runs.
     */
    @Test
    void pluginsFromPlacesOtherUsersCanChangeAreRefused(@TempDir Path dir) throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        pluginJar(
                open.resolve("a-recording.jar"),
                io.rstwatch.testplugins.RecordingPlugin.class,
                "io.rstwatch.testplugins.RecordingPlugin");
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        try (AgentJvm jvm = AgentJvm.builder()
                .agentOptions("plugins=" + open + ",capture=off")
                .main(io.rstwatch.testapps.Idle.class)
                .start()) {
            String status = (String) jvm.awaitAttribute(
                    AGENT, "Status", v -> ((String) v).contains("connect failures in this JVM counted"), WAIT);
            String refused =
                    "plugins=" + open + " is refused: it is writable by other users (mode 0777): run `chmod go-w "
                            + open.toRealPath() + "`";
            assertTrue(status.contains("no plugins: " + refused), status);
            jvm.awaitStderr("[rstwatch] WARN " + refused + "; the agent runs without plugins", WAIT);
            assertEquals(1, warnings(jvm), jvm.stderr());
        }

        Requirements.require(Requirements.isRoot(), "root, to give a settings file to another user");
        Path safe = Files.createDirectory(dir.resolve("safe"));
        Path events = dir.resolve("events.txt");
        for (String jar : new String[] {"a-good", "b-group-writable", "c-foreign-settings"}) {
            pluginJar(
                    safe.resolve(jar + ".jar"),
                    io.rstwatch.testplugins.RecordingPlugin.class,
                    "io.rstwatch.testplugins.RecordingPlugin");
            Files.writeString(safe.resolve(jar + ".properties"), "out=" + events + "\n");
        }
        Files.setPosixFilePermissions(
                safe.resolve("b-group-writable.jar"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));
        io.rstwatch.testing.Shell.run(
                "chown", "65534", safe.resolve("c-foreign-settings.properties").toString());
        try (AgentJvm jvm = AgentJvm.builder()
                .agentOptions("plugins=" + safe + ",capture=off")
                .main(io.rstwatch.testapps.Idle.class)
                .start()) {
            jvm.awaitAttribute(AGENT, "PluginsDisabled", v -> (Integer) v == 2, WAIT);
            Map<String, CompositeData> rows = rows(jvm);
            assertEquals("running", rows.get("a-good.jar").get("state"));
            assertTrue(
                    ((String) rows.get("b-group-writable.jar").get("state"))
                            .startsWith("disabled: could be changed by another user, so it is not loaded (it is"
                                    + " writable by other users (mode 0664)"),
                    (String) rows.get("b-group-writable.jar").get("state"));
            assertTrue(
                    ((String) rows.get("c-foreign-settings.jar").get("state"))
                            .contains("that another user could change, so it is not loaded (it is owned by another"
                                    + " user (uid 65534)"),
                    (String) rows.get("c-foreign-settings.jar").get("state"));
            jvm.awaitStderr("[rstwatch] WARN plugin b-group-writable.jar is disabled", WAIT);
            jvm.awaitStderr("[rstwatch] WARN plugin c-foreign-settings.jar is disabled", WAIT);
        }
    }
}
