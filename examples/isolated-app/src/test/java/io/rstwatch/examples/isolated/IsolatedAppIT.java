package io.rstwatch.examples.isolated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Jdks;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** An application with its own versions of the agent's libraries runs the same with and without the agent. */
class IsolatedAppIT {
    static Stream<Path> jdks() {
        return Jdks.all().stream();
    }

    private static String run(Path jdk, boolean withAgent) throws Exception {
        AgentJvm.Builder b = AgentJvm.builder().javaHome(jdk).jar(Paths.get(System.getProperty("example.jar")));
        if (!withAgent) {
            b.withoutAgent();
        }
        try (AgentJvm jvm = b.start()) {
            if (withAgent) {
                // The agent is fully up (its own slf4j, and its JNA once capture exists) while the app runs.
                jvm.attribute("rstwatch:type=Agent", "Status", Duration.ofSeconds(60));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!jvm.stdout().contains("ready\n") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            jvm.closeStdin();
            assertEquals(0, jvm.waitFor(Duration.ofSeconds(30)), jvm.stderr());
            // The application's own stderr (its slf4j-simple line; on JDK 24+ its own JNA's native-access
            // warning) stays; the agent may add only its one INFO line.
            StringBuilder stderr = new StringBuilder();
            for (String line : jvm.stderr().split("\n", -1)) {
                if (line.startsWith("[rstwatch] ")) {
                    assertTrue(line.startsWith("[rstwatch] INFO rstwatch "), line);
                } else {
                    stderr.append(line).append('\n');
                }
            }
            assertTrue(
                    stderr.toString()
                            .contains("[main] INFO io.rstwatch.examples.isolated.IsolatedApp - logging through"),
                    stderr.toString());
            return jvm.stdout() + "--- stderr ---\n" + stderr;
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void applicationKeepsItsOwnLibrariesBesideTheAgent(Path jdk) throws Exception {
        String with = run(jdk, true);
        assertTrue(with.contains("slf4j binding: org.slf4j.impl.SimpleLoggerFactory"), with);
        assertTrue(with.contains("byte-buddy: made by byte-buddy byte-buddy-1.14.18.jar"), with);
        assertTrue(with.contains("jna: 5.14.0 getpid matches true"), with);
        assertEquals(run(jdk, false), with, "output must not change because of the agent");
    }
}
