package io.rstwatch.examples.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Jdks;
import io.rstwatch.testing.Requirements;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The seed, end to end: the demo's refused connects to 127.0.0.1:7211 show up on the port's MBean. */
class RefusedPortDemoIT {
    static Stream<Path> jdks() {
        return Jdks.all().stream();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void theRefusedPortIsNamedWithItsRateInterfaceAndDiagnosis(Path jdk) throws Exception {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
        String port = "rstwatch:type=Port,scope=local,port=7211";
        try (AgentJvm jvm = AgentJvm.builder()
                .javaHome(jdk)
                .agentOptions("rate.window=5")
                .jar(Paths.get(System.getProperty("example.jar")))
                .start()) {
            jvm.awaitAttribute(port, "RefusedTotal", v -> (Long) v >= 10, Duration.ofSeconds(60));
            double rate = (Double) jvm.awaitAttribute(
                    port, "RefusedPerSecond", v -> (Double) v > 1.5 && (Double) v < 2.5, Duration.ofSeconds(30));
            assertTrue(rate > 1.5, "rate " + rate);
            assertArrayEquals(new String[] {"lo"}, (String[]) jvm.attribute(port, "Interfaces", Duration.ofSeconds(5)));
            String diagnosis = (String) jvm.attribute(port, "Diagnosis", Duration.ofSeconds(5));
            assertTrue(
                    diagnosis.contains("refused/s over the last 5 s on 127.0.0.1:7211 (lo); nothing listens there"),
                    diagnosis);
            // The start-up line, and the alert the demo raises (2 failures/s is above alert.warn) naming the port.
            for (String line : jvm.stderr().split("\n")) {
                assertTrue(
                        line.isEmpty()
                                || line.startsWith("[rstwatch] INFO ")
                                || line.startsWith("[rstwatch] WARN failed-connection alert OK -> WARN")
                                        && line.contains(
                                                "refused connections to 127.0.0.1:7211 on lo, where nothing listens"),
                        "unexpected stderr: " + line);
            }
        }
    }
}
