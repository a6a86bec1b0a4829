package io.rstwatch.examples.jsonlines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rstwatch.plugin.Scope;
import io.rstwatch.plugin.UnansweredConnect;
import io.rstwatch.plugin.UnreachableConnect;
import java.net.InetSocketAddress;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The JSON line of each event kind of plugin API 2. */
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
}
