package io.rstwatch.examples.jsonlines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.plugin.ConnectFailure;
import io.rstwatch.plugin.PluginContext;
import io.rstwatch.plugin.Scope;
import io.rstwatch.plugin.UnansweredConnect;
import io.rstwatch.plugin.UnreachableConnect;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON line of each event kind of plugin API 2, and the budget of API 3. */
class JsonLinesPluginTest {
    private static final Instant T = Instant.parse("2026-11-25T10:54:00Z");

    @Test
    void unansweredAndUnreachableConnects() {
        InetSocketAddress service = new InetSocketAddress("10.0.3.7", 5432);
        InetSocketAddress client = new InetSocketAddress("10.0.3.1", 41838);
        assertEquals(
                "{\"time\":\"2026-11-25T10:54:00Z\",\"event\":\"unanswered\",\"scope\":\"remote\","
                        + "\"service_address\":\"10.0.3.7\",\"service_port\":5432,\"client_address\":\"10.0.3.1\","
                        + "\"client_port\":41838,\"interface\":\"eth0\",\"from_this_host\":true}",
                JsonLinesPlugin.toJson(new UnansweredConnect(T, Scope.REMOTE, service, client, "eth0", true)));
        assertEquals(
                "{\"time\":\"2026-11-25T10:54:00Z\",\"event\":\"unreachable\",\"scope\":\"remote\","
                        + "\"service_address\":\"10.0.3.7\",\"service_port\":5432,\"client_address\":\"10.0.3.1\","
                        + "\"client_port\":41838,\"interface\":\"eth0\",\"reason\":\"admin-prohibited\","
                        + "\"sent_by_this_host\":false}",
                JsonLinesPlugin.toJson(
                        new UnreachableConnect(T, Scope.REMOTE, service, client, "eth0", "admin-prohibited", false)));
    }

    @Test
    void asksForMaxPerSecondAndWritesTheHeldBackCountAsOneLine(@TempDir Path dir) throws Exception {
        JsonLinesPlugin plugin = new JsonLinesPlugin();
        plugin.start(PluginContext.of(Map.of("file", "events.jsonl", "max.per.second", "10"), dir, "test", line -> {}));
        assertEquals(10, plugin.maxEventsPerSecond());
        plugin.onSuppressed(99_990);
        plugin.stop();
        List<String> lines = Files.readAllLines(dir.resolve("events.jsonl"));
        assertEquals(1, lines.size());
        assertTrue(
                lines.get(0)
                        .matches("\\{\"time\":\"[^\"]+\",\"event\":\"suppressed\",\"count\":99990,"
                                + "\"max_per_second\":10}"),
                lines.get(0));
    }

    @Test
    void theApiFourKindsAreLinesOfTheirOwn() {
        JsonLinesPlugin.Json line = new JsonLinesPlugin.Json();
        String dns = line.event(new io.rstwatch.plugin.NameNotResolved(
                        T,
                        InetSocketAddress.createUnresolved("db.invalid", 5432),
                        "not known: db.invalid: Name or service not known",
                        "com.example.Store.load(Store.java:42)"))
                .toString();
        assertTrue(dns.contains("\"event\":\"name_not_resolved\""), dns);
        assertTrue(dns.contains("\"reason\":\"not known: db.invalid: Name or service not known\""), dns);
        line.newline();
        String tls = line.event(new io.rstwatch.plugin.TlsHandshakeFailed(
                        T,
                        new InetSocketAddress("127.0.0.1", 8443),
                        "expired: NotAfter: Sat Nov 07 10:00:00 UTC 2026",
                        "com.example.Api.call(Api.java:7)"))
                .toString();
        assertTrue(tls.contains("\"event\":\"tls_handshake_failed\""), tls);
        assertTrue(tls.endsWith("\"caller\":\"com.example.Api.call(Api.java:7)\"}"), tls);
    }

    @Test
    void aReusedLineWritesTimesAsInstantDoesAndCountsItsUtf8Bytes() {
        InetSocketAddress endpoint = new InetSocketAddress("127.0.0.1", 7211);
        JsonLinesPlugin.Json line = new JsonLinesPlugin.Json();
        Instant[] times = {
            T,
            T.plusMillis(5),
            T.plusNanos(17_000),
            T.plusNanos(7),
            T.plusSeconds(86_400).plusMillis(1)
        };
        for (Instant t : times) {
            String caller = "Caf\u00e9Client.connect(\"x\"\n) \ud83d\udd0c";
            String json = line.event(new ConnectFailure(t, endpoint, ConnectFailure.Cause.REFUSED, caller))
                    .toString();
            assertTrue(json.startsWith("{\"time\":\"" + t + "\",\"event\":\"connect_failure\""), json);
            assertTrue(json.endsWith("\"caller\":\"Caf\u00e9Client.connect(\\\"x\\\"\\n) \ud83d\udd0c\"}"), json);
            line.newline();
            assertEquals((json + "\n").getBytes(StandardCharsets.UTF_8).length, line.utf8Length(), json);
        }
    }
}
