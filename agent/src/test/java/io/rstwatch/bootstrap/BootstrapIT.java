package io.rstwatch.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.ClassVisibility;
import io.rstwatch.testapps.HelloWorld;
import io.rstwatch.testapps.Idle;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Jdks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The agent must never change what the application prints, returns or can see. */
class BootstrapIT {
    static Stream<Path> jdks() {
        return Jdks.all().stream();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void quietAgentLeavesOutputAndExitCodeExactlyAsTheyAre(Path jdk) throws Exception {
        try (AgentJvm jvm = AgentJvm.builder()
                .javaHome(jdk)
                .agentOptions("log=warn")
                .main(HelloWorld.class, "3")
                .start()) {
            assertEquals(3, jvm.waitFor(Duration.ofSeconds(60)));
            assertEquals("hello from the application\n", jvm.stdout());
            assertEquals("", jvm.stderr(), "stderr must stay empty at log=warn");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void startsOnADaemonThreadAndSaysWhatIsActiveInOneLine(Path jdk) throws Exception {
        // Alert thresholds out of reach: other tests' refused connects must not add an alert line here.
        try (AgentJvm jvm = AgentJvm.builder()
                .javaHome(jdk)
                .agentOptions("alert.warn=100000,alert.critical=200000")
                .main(Idle.class)
                .start()) {
            String status = (String) jvm.attribute("rstwatch:type=Agent", "Status", Duration.ofSeconds(60));
            assertTrue(status.startsWith("rstwatch "), status);
            jvm.awaitStderr(" is running", Duration.ofSeconds(60)); // the line comes once every part has started
            jvm.closeStdin();
            assertEquals(0, jvm.waitFor(Duration.ofSeconds(30)), "the agent's threads must not keep the JVM alive");
            assertEquals("ready\n", jvm.stdout());
            String[] lines = jvm.stderr().split("\n");
            assertEquals(1, lines.length, "one INFO line at start-up: " + jvm.stderr());
            assertTrue(lines[0].startsWith("[rstwatch] INFO rstwatch "), jvm.stderr());
        }
    }

    /**
     * Fault-matrix row: JDK 17 with a SecurityManager (JDK 24+ refuses the option itself). The application starts
     * and runs as without the agent, and the agent says why it is inactive, in one line.
     */
    @Test
    void underASecurityManagerTheApplicationRunsAndTheAgentSaysWhyInOneLine() throws Exception {
        try (AgentJvm jvm = AgentJvm.builder()
                .jvmArgs("-Djava.security.manager")
                .main(HelloWorld.class, "3")
                .start()) {
            assertEquals(3, jvm.waitFor(Duration.ofSeconds(60)));
            assertEquals("hello from the application\n", jvm.stdout());
            List<String> ours =
                    jvm.stderr().lines().filter(l -> l.startsWith("[rstwatch]")).toList();
            assertEquals(1, ours.size(), jvm.stderr());
            assertTrue(ours.get(0).contains("a SecurityManager is installed"), ours.get(0));
            assertTrue(ours.get(0).contains("remove that option"), ours.get(0));
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void noAgentOrLibraryClassIsVisibleToTheApplication(Path jdk) throws Exception {
        String[] names = {
            "io.rstwatch.runtime.AgentRuntime",
            "net.bytebuddy.ByteBuddy",
            "org.pcap4j.core.Pcaps",
            "com.sun.jna.Native",
            "org.slf4j.LoggerFactory"
        };
        try (AgentJvm jvm = AgentJvm.builder()
                .javaHome(jdk)
                .agentOptions("log=warn")
                .jvmArgs("-Dstay.ms=3000")
                .main(ClassVisibility.class, names)
                .start()) {
            assertEquals(0, jvm.waitFor(Duration.ofSeconds(60)));
            for (String name : names) {
                assertTrue(jvm.stdout().contains(name + " loads=false resource=false"), jvm.stdout());
            }
            assertEquals("", jvm.stderr());
        }
    }
}
