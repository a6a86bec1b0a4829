package io.rstwatch.examples.jsonlines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.plugin.PluginContext;
import io.rstwatch.plugin.Scope;
import io.rstwatch.plugin.UnansweredConnect;
import io.rstwatch.plugin.UnreachableConnect;
import java.net.InetSocketAddress;
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
}
