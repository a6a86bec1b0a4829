package io.rstwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.HostileTarget;
import io.rstwatch.testing.AgentCommand;
import io.rstwatch.testing.AgentJvm;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Security rows "the JVM that report attaches to": a target that offers a JNDI address or a stub pointing away
 * from loopback is refused before anything is fetched or deserialised, and what an honest connection prints has
 * no terminal escape sequences, whatever the target's strings hold.
 */
class ReportSafetyIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path JDK = Path.of(System.getProperty("java.home"));
    private static final String EXPORT = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED";

    private static AgentJvm target(String... args) throws Exception {
        AgentJvm jvm = AgentJvm.builder()
                .withoutAgent()
                // the address in an RMI stub: only the remote-stub target exports one of its own
                .jvmArgs(
                        EXPORT,
                        "-Djava.rmi.server.hostname=" + (args[0].equals("remote-stub") ? "192.0.2.1" : "127.0.0.1"))
                .main(HostileTarget.class, args)
                .start();
        jvm.awaitStdout("ready", 1, WAIT);
        return jvm;
    }

    @Test
    void aJndiAddressIsRefusedAndNeverFollowed() throws Exception {
        try (ServerSocket ldap = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String jndi = "service:jmx:rmi:///jndi/ldap://127.0.0.1:" + ldap.getLocalPort() + "/cn=evil";
            try (AgentJvm jvm = target("offer", jndi)) {
                String[] r = AgentCommand.run(JDK, "report", Long.toString(jvm.pid()));
                assertEquals("1", r[0], r[1] + r[2]);
                assertTrue(r[2].contains("the JVM offered the JMX address " + jndi), r[2]);
                assertTrue(r[2].contains("not the local connector's own form"), r[2]);
                ldap.setSoTimeout(500);
                try {
                    ldap.accept().close();
                    throw new AssertionError("report connected to the LDAP address");
                } catch (SocketTimeoutException expected) {
                    // never followed
                }
            }
        }
    }

    @Test
    void aRemoteAddressOrAStubPointingAwayFromLoopbackIsRefused() throws Exception {
        try (AgentJvm jvm = target("offer", "service:jmx:rmi://192.0.2.1/stub/rO0ABQ==")) {
            String[] r = AgentCommand.run(JDK, "report", Long.toString(jvm.pid()));
            assertEquals("1", r[0], r[2]);
            assertTrue(r[2].contains("not the local connector's own form"), r[2]);
        }
        try (AgentJvm jvm = target("remote-stub")) {
            String[] r = AgentCommand.run(JDK, "report", Long.toString(jvm.pid()));
            assertEquals("1", r[0], r[2]);
            assertTrue(r[2].contains("its stub points away from this host's loopback"), r[2]);
        }
    }

    @Test
    void whatATargetSaysIsPrintedWithoutControlCharacters() throws Exception {
        try (AgentJvm jvm = target("escapes")) {
            String[] r = AgentCommand.run(JDK, "report", Long.toString(jvm.pid()));
            assertEquals("0", r[0], r[2]);
            String first = r[1].lines().findFirst().orElse("");
            assertEquals("JVM " + jvm.pid() + ": running?]0;pwned??[2J??FAKE LINE ?evil", first);
            assertFalse(r[1].chars().anyMatch(c -> c < 0x20 && c != '\n'), r[1]);
            assertTrue(r[1].contains("\"?[2J?]0;pwned?7211\""), "the forged port key, cleaned: " + r[1]);
        }
    }

    /** What an honest connection reads passes report's serialization filter: the URLDNS probe does not. */
    @Test
    void aResponseOfAClassOutsideTheFilterIsNeverDeserialised() throws Exception {
        try (AgentJvm jvm = target("gadget")) {
            String[] r = AgentCommand.run(JDK, "report", Long.toString(jvm.pid()));
            assertEquals("1", r[0], r[1] + r[2]);
            assertTrue(r[2].contains("filter status: REJECTED"), r[2]);
        }
    }
}
