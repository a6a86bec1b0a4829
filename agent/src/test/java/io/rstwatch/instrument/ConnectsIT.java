package io.rstwatch.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.Connector;
import io.rstwatch.testapps.Idle;
import io.rstwatch.testapps.UrlReadingAgent;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Await;
import io.rstwatch.testing.Jdks;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Shell;
import io.rstwatch.testing.TestHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Failed connects through every JDK path are counted by cause with the right caller, on JDK 17 and 25. */
class ConnectsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    static Stream<Path> jdks() {
        return Jdks.all().stream();
    }

    private static CompositeData row(AgentJvm jvm, String endpoint) throws Exception {
        CompositeData[] rows = (CompositeData[]) jvm.attribute("rstwatch:type=Connects", "Endpoints", WAIT);
        for (CompositeData r : rows) {
            if (endpoint.equals(r.get("endpoint"))) {
                return r;
            }
        }
        throw new AssertionError("no row for " + endpoint + " in " + java.util.Arrays.toString(rows));
    }

    /**
     * The JDK classes the advice goes into are loaded, and so rewritten, while the agent starts: an application
     * that has not connected yet does not pay for the rewrite on its first connect. jcmd reads the loaded classes
     * over the attach socket, which loads none of them (a JMX connection would: RMI runs over java.net.Socket).
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void theConnectClassesAreRewrittenBeforeTheFirstConnect(Path jdk) throws Exception {
        try (AgentJvm jvm = AgentJvm.builder()
                .javaHome(jdk)
                .agentOptions("capture=off")
                .main(Idle.class)
                .start()) {
            jvm.awaitStderr("connect failures in this JVM counted", WAIT);
            for (String c : new String[] {"java.net.Socket", "sun.nio.ch.SocketChannelImpl", "java.net.ServerSocket"}) {
                String loaded = Shell.run(
                        jdk.resolve("bin/jcmd").toString(), Long.toString(jvm.pid()), "VM.class_hierarchy", c);
                assertTrue(loaded.contains("|--" + c + "/null"), c + " not loaded by the agent's start:\n" + loaded);
            }
        }
    }

    /**
     * Beside an agent that starts first and opens a URL in its transformer while the JDK's URL connection classes
     * load: rstwatch reads its own files and the JDK's class files without such URLs, so its start neither loads
     * those classes nor fails with ClassCircularityError. Beside the OpenTelemetry agent, one start in eight lost
     * the connect advice that way, and with it every in-JVM count.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void theAdviceInstallsBesideAnAgentThatOpensUrlsInItsTransformer(Path jdk, @TempDir Path dir) throws Exception {
        Path other = dir.resolve("url-reading-agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", UrlReadingAgent.class.getName());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(other), manifest)) {
            out.putNextEntry(new JarEntry(UrlReadingAgent.OWN_FILE));
            out.write("read through a jar: URL\n".getBytes(StandardCharsets.US_ASCII));
        }
        try (AgentJvm jvm = AgentJvm.builder()
                .javaHome(jdk)
                .withoutAgent()
                .jvmArgs("-javaagent:" + other, "-javaagent:" + AgentJvm.agentJar() + "=capture=off")
                .main(Connector.class)
                .start()) {
            jvm.awaitStdout("ready", 1, WAIT);
            Await.until(
                    "rstwatch's start line",
                    WAIT,
                    () -> jvm.stderr().contains("is running") || jvm.stderr().contains("could not start"));
            assertTrue(jvm.stderr().contains("connect failures in this JVM counted"), jvm.stderr());
            int refused = Loopback.closedPort();
            jvm.send("socket 127.0.0.1 " + refused);
            jvm.awaitStdout("done", 1, WAIT);
            assertEquals(1L, row(jvm, "127.0.0.1:" + refused).get("refused"));
            assertFalse(jvm.stdout().contains("url-reading agent:"), jvm.stdout());
            assertFalse(jvm.stderr().contains("WARN"), jvm.stderr());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void everyConnectPathIsCountedWithItsCaller(Path jdk) throws Exception {
        // capture=off: the in-JVM counts need no capture privilege at all
        try (TestHost silent = TestHost.create();
                AgentJvm jvm = AgentJvm.builder()
                        .javaHome(jdk)
                        .agentOptions("capture=off")
                        .main(Connector.class)
                        .start()) {
            silent.silence();
            jvm.awaitStdout("ready", 1, WAIT);
            jvm.awaitConnectsCounted(WAIT);
            int socket = Loopback.closedPort();
            int channel = Loopback.closedPort();
            int nio = Loopback.closedPort();
            int http = Loopback.closedPort();
            int url = Loopback.closedPort();
            jvm.send("socket 127.0.0.1 " + socket);
            jvm.send("channel 127.0.0.1 " + channel);
            jvm.send("nio 127.0.0.1 " + nio);
            jvm.send("http 127.0.0.1 " + http);
            jvm.send("url 127.0.0.1 " + url);
            jvm.send("timeout " + silent.address() + " 7211");
            jvm.awaitStdout("done", 6, WAIT);
            assertTrue(!jvm.stdout().contains("connected?!"), jvm.stdout());

            String[][] cases = {
                {"127.0.0.1:" + socket, "Connector.viaSocket("},
                {"127.0.0.1:" + channel, "Connector.viaChannel("},
                {"127.0.0.1:" + nio, "Connector.viaNio("},
                {"127.0.0.1:" + http, "Connector.viaHttpClient("},
                {"127.0.0.1:" + url, "Connector.viaUrlConnection("}
            };
            for (String[] c : cases) {
                CompositeData r = row(jvm, c[0]);
                assertTrue((Long) r.get("refused") >= 1, c[0] + " " + r);
                assertEquals(0L, r.get("timedOut"), c[0] + " " + r);
                assertTrue(((String) r.get("caller")).contains(c[1]), c[0] + " caller " + r.get("caller"));
            }
            assertEquals(1L, row(jvm, "127.0.0.1:" + socket).get("refused"));
            assertEquals(1L, row(jvm, "127.0.0.1:" + nio).get("refused"), "no double count from finishConnect");
            CompositeData timedOut = row(jvm, silent.address() + ":7211");
            assertEquals(1L, timedOut.get("timedOut"), timedOut.toString());
            assertTrue(((String) timedOut.get("caller")).contains("Connector.viaTimeout("), timedOut.toString());
            assertTrue((Long) jvm.attribute("rstwatch:type=Connects", "TimedOutTotal", WAIT) >= 1);

            // The Port MBean of a refused endpoint names the caller too (created without capture).
            String port = "rstwatch:type=Port,scope=local,port=" + socket;
            String[] callers = (String[]) jvm.attribute(port, "JvmCallers", WAIT);
            assertTrue(callers.length == 1 && callers[0].contains("Connector.viaSocket("), String.join(",", callers));
            assertEquals(1L, jvm.attribute(port, "JvmFailuresTotal", WAIT));

            // This JVM's own listener shows its accept queue against the backlog it asked for.
            int listening = Loopback.closedPort();
            jvm.send("listen 0.0.0.0 " + listening);
            CompositeData[] row = new CompositeData[1];
            Await.until("a listener row for this JVM's port " + listening, WAIT, () -> {
                for (CompositeData r : (CompositeData[]) jvm.attribute("rstwatch:type=Listeners", "Listeners", WAIT)) {
                    if (Integer.valueOf(listening).equals(r.get("port")) && (Integer) r.get("pid") == jvm.pid()) {
                        row[0] = r;
                    }
                }
                return row[0] != null;
            });
            CompositeData mine = row[0];
            assertEquals(7, mine.get("backlog"));

            for (String line : jvm.stderr().split("\n")) {
                assertTrue(line.isEmpty() || line.startsWith("[rstwatch] "), "unexpected stderr: " + line);
            }
        }
    }
}
