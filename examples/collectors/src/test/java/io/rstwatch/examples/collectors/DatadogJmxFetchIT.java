package io.rstwatch.examples.collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/collectors/datadog-rstwatch.yaml run by Datadog's JMXFetch (the collector inside the Datadog Agent),
 * standalone with its console reporter, against the demo's remote JMX port.
 */
class DatadogJmxFetchIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern REFUSED = Pattern.compile(
            "rstwatch\\.port\\.refused\\[instance:rstwatch,jmx_domain:rstwatch,type:Port,port:7211,scope:local] - \\d+ = (\\d+)\\.0");

    /**
     * The demo's own endpoint: tagged endpoint_host and endpoint_port, never host (which Datadog takes for the
     * reporting machine) nor a port that reads as a Port MBean's.
     */
    private static final Pattern ENDPOINT =
            Pattern.compile("rstwatch\\.endpoint\\.refused\\[([^\\]]*)] - \\d+ = [1-9]\\d*\\.0");

    static boolean isEndpointRefused(String line) {
        Matcher m = ENDPOINT.matcher(line);
        if (!m.find()) {
            return false;
        }
        java.util.List<String> tags = java.util.List.of(m.group(1).split(","));
        return tags.contains("endpoint_host:127.0.0.1")
                && tags.contains("endpoint_port:7211")
                && tags.stream().noneMatch(t -> t.startsWith("host:") || t.startsWith("port:"));
    }

    @Test
    void jmxFetchReportsThePortWithItsTags(@TempDir Path confd) throws Exception {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
        int jmxPort = Loopback.closedPort();
        String conf = Files.readString(Paths.get(System.getProperty("datadog.config")));
        assertTrue(conf.contains("    port: 9999\n"), "the example instance");
        Files.writeString(
                confd.resolve("rstwatch.yaml"), conf.replace("    port: 9999\n", "    port: " + jmxPort + "\n"));

        try (AgentJvm jvm = AgentJvm.builder()
                .remoteJmx(jmxPort)
                .jar(Paths.get(System.getProperty("demo.jar")))
                .start()) {
            jvm.awaitAttribute("rstwatch:type=Port,scope=local,port=7211", "RefusedTotal", v -> (Long) v >= 2, WAIT);
            Process fetch = new ProcessBuilder(
                            "java",
                            "-jar",
                            System.getProperty("jmxfetch.jar"),
                            "collect",
                            "--conf_directory",
                            confd.toString(),
                            "--check",
                            "rstwatch.yaml",
                            "--reporter",
                            "console",
                            "--check_period",
                            "2000")
                    .redirectErrorStream(true)
                    .start();
            StringBuilder seen = new StringBuilder();
            boolean refused = false;
            boolean tcp = false;
            boolean capture = false;
            boolean serviceCheck = false;
            boolean endpoint = false;
            long deadline = System.nanoTime() + WAIT.toNanos();
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(fetch.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line;
                        !(refused && tcp && capture && serviceCheck && endpoint)
                                && System.nanoTime() < deadline
                                && (line = in.readLine()) != null; ) {
                    seen.append(line).append('\n');
                    Matcher m = REFUSED.matcher(line);
                    refused |= m.find() && Long.parseLong(m.group(1)) >= 2;
                    tcp |= line.contains("rstwatch.tcp.attempt_fails[instance:rstwatch,jmx_domain:rstwatch,type:Tcp]");
                    capture |= line.contains("rstwatch.capture.active[instance:rstwatch,jmx_domain:rstwatch,"
                                    + "type:Capture] - ")
                            && line.endsWith(" = 1.0");
                    serviceCheck |= line.contains("rstwatch[jmx_server:localhost,instance:rstwatch] - ")
                            && line.endsWith(" = OK");
                    endpoint |= isEndpointRefused(line);
                }
            } finally {
                fetch.destroy();
                fetch.waitFor(10, TimeUnit.SECONDS);
            }
            assertTrue(refused && tcp && capture && serviceCheck && endpoint, "JMXFetch output:\n" + seen);
        }
    }
}
