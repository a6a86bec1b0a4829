package io.rstwatch.examples.collectors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.Connector;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Await;
import io.rstwatch.testing.NameServer;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.TestHost;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Prometheus jmx_exporter agent beside rstwatch, scraped over HTTP as Prometheus would. */
class JmxExporterIT {
    @Test
    void refusedPortIsACounterWithOurDescriptionAsHelp() throws Exception {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        try (AgentJvm jvm = AgentJvm.builder()
                .jvmArgs("-javaagent:" + System.getProperty("jmx_exporter.jar") + "=127.0.0.1:" + httpPort + ":"
                        + System.getProperty("jmx_exporter.config"))
                .jar(Paths.get(System.getProperty("demo.jar")))
                .start()) {
            jvm.awaitAttribute(
                    "rstwatch:type=Port,scope=local,port=7211",
                    "RefusedTotal",
                    v -> (Long) v >= 3,
                    Duration.ofSeconds(60));
            String metrics = scrape(httpPort);
            assertTrue(metrics.contains("# TYPE rstwatch_port_refused_total counter"), metrics);
            assertTrue(
                    metrics.contains("# HELP rstwatch_port_refused_total Connection attempts refused on this port:"),
                    metrics);
            assertTrue(
                    metrics.matches(
                            "(?s).*\\nrstwatch_port_refused_total\\{port=\"7211\",scope=\"local\"} [1-9][0-9]*\\.0\\n.*"),
                    metrics);
            assertTrue(metrics.contains("# TYPE rstwatch_tcp_attempt_fails_total counter"), metrics);
            assertTrue(metrics.contains("rstwatch_connects_refused_total "), metrics);
            assertTrue(metrics.contains("# TYPE rstwatch_port_abort_resets_total counter"), metrics);
            assertTrue(metrics.contains("# TYPE rstwatch_tcp_abort_on_timeout_total counter"), metrics);
            assertTrue(metrics.contains("\nrstwatch_agent_plugin_events_dropped_total 0.0\n"), metrics);
            assertTrue(metrics.contains("\nrstwatch_agent_plugins_disabled 0.0\n"), metrics);
            assertTrue(metrics.contains("\nrstwatch_scans_scanners_total 0.0\n"), metrics);
            assertTrue(metrics.contains("\nrstwatch_capture_spoofed_total 0.0\n"), metrics);
            assertTrue(
                    metrics.contains("\nrstwatch_port_unreachable_total{port=\"7211\",scope=\"local\"} 0.0\n"),
                    metrics);
            assertTrue(
                    metrics.contains("\nrstwatch_port_unanswered_total{port=\"7211\",scope=\"local\"} 0.0\n"), metrics);
            assertTrue(metrics.contains("\nrstwatch_tcp_alert_notifications_dropped_total 0.0\n"), metrics);
            // The demo's own connects, as an Endpoint MBean: one series per cause, and one per calling method.
            jvm.awaitAttribute(
                    "rstwatch:type=Endpoint,host=127.0.0.1,port=7211",
                    "RefusedTotal",
                    v -> (Long) v >= 3,
                    Duration.ofSeconds(60));
            metrics = scrape(httpPort);
            assertTrue(metrics.contains("# TYPE rstwatch_endpoint_refused_total counter"), metrics);
            assertTrue(
                    metrics.matches(
                            "(?s).*\nrstwatch_endpoint_refused_total\\{endpoint_host=\"127\\.0\\.0\\.1\",endpoint_port=\"7211\"}"
                                    + " [1-9][0-9]*\\.0\n.*"),
                    metrics);
            assertTrue(
                    metrics.contains(
                            "\nrstwatch_endpoint_timed_out_total{endpoint_host=\"127.0.0.1\",endpoint_port=\"7211\"} 0.0\n"),
                    metrics);
            assertTrue(
                    metrics.matches(
                            "(?s).*\nrstwatch_endpoint_caller_failures_total\\{caller=\"io\\.rstwatch\\.examples"
                                    + "\\.demo\\.RefusedPortDemo\\.poll\\(RefusedPortDemo\\.java:\\d+\\)\",endpoint_host=\"127\\.0\\.0\\.1\","
                                    + "endpoint_port=\"7211\"} [1-9][0-9]*\\.0\n.*"),
                    metrics);
            // AlertLevel, a string, as a number: the demo's 2 refusals a second are at alert.warn (1.0).
            assertTrue(metrics.contains("# TYPE rstwatch_tcp_alert_level gauge"), metrics);
            assertTrue(metrics.matches("(?s).*\nrstwatch_tcp_alert_level [012]\\.0\n.*"), metrics);
        }
    }

    /**
     * Whether jmx_exporter makes series of Connects.Endpoints, an array of CompositeData: with a rule that takes
     * everything, the Connects MBean's numbers come out, and nothing of its Endpoints. So the rows are published
     * as Endpoint MBeans, whose numbers it takes.
     */
    @Test
    void theEndpointsArrayMakesNoSeriesEvenWhenEverythingIsTaken(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("everything.yaml");
        Files.writeString(config, "includeObjectNames: [\"rstwatch:type=Connects\"]\nrules:\n  - pattern: \".*\"\n");
        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        try (AgentJvm jvm = AgentJvm.builder()
                .jvmArgs("-javaagent:" + System.getProperty("jmx_exporter.jar") + "=127.0.0.1:" + httpPort + ":"
                        + config)
                .jar(Paths.get(System.getProperty("demo.jar")))
                .start()) {
            jvm.awaitAttribute("rstwatch:type=Connects", "RefusedTotal", v -> (Long) v >= 2, Duration.ofSeconds(60));
            String metrics = scrape(httpPort);
            assertTrue(metrics.contains("rstwatch_Connects_RefusedTotal "), metrics);
            // No series of the Endpoints (the HELP texts may name the Endpoint MBeans).
            assertFalse(
                    metrics.lines().filter(l -> !l.startsWith("#")).anyMatch(l -> l.toLowerCase(java.util.Locale.ROOT)
                            .contains("endpoint")),
                    metrics);
        }
    }

    /**
     * This JVM's connects whose name does not resolve (a name server of the test's own answers NXDOMAIN, on a host of
     * the test's own), one that connects (to the exporter itself) and a TLS handshake with that plain port: DNS
     * failures, connect times and TLS failures, each a series.
     */
    @Test
    void dnsFailuresConnectTimesAndTlsFailuresAreSeriesOfTheirEndpoints() throws Exception {
        try (TestHost box = TestHost.create();
                NameServer dns = NameServer.on(box);
                AgentJvm jvm = AgentJvm.builder()
                        .agentOptions("capture=off")
                        .wrapper(box.command())
                        .jvmArgs("-javaagent:" + System.getProperty("jmx_exporter.jar") + "=" + box.address() + ":9404:"
                                + System.getProperty("jmx_exporter.config"))
                        .main(Connector.class)
                        .start()) {
            jvm.awaitStdout("ready", 1, Duration.ofSeconds(30));
            jvm.awaitStderr("connect failures in this JVM counted", Duration.ofSeconds(30));
            for (int i = 0; i < 3; i++) {
                jvm.send("socket db.invalid 5432");
            }
            jvm.awaitStdout("done", 3, Duration.ofSeconds(30));
            jvm.send("socket " + box.address() + " 9404");
            jvm.awaitStdout("connected?!", 1, Duration.ofSeconds(30));
            box.plainServer(7443);
            jvm.send("tls " + box.address() + " 7443"); // a TLS handshake with a plain port: it fails
            jvm.awaitStdout("done", 4, Duration.ofSeconds(30));
            String[] metrics = {""};
            String exporter = "{endpoint_host=\"" + box.address() + "\",endpoint_port=\"9404\"}";
            String plain = "{endpoint_host=\"" + box.address() + "\",endpoint_port=\"7443\"}";
            try {
                // The Endpoint MBeans come with the sampler's next second: each awaited, not only the totals.
                Await.until("the new series", Duration.ofSeconds(30), () -> {
                    metrics[0] = scrape(box.address(), 9404);
                    return metrics[0].contains("\nrstwatch_endpoint_dns_failed_total{endpoint_host=\"db.invalid\","
                                    + "endpoint_port=\"5432\"} 3.0\n")
                            && metrics[0].contains("\nrstwatch_connects_connected_total 2.0\n")
                            && metrics[0].contains("\nrstwatch_connects_tls_failed_total 1.0\n")
                            && metrics[0].contains("\nrstwatch_endpoint_connected_total" + exporter + " 1.0\n")
                            && metrics[0].contains("\nrstwatch_endpoint_tls_failed_total" + plain + " 1.0\n");
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; scraped:\n" + metrics[0], e);
            }
            assertTrue(metrics[0].contains("# TYPE rstwatch_endpoint_dns_failed_total counter"), metrics[0]);
            assertTrue(
                    metrics[0].contains(
                            "# HELP rstwatch_endpoint_dns_failed_total Attempts to reach this endpoint that failed"),
                    metrics[0]);
            assertTrue(metrics[0].contains("\nrstwatch_connects_dns_failed_total 3.0\n"), metrics[0]);
            assertTrue(
                    metrics[0].matches("(?s).*\nrstwatch_connects_dns_resolver_failed_total [1-9][0-9]*\\.0\n.*"),
                    metrics[0]);
            assertTrue(
                    metrics[0].contains(
                            "\nrstwatch_endpoint_failed_total{endpoint_host=\"db.invalid\",endpoint_port=\"5432\"} 3.0\n"),
                    metrics[0]);
            assertTrue(
                    metrics[0].contains("\nrstwatch_endpoint_certificate_days_left" + plain + " -1.0\n"),
                    "no handshake completed there: " + metrics[0]);
            for (String gauge : new String[] {"p50", "p99", "max"}) {
                assertTrue(
                        metrics[0].contains("# TYPE rstwatch_endpoint_connect_millis_" + gauge + " gauge"), metrics[0]);
                assertTrue(
                        metrics[0].matches("(?s).*\nrstwatch_endpoint_connect_millis_" + gauge
                                + java.util.regex.Pattern.quote(exporter) + " [0-9.E-]+\n.*"),
                        metrics[0]);
                assertTrue(
                        metrics[0].matches("(?s).*\nrstwatch_connects_connect_millis_" + gauge + " [0-9.E-]+\n.*"),
                        metrics[0]);
            }
            assertTrue(
                    metrics[0].matches("(?s).*\nrstwatch_endpoint_failed_after_millis\\{endpoint_host=\"db\\.invalid\","
                            + "endpoint_port=\"5432\"} [0-9.E-]+\n.*"),
                    metrics[0]);
        }
    }

    private static String scrape(int port) throws IOException, InterruptedException {
        return scrape("127.0.0.1", port);
    }

    private static String scrape(String host, int port) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        IOException last = null;
        for (int i = 0; i < 50; i++) {
            try {
                return client.send(
                                HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
            } catch (IOException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw last;
    }
}
