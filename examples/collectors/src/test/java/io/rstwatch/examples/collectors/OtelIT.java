package io.rstwatch.examples.collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rstwatch.testapps.Connector;
import io.rstwatch.testapps.Idle;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Await;
import io.rstwatch.testing.Jdks;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.TestHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * otel-jmx-rules.yaml with the real OpenTelemetry Java agent (io.opentelemetry.javaagent:opentelemetry-javaagent)
 * in the same JVM as rstwatch, both built on Byte Buddy. The OTel agent exports through its {@code logging-otlp}
 * exporter: each export is one OTLP/JSON document on stderr, read here as a collector would read OTLP.
 */
class OtelIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern OTLP_LINE = Pattern.compile("OtlpJsonLoggingMetricExporter - (\\{.*})$");
    /** What a JVM says on stderr that an operator would call a warning: the JVM's own, or an agent's WARN line. */
    private static final Pattern WARNING = Pattern.compile(".*(\\bWARN\\b|WARNING|[Ww]arning:).*");

    private static final int REFUSALS = 5;

    private static String[] otelArgs(String... more) {
        List<String> args = new ArrayList<>(List.of(
                "-javaagent:" + System.getProperty("otel.jar"),
                "-Dotel.jmx.config=" + System.getProperty("otel.rules"),
                "-Dotel.metrics.exporter=logging-otlp",
                "-Dotel.traces.exporter=none",
                "-Dotel.logs.exporter=none",
                "-Dotel.metric.export.interval=1000",
                "-Dotel.service.name=rstwatch-otel-it"));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    static Stream<Path> jdks() {
        return Jdks.all().stream();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void theOtelAgentExportsRstwatchsMetricsAndBothAgentsCountEachFailureOnceWithItsCaller(Path jdk) throws Exception {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
        // What the OTel agent says on its own, so that anything more can be put down to running both.
        List<String> otelAlone;
        try (AgentJvm alone = AgentJvm.builder()
                .javaHome(jdk)
                .withoutAgent()
                .jvmArgs(otelArgs())
                .main(Idle.class)
                .start()) {
            alone.awaitStdout("ready", 1, WAIT);
            Await.until(
                    "the OTel agent's first export", WAIT, () -> !exports(alone).isEmpty());
            otelAlone = warnings(alone);
        }

        int http = Loopback.closedPort();
        int url = Loopback.closedPort();
        // A host of the test's own (a network namespace): the counts below are of this JVM's connects alone, and
        // no other process's failed connects raise an alert line among the warnings compared.
        try (TestHost box = TestHost.create();
                AgentJvm jvm = AgentJvm.builder()
                        .javaHome(jdk)
                        .isolatedIn(box, 9010)
                        // The refusals below would raise the failed-connection alert, whose WARN line is rstwatch at
                        // work, not a warning about running beside another agent: kept out of the way.
                        .agentOptions("alert.warn=1000,alert.critical=2000")
                        .jvmArgs(otelArgs())
                        .main(Connector.class)
                        .start()) {
            jvm.awaitStdout("ready", 1, WAIT);
            // Both counts below need the connect advice in place: installed on a daemon thread, after capture can be.
            jvm.awaitAgentStarted(WAIT);
            jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, WAIT);
            jvm.awaitCaptureCaughtUp(WAIT);
            for (int i = 0; i < REFUSALS; i++) {
                jvm.send("socket 127.0.0.1 7211");
            }
            // The HTTP clients the OTel agent instruments: its spans wrap the call, rstwatch's advice the connect.
            jvm.send("http 127.0.0.1 " + http);
            jvm.send("url 127.0.0.1 " + url);
            jvm.awaitStdout("done", REFUSALS + 2, WAIT);
            // The capture reads a block at a time (a quiet one after a quarter second): the counts below are final
            // only once a refusal made after the application's is counted.
            jvm.awaitCaptureCaughtUp(WAIT);

            String port = "rstwatch:type=Port,scope=local,port=7211";
            jvm.awaitAttribute(port, "RefusedTotal", v -> (Long) v == REFUSALS, WAIT);
            Await.until("rstwatch.port.refused 7211 = " + REFUSALS + " in the OTel export", WAIT, () -> {
                Long exported = lastValue(exports(jvm), "rstwatch.port.refused", "server.port", "7211");
                return exported != null && exported == REFUSALS;
            });

            // Each refused connect counted once, three ways that must agree: the RSTs capture saw, the failures the
            // connect advice saw, and the application's endpoint rows. (java.net.http tries a refused connect a
            // second time by itself, so one request there is two connects: the capture says how many.)
            assertEquals((long) REFUSALS, endpoint(jvm, "127.0.0.1:7211").get("refused"));
            for (int p : new int[] {7211, http, url}) {
                String name = "rstwatch:type=Port,scope=local,port=" + p;
                long captured = (Long) jvm.awaitAttribute(name, "RefusedTotal", v -> (Long) v > 0, WAIT);
                assertEquals(captured, jvm.attribute(name, "JvmFailuresTotal", WAIT), name);
                assertEquals(captured, endpoint(jvm, "127.0.0.1:" + p).get("refused"), name);
            }
            // Callers named through the OTel agent's instrumentation of the HTTP clients.
            assertTrue(
                    ((String) endpoint(jvm, "127.0.0.1:" + http).get("caller")).contains("Connector.viaHttpClient("),
                    endpoint(jvm, "127.0.0.1:" + http).toString());
            assertTrue(
                    ((String) endpoint(jvm, "127.0.0.1:" + url).get("caller")).contains("Connector.viaUrlConnection("),
                    endpoint(jvm, "127.0.0.1:" + url).toString());

            // The OTel agent looks for MBeans on a schedule of its own, backing off between attempts: one fresh-clone
            // run read exports that held three of the Port rule's metrics and none of the other rules'.
            List<String> expected = List.of(
                    "rstwatch.port.unanswered",
                    "rstwatch.port.unreachable",
                    "rstwatch.port.resets",
                    "rstwatch.tcp.attempt_fails",
                    "rstwatch.connects.refused",
                    "rstwatch.endpoint.refused",
                    "rstwatch.capture.packets");
            Await.until("every rule's metrics in the OTel export", WAIT, () -> metrics(exports(jvm))
                    .keySet()
                    .containsAll(expected));
            List<JsonNode> exports = exports(jvm);
            Map<String, JsonNode> metrics = metrics(exports);
            JsonNode refused = metrics.get("rstwatch.port.refused");
            assertEquals("{connection}", refused.path("unit").asText());
            assertTrue(refused.path("sum").path("isMonotonic").asBoolean(), "a counter: " + refused);
            assertEquals(
                    "local",
                    attribute(refused.path("sum").path("dataPoints").get(0), "rstwatch.scope"),
                    refused.toString());
            for (String name : expected) {
                assertTrue(metrics.containsKey(name), name + " in " + new TreeSet<>(metrics.keySet()));
            }
            assertEquals(1L, lastValue(exports, "rstwatch.capture.active", "rstwatch.capture.state", "active"));
            assertEquals(
                    1L,
                    lastValue(exports, "rstwatch.alert.level", "rstwatch.alert.state", "ok")
                            + lastValue(exports, "rstwatch.alert.level", "rstwatch.alert.state", "warn")
                            + lastValue(exports, "rstwatch.alert.level", "rstwatch.alert.state", "critical"),
                    "one alert level at a time");
            assertTrue(
                    metrics.get("rstwatch.port.refused")
                            .path("description")
                            .asText()
                            .startsWith("Connection attempts refused on this port"),
                    "rstwatch's own attribute description carried over");

            List<String> added = new ArrayList<>(warnings(jvm));
            added.removeAll(otelAlone);
            assertTrue(added.isEmpty(), "warnings with both agents that the OTel agent alone does not give: " + added);
        }
    }

    /** Warning lines on stderr, with what varies from run to run (times, thread names, pids) taken out. */
    private static List<String> warnings(AgentJvm jvm) {
        return jvm.stderr()
                .lines()
                .filter(l -> !OTLP_LINE.matcher(l).find())
                .filter(l -> WARNING.matcher(l).matches())
                .map(l -> l.replaceAll("^\\[otel\\.javaagent [^]]*] \\[[^]]*] ", ""))
                .collect(Collectors.toList());
    }

    private static List<JsonNode> exports(AgentJvm jvm) throws Exception {
        List<JsonNode> exports = new ArrayList<>();
        for (String line : jvm.stderr().lines().collect(Collectors.toList())) {
            var m = OTLP_LINE.matcher(line);
            if (m.find()) {
                exports.add(JSON.readTree(m.group(1)));
            }
        }
        return exports;
    }

    /** Every metric of the io.opentelemetry.jmx scope, by name, as last exported. */
    private static Map<String, JsonNode> metrics(List<JsonNode> exports) {
        Map<String, JsonNode> metrics = new HashMap<>();
        for (JsonNode export : exports) {
            for (JsonNode scope : export.path("scopeMetrics")) {
                if (scope.path("scope").path("name").asText().equals("io.opentelemetry.jmx")) {
                    scope.path("metrics")
                            .forEach(m -> metrics.put(m.path("name").asText(), m));
                }
            }
        }
        return metrics;
    }

    /** The last exported value of the metric's data point whose attribute {@code key} is {@code value}. */
    private static Long lastValue(List<JsonNode> exports, String metric, String key, String value) {
        JsonNode m = metrics(exports).get(metric);
        if (m == null) {
            return null;
        }
        JsonNode data = m.has("sum") ? m.path("sum") : m.path("gauge");
        for (JsonNode point : data.path("dataPoints")) {
            if (value.equals(attribute(point, key))) {
                return point.path("asInt").asLong();
            }
        }
        return null;
    }

    private static String attribute(JsonNode point, String key) {
        for (JsonNode a : point.path("attributes")) {
            if (a.path("key").asText().equals(key)) {
                return a.path("value").path("stringValue").asText();
            }
        }
        return null;
    }

    private static CompositeData endpoint(AgentJvm jvm, String endpoint) throws Exception {
        CompositeData[] rows = (CompositeData[]) jvm.attribute("rstwatch:type=Connects", "Endpoints", WAIT);
        for (CompositeData row : rows) {
            if (endpoint.equals(row.get("endpoint"))) {
                return row;
            }
        }
        throw new AssertionError("no Connects row for " + endpoint + " in " + java.util.Arrays.toString(rows)
                + "; the agent said: " + jvm.stderr());
    }
}
