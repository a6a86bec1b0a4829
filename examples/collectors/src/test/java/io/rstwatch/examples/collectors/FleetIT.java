package io.rstwatch.examples.collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rstwatch.testapps.Connector;
import io.rstwatch.testapps.Idle;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Await;
import io.rstwatch.testing.NameServer;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.Shell;
import io.rstwatch.testing.TestHost;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet path of examples/fleet end to end: a real Prometheus server (Debian's package) scrapes three JVMs,
 * each with rstwatch and the jmx_exporter agent, each on a host of the test's own (a network namespace). Two
 * hosts are quiet; on the third a poller keeps connecting to its port 7211, where nothing listens. Prometheus runs the shipped configuration, alerting rules and recording rules, with only the scrape
 * interval, the targets and the alerts' {@code for:} shortened; the Grafana dashboard's every query is then
 * asked of it.
 */
class FleetIT {
    private static final Path FLEET = Paths.get(System.getProperty("fleet.dir"));
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int JMX_PORT = 9010;

    private int prometheusPort;

    @Test
    void prometheusScrapesTheFleetAndPagesForTheRightHostAndPort(@TempDir Path dir) throws Exception {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
        Requirements.require(Shell.available("prometheus"), "the Prometheus server (Debian package prometheus)");
        String exporter = System.getProperty("jmx_exporter.jar") + "=";
        String exporterConfig = ":" + System.getProperty("jmx_exporter.config");
        int port = 9404;
        prometheusPort = freePort();
        // Each JVM on a host of the test's own (a network namespace): AttemptFails and the alert count per
        // namespace, and on a busy machine other processes fail connects too. Two stand for quiet hosts.
        // The second quiet host's JVM connects to a name its resolver does not know (no TCP connect is made: it
        // shows on the DNS panel and alert only), and to its own exporter (the connect-time panel).
        try (TestHost quietA = TestHost.create();
                TestHost quietB = TestHost.create();
                NameServer names = NameServer.on(quietB);
                TestHost host2 = TestHost.create();
                AgentJvm a = AgentJvm.builder()
                        .isolatedIn(quietA, JMX_PORT)
                        .jvmArgs("-javaagent:" + exporter + "0.0.0.0:" + port + exporterConfig)
                        .main(Idle.class)
                        .start();
                AgentJvm b = AgentJvm.builder()
                        .isolatedIn(quietB, JMX_PORT)
                        .jvmArgs("-javaagent:" + exporter + "0.0.0.0:" + port + exporterConfig)
                        .main(Connector.class)
                        .start();
                AgentJvm c = AgentJvm.builder()
                        .isolatedIn(host2, JMX_PORT)
                        .jvmArgs("-javaagent:" + exporter + "0.0.0.0:" + port + exporterConfig)
                        .jar(Paths.get(System.getProperty("demo.jar")), "127.0.0.1", "7211", "2")
                        .start()) {
            String instanceA = quietA.address() + ":" + port;
            String instanceB = quietB.address() + ":" + port;
            String instanceC = host2.address() + ":" + port;
            // Prometheus starts once every exporter listens, so that every target is up from its first scrape.
            a.awaitStdout("ready", 1, Duration.ofSeconds(60));
            b.awaitStdout("ready", 1, Duration.ofSeconds(60));
            for (TestHost h : List.of(quietA, quietB, host2)) {
                Await.until("the exporter on " + h.address() + " listens", Duration.ofSeconds(60), () -> h.run(
                                "ss", "-Hltn", "sport", "=", ":" + port)
                        .contains(":" + port));
            }
            quietB.plainServer(7443);
            Process prometheus = startPrometheus(dir, List.of(instanceA, instanceB), List.of(instanceC));
            ScheduledExecutorService unresolved = Executors.newSingleThreadScheduledExecutor();
            unresolved.scheduleAtFixedRate(
                    () -> {
                        try {
                            b.send("socket orders.invalid 8080");
                            b.send("socket 127.0.0.1 " + port); // its own exporter: a connect that connects
                            b.send("tls 127.0.0.1 7443"); // and a TLS handshake with a plain port
                        } catch (IOException e) {
                            // the JVM is gone: the awaits below say so
                        }
                    },
                    0,
                    1,
                    TimeUnit.SECONDS);
            try {
                // Asked only once it listens, for the same reason.
                Await.until("Prometheus listens", Duration.ofSeconds(60), () -> Shell.run(
                                "ss", "-Hltn", "sport", "=", ":" + prometheusPort)
                        .contains(":" + prometheusPort));
                Await.until("three JVMs up in Prometheus", Duration.ofSeconds(90), () -> instances(
                                "up{job=\"rstwatch\"} == 1")
                        .equals(new TreeSet<>(List.of(instanceA, instanceB, instanceC))));
                Await.until("rstwatch's series from each JVM", Duration.ofSeconds(90), () -> instances(
                                "rstwatch_capture_active == 1")
                        .equals(new TreeSet<>(List.of(instanceA, instanceB, instanceC))));

                Await.until(
                        "the port alert firing for the second host's port 7211",
                        Duration.ofSeconds(120),
                        () -> firing("TcpPortRefusingConnections").stream()
                                .anyMatch(l -> l.path("instance").asText().equals(instanceC)
                                        && l.path("port").asText().equals("7211")
                                        && l.path("scope").asText().equals("local")));
                Await.until(
                        "the seed alert firing for the second host",
                        Duration.ofSeconds(120),
                        () -> firing("TcpFailedConnections").stream()
                                .anyMatch(l -> l.path("instance").asText().equals(instanceC)));
                // The demo's own connects, by endpoint: the alert names the endpoint, and its text the calling code.
                Await.until(
                        "the endpoint alert firing for the second host's 127.0.0.1:7211, naming the caller",
                        Duration.ofSeconds(120),
                        () -> firingAlerts("TcpEndpointRefusingConnections").stream()
                                .anyMatch(alert -> alert.path("labels")
                                                .path("instance")
                                                .asText()
                                                .equals(instanceC)
                                        && alert.path("labels")
                                                .path("endpoint_host")
                                                .asText()
                                                .equals("127.0.0.1")
                                        && alert.path("labels")
                                                .path("endpoint_port")
                                                .asText()
                                                .equals("7211")
                                        && alert.path("annotations")
                                                .path("summary")
                                                .asText()
                                                .contains("refused connects/s to 127.0.0.1:7211")
                                        && alert.path("annotations")
                                                .path("description")
                                                .asText()
                                                .contains(
                                                        "come from io.rstwatch.examples.demo.RefusedPortDemo.poll(")));
                for (String alert : List.of(
                        "TcpFailedConnections", "TcpPortRefusingConnections", "TcpEndpointRefusingConnections")) {
                    for (JsonNode labels : alerts(alert)) {
                        assertEquals(
                                instanceC,
                                labels.path("instance").asText(),
                                alert + " (firing or pending) for a JVM that causes no failed connect: " + labels);
                    }
                }

                Await.until(
                        "the DNS alert firing for the first host's second JVM, orders.invalid:8080",
                        Duration.ofSeconds(120),
                        () -> firing("DnsLookupsFailing").stream()
                                .anyMatch(l -> l.path("instance").asText().equals(instanceB)
                                        && l.path("endpoint_host").asText().equals("orders.invalid")
                                        && l.path("endpoint_port").asText().equals("8080")));

                // The recording rules, as a dashboard or a federating server would read them.
                assertEquals(
                        Set.of(instanceC), instances("instance_port:rstwatch_port_refused:rate5m{port=\"7211\"} > 1"));
                assertTrue(
                        value("port:rstwatch_port_refused:rate5m{port=\"7211\"}") > 1,
                        "the fleet's refusals of port 7211");
                assertEquals(1.0, value("port:rstwatch_port_refusing_instances:count{port=\"7211\"}"));
                assertTrue(value("instance:rstwatch_tcp_attempt_fails:rate5m{instance=\"" + instanceC + "\"}") > 1);
                assertEquals(0.0, value("job:rstwatch_capture_inactive:count"));
                Await.until(
                        "the second host's alert level above OK",
                        Duration.ofSeconds(60),
                        () -> value("rstwatch_tcp_alert_level{instance=\"" + instanceC + "\"}") >= 1);
                assertEquals(0.0, value("rstwatch_tcp_alert_level{instance=\"" + instanceA + "\"}"));

                // Every query of the Grafana dashboard returns data for this scenario.
                JsonNode dashboard =
                        JSON.readTree(FLEET.resolve("grafana-dashboard.json").toFile());
                List<String> empty = new ArrayList<>();
                int queries = 0;
                for (JsonNode panel : dashboard.path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        String expr = target.path("expr")
                                .asText()
                                .replace("$__rate_interval", "1m")
                                .replace("$instance", ".*");
                        queries++;
                        if (query(expr).isEmpty()) {
                            empty.add(panel.path("title").asText() + ": " + expr);
                        }
                    }
                }
                assertTrue(queries >= 17, "the dashboard's queries: " + queries);
                assertTrue(empty.isEmpty(), "dashboard queries without data: " + empty);
            } finally {
                unresolved.shutdownNow();
                prometheus.destroy();
                prometheus.waitFor();
            }
        }
    }

    /**
     * The shipped prometheus.yml with the test's targets in its file_sd directory and a 1 s scrape and evaluation
     * interval; the shipped rule files with every {@code for:} at 5 s and their 5 m rate windows at 15 s (a rate
     * over 5 m of a series 10 s old is a thirtieth of its true value: the alerts would take minutes).
     */
    private Process startPrometheus(Path dir, List<String> host1, List<String> host2) throws IOException {
        ObjectNode config =
                (ObjectNode) YAML.readTree(FLEET.resolve("prometheus.yml").toFile());
        ObjectNode global = (ObjectNode) config.path("global");
        global.put("scrape_interval", "1s");
        global.put("evaluation_interval", "1s");
        ArrayNode ruleFiles = (ArrayNode) config.path("rule_files");
        for (int i = 0; i < ruleFiles.size(); i++) {
            Path shipped = FLEET.resolve(ruleFiles.get(i).asText()).normalize();
            Path copy = dir.resolve(i + "-" + shipped.getFileName());
            Files.writeString(
                    copy,
                    Files.readString(shipped)
                            .replaceAll("(?m)^(\\s+)for: \\S+$", "$1for: 5s")
                            .replace("[5m]", "[15s]"));
            ruleFiles.set(i, copy.toString());
        }
        ObjectNode job = (ObjectNode) config.path("scrape_configs").get(0);
        job.put("scrape_timeout", "1s");
        Path targets = Files.createDirectories(dir.resolve("targets"));
        ((ArrayNode) job.path("file_sd_configs").get(0).path("files"))
                .removeAll()
                .add(targets + "/*.json");
        ArrayNode groups = JSON.createArrayNode();
        ObjectNode first = groups.addObject();
        first.set("targets", JSON.valueToTree(host1));
        first.set("labels", JSON.createObjectNode().put("host", "host1"));
        ObjectNode second = groups.addObject();
        second.set("targets", JSON.valueToTree(host2));
        second.set("labels", JSON.createObjectNode().put("host", "host2"));
        JSON.writeValue(targets.resolve("fleet.json").toFile(), groups);
        Path configFile = dir.resolve("prometheus.yml");
        YAML.writeValue(configFile.toFile(), config);
        String check = Shell.run("promtool", "check", "config", configFile.toString());
        assertTrue(check.contains("SUCCESS"), check);
        return new ProcessBuilder(
                        "prometheus",
                        "--config.file=" + configFile,
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + prometheusPort,
                        "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
    }

    /** The result vector of an instant query. */
    private List<JsonNode> query(String promql) throws IOException, InterruptedException {
        JsonNode answer = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        assertEquals("success", answer.path("status").asText(), promql + ": " + answer);
        List<JsonNode> result = new ArrayList<>();
        answer.path("data").path("result").forEach(result::add);
        return result;
    }

    private Set<String> instances(String promql) throws IOException, InterruptedException {
        Set<String> instances = new TreeSet<>();
        for (JsonNode sample : query(promql)) {
            instances.add(sample.path("metric").path("instance").asText());
        }
        return instances;
    }

    /** The value of a query that returns one sample. */
    private double value(String promql) throws IOException, InterruptedException {
        List<JsonNode> result = query(promql);
        assertEquals(1, result.size(), promql + ": " + result);
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    /** The labels of each active alert (pending or firing) of that name. */
    private List<JsonNode> alerts(String name) throws IOException, InterruptedException {
        List<JsonNode> labels = new ArrayList<>();
        for (JsonNode alert : get("/api/v1/alerts").path("data").path("alerts")) {
            if (alert.path("labels").path("alertname").asText().equals(name)) {
                labels.add(alert.path("labels"));
            }
        }
        return labels;
    }

    private List<JsonNode> firing(String name) throws IOException, InterruptedException {
        List<JsonNode> labels = new ArrayList<>();
        for (JsonNode alert : firingAlerts(name)) {
            labels.add(alert.path("labels"));
        }
        return labels;
    }

    /** The alerts of that name now firing, with their labels and annotations. */
    private List<JsonNode> firingAlerts(String name) throws IOException, InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode alert : get("/api/v1/alerts").path("data").path("alerts")) {
            if (alert.path("labels").path("alertname").asText().equals(name)
                    && alert.path("state").asText().equals("firing")) {
                out.add(alert);
            }
        }
        return out;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
