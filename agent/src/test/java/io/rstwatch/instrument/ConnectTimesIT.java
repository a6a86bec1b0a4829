package io.rstwatch.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.Connector;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.DelayedHost;
import io.rstwatch.testing.Jdks;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Connects to a host 100 ms away (a delay line of the test's own): each takes a round trip, and the Endpoint MBean's
 * median says 100 ms, within 10%; a refusal from there takes as long, and says so.
 */
class ConnectTimesIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    static Stream<Path> jdks() {
        return Jdks.all().stream();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aHostAHundredMillisecondsAwayConnectsInAHundredMilliseconds(Path jdk) throws Exception {
        try (DelayedHost far = DelayedHost.create(100)) {
            Process server = new ProcessBuilder(far.command(
                            "python3",
                            "-c",
                            "import socket\n"
                                    + "l = socket.socket()\n"
                                    + "l.bind(('0.0.0.0', 7300))\n"
                                    + "l.listen(128)\n"
                                    + "print('listening', flush=True)\n"
                                    + "while True:\n"
                                    + "    c, _ = l.accept()\n"
                                    + "    c.close()\n"))
                    .redirectErrorStream(true)
                    .start();
            try (AgentJvm jvm = AgentJvm.builder()
                    .javaHome(jdk)
                    .agentOptions("capture=off")
                    .main(Connector.class)
                    .start()) {
                assertEquals(
                        "listening",
                        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
                                .readLine());
                jvm.awaitStdout("ready", 1, WAIT);
                jvm.awaitConnectsCounted(WAIT);
                for (int i = 0; i < 20; i++) {
                    jvm.send("socket " + far.address() + " 7300");
                }
                jvm.awaitStdout("connected?!", 20, WAIT);
                jvm.send("socket " + far.address() + " 7301"); // nothing listens: refused, a round trip later
                jvm.awaitStdout("done", 1, WAIT);

                String endpoint = "rstwatch:type=Endpoint,host=" + far.address() + ",port=7300";
                jvm.awaitAttribute(endpoint, "ConnectedTotal", n -> (Long) n == 20L, WAIT);
                double p50 = (Double) jvm.awaitAttribute(endpoint, "ConnectMillisP50", v -> (Double) v > 0, WAIT);
                assertTrue(p50 >= 90 && p50 <= 110, "the median connect, 100 ms away: " + p50 + " ms");
                double p99 = (Double) jvm.attribute(endpoint, "ConnectMillisP99", WAIT);
                double max = (Double) jvm.attribute(endpoint, "ConnectMillisMax", WAIT);
                assertTrue(p99 >= p50 && max >= p99 && max < 1000, p50 + " / " + p99 + " / " + max);
                assertEquals(0L, jvm.attribute(endpoint, "FailedTotal", WAIT));
                assertEquals("", jvm.attribute(endpoint, "LastFailed", WAIT));
                double all = (Double)
                        jvm.awaitAttribute("rstwatch:type=Connects", "ConnectMillisP50", v -> (Double) v > 0, WAIT);
                assertTrue(all >= 90 && all <= 110, "every connect's median: " + all + " ms");

                String refused = "rstwatch:type=Endpoint,host=" + far.address() + ",port=7301";
                jvm.awaitAttribute(refused, "RefusedTotal", n -> (Long) n == 1L, WAIT);
                double after = (Double) jvm.attribute(refused, "FailedAfterMillis", WAIT);
                assertTrue(after >= 90 && after < 1000, "refused a round trip later: " + after + " ms");
            } finally {
                server.destroyForcibly().waitFor();
            }
        }
    }
}
