package io.rstwatch.examples.collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.Shell;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Jolokia JVM agent 2.6.0 beside rstwatch in the demo: a GET read, the descriptions in list, and the
 * Telegraf jolokia2_agent POST that examples/collectors/telegraf-jolokia2.conf makes.
 */
class JolokiaIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PORT_7211 = "rstwatch:type=Port,scope=local,port=7211";

    @Test
    void getReadListAndTelegrafPostReadOfPortMBeans(@TempDir Path dir) throws Exception {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
        Requirements.require(Shell.available("python3"), "python3 (replays Telegraf's request)");
        int http = Loopback.closedPort();
        try (AgentJvm jvm = AgentJvm.builder()
                .jvmArgs("-javaagent:" + System.getProperty("jolokia.jar") + "=host=127.0.0.1,port=" + http)
                .jar(Paths.get(System.getProperty("demo.jar")))
                .start()) {
            jvm.awaitAttribute(PORT_7211, "RefusedTotal", v -> (Long) v >= 3, WAIT);
            String base = "http://127.0.0.1:" + http + "/jolokia";

            String read = get(base + "/read/" + PORT_7211 + "/RefusedTotal");
            Matcher m = Pattern.compile("\"value\":(\\d+)").matcher(read);
            assertTrue(m.find() && Long.parseLong(m.group(1)) >= 3, read);
            assertTrue(read.contains("\"status\":200"), read);

            String list = get(base + "/list/rstwatch/port=7211,scope=local,type=Port");
            assertTrue(list.contains("\"desc\":\"Connection attempts refused on this port:"), list);

            // Connects.Endpoints, an array of rows, reads as a JSON array (which Telegraf's jolokia2 drops); its rows
            // are
            // the Endpoint MBeans, whose Callers table reads as an object, which jolokia2 flattens into fields.
            jvm.awaitAttribute(
                    "rstwatch:type=Endpoint,host=127.0.0.1,port=7211", "RefusedTotal", v -> (Long) v >= 3, WAIT);
            String rows = get(base + "/read/rstwatch:type=Connects/Endpoints");
            assertTrue(rows.contains("\"value\":[{"), rows);

            Path config = dir.resolve("telegraf.conf");
            Files.copy(Paths.get(System.getProperty("telegraf.config")), config);
            String points = Shell.run("python3", System.getProperty("telegraf.check"), config.toString(), base);
            assertTrue(
                    Pattern.compile("(?m)^rstwatch_port,scope=local,port=7211 .*\\bRefusedTotal=[1-9]\\d*i\\b")
                            .matcher(points)
                            .find(),
                    points);
            assertTrue(
                    Pattern.compile("(?m)^rstwatch_port,scope=local,port=7211 .*\\bJvmFailuresTotal=[1-9]\\d*i\\b")
                            .matcher(points)
                            .find(),
                    points);
            assertTrue(
                    Pattern.compile(
                                    "(?m)^rstwatch_tcp .*\\bAttemptFailsTotal=\\d+i\\b.*AlertLevel=\"(OK|WARN|CRITICAL)\"|"
                                            + "(?m)^rstwatch_tcp .*AlertLevel=\"(OK|WARN|CRITICAL)\".*\\bAttemptFailsTotal=\\d+i\\b")
                            .matcher(points)
                            .find(),
                    points);
            assertTrue(
                    Pattern.compile("(?m)^rstwatch_capture Active=true,DroppedTotal=0i,.*SpoofedTotal=0i")
                            .matcher(points)
                            .find(),
                    points);
            assertTrue(
                    Pattern.compile("(?m)^rstwatch_agent PluginEventsDroppedTotal=0i,PluginsDisabled=0i$")
                            .matcher(points)
                            .find(),
                    points);
            assertTrue(
                    Pattern.compile("(?m)^rstwatch_listeners ListenersTotal=[1-9]\\d*i$")
                            .matcher(points)
                            .find(),
                    points);
            assertTrue(points.contains("rstwatch_connects "), points);
            assertTrue(
                    Pattern.compile(
                                    "(?m)^rstwatch_endpoint,endpoint_host=127\\.0\\.0\\.1,endpoint_port=7211 .*Callers\\.io\\.rstwatch"
                                            + "\\.examples\\.demo\\.RefusedPortDemo\\.poll\\(RefusedPortDemo\\.java:\\d+\\)=[1-9]\\d*i"
                                            + ".*\\bRefusedTotal=[1-9]\\d*i\\b")
                            .matcher(points)
                            .find(),
                    points);
            assertEquals(0, points.lines().filter(l -> l.startsWith("ERROR")).count(), points);
        }
    }

    /**
     * Security row "whoever reaches a collector": examples/collectors/jolokia-access.xml with the real agent.
     * Reads of rstwatch and java.lang succeed; a write, an exec, or a read of any other domain is denied.
     */
    @Test
    void theAccessPolicyAllowsReadingRstwatchAndJavaLangOnly() throws Exception {
        int http = Loopback.closedPort();
        try (AgentJvm jvm = AgentJvm.builder()
                .jvmArgs("-javaagent:" + System.getProperty("jolokia.jar") + "=host=127.0.0.1,port=" + http
                        + ",policyLocation=file://" + System.getProperty("jolokia.policy"))
                .agentOptions("capture=off")
                .main(io.rstwatch.testapps.Idle.class)
                .start()) {
            jvm.awaitAgentStarted(WAIT);
            String base = "http://127.0.0.1:" + http + "/jolokia";
            assertStatus(200, get(base + "/read/rstwatch:type=Agent/Status"));
            assertStatus(200, get(base + "/read/rstwatch:type=Tcp"));
            assertStatus(200, get(base + "/read/java.lang:type=Memory/HeapMemoryUsage"));
            assertStatus(403, get(base + "/write/java.lang:type=Memory/Verbose/true"));
            assertStatus(403, get(base + "/write/rstwatch:type=Tcp/AlertLevel/OK"));
            assertStatus(403, get(base + "/exec/java.lang:type=Memory/gc"));
            assertStatus(403, get(base + "/exec/java.lang:type=Threading/dumpAllThreads/true/true"));
            assertStatus(403, get(base + "/read/java.util.logging:type=Logging/LoggerNames"));
            assertStatus(403, get(base + "/read/com.sun.management:type=HotSpotDiagnostic/DiagnosticOptions"));
            assertStatus(200, get(base + "/list/rstwatch/type=Agent"));
            // A page of another web site, in an operator's browser, is not let in.
            HttpResponse<String> cors = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/read/rstwatch:type=Agent/Status"))
                                    .header("Origin", "http://evil.example")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertTrue(
                    cors.headers().firstValue("Access-Control-Allow-Origin").isEmpty()
                            || cors.body().contains("\"status\":403"),
                    cors.headers() + " " + cors.body());
        }
    }

    private static void assertStatus(int expected, String response) {
        assertTrue(response.contains("\"status\":" + expected), response);
    }

    private static String get(String url) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        Exception last = null;
        for (int i = 0; i < 50; i++) {
            try {
                return client.send(
                                HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                        .body();
            } catch (java.io.IOException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw last;
    }
}
