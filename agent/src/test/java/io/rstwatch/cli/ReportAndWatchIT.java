package io.rstwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.Connector;
import io.rstwatch.testapps.Idle;
import io.rstwatch.testing.AgentCommand;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Jdks;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The agent jar as a tool: {@code report PID} against a running JVM, and {@code watch} standalone. */
class ReportAndWatchIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeAll
    static void needsCapturePrivilege() {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
    }

    static Stream<Path> jdks() {
        return Jdks.all().stream();
    }

    @Test
    void reportPrintsTheAlertPortsCallersAndListeners() throws Exception {
        int port = Loopback.closedPort();
        try (AgentJvm jvm = AgentJvm.builder().main(Connector.class).start()) {
            jvm.awaitStdout("ready", 1, WAIT);
            jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, WAIT);
            jvm.awaitAttribute(
                    "rstwatch:type=Agent",
                    "Status",
                    v -> ((String) v).contains("connect failures in this" + " JVM counted"),
                    WAIT);
            // A port of its own, so that the wait below is for this listener and not the JMX connector's, which
            // the child opened when the test first attached (and whose queue can hold the test's connection).
            int listening = Loopback.closedPort();
            jvm.send("listen 0.0.0.0 " + listening);
            for (int i = 0; i < 3; i++) {
                jvm.send("socket 127.0.0.1 " + port);
            }
            jvm.send("unresolved nowhere.invalid 5432"); // a name never looked up: no reason from a resolver
            jvm.send("socket 127.0.0.1 " + listening); // connected: the kernel accepts into the queue
            jvm.awaitStdout("done", 4, WAIT);
            jvm.awaitAttribute(
                    "rstwatch:type=Endpoint,host=127.0.0.1,port=" + listening,
                    "ConnectedTotal",
                    v -> (Long) v == 1,
                    WAIT);
            jvm.awaitAttribute(
                    "rstwatch:type=Port,scope=local,port=" + port, "JvmFailuresTotal", v -> (Long) v == 3, WAIT);
            jvm.awaitAttribute("rstwatch:type=Port,scope=local,port=" + port, "RefusedTotal", v -> (Long) v == 3, WAIT);
            // The report shows what the MBeans cache: diagnoses refresh every second, listeners every 2 s.
            jvm.awaitAttribute(
                    "rstwatch:type=Port,scope=local,port=" + port,
                    "Diagnosis",
                    v -> ((String) v).contains("refused/s"),
                    WAIT);
            jvm.awaitAttribute(
                    "rstwatch:type=Listeners",
                    "Listeners",
                    v -> java.util.Arrays.stream((javax.management.openmbean.CompositeData[]) v)
                            .anyMatch(l -> (Integer) l.get("pid") == jvm.pid()
                                    && Integer.valueOf(listening).equals(l.get("port"))
                                    && Integer.valueOf(1).equals(l.get("acceptQueue"))), // the connect above waits
                    WAIT);

            String[] r = AgentCommand.run(Jdks.current(), "report", Long.toString(jvm.pid()));
            String out = r[1];
            assertEquals("0", r[0], r[2]);
            assertTrue(out.startsWith("JVM " + jvm.pid() + ": rstwatch "), out);
            assertTrue(out.contains("\nAlert: OK since ") || out.contains("\nAlert: WARN since "), out);
            assertTrue(
                    Pattern.compile(
                                    "\nCapture: (capturing on any \\(LINUX_SLL2\\)|counting in the kernel: [^\n]*); [1-9]"
                                            + "\\d* packets, 0 dropped by the"
                                            + " kernel, 0 malformed, 0 spoofed, 0 forwarded\n")
                            .matcher(out)
                            .find(),
                    out);
            assertTrue(
                    Pattern.compile("\n  local +" + port
                                    + " +127\\.0\\.0\\.1 +lo +\\d+\\.\\d\\d +0\\.00 +0\\.00 +0\\.00 +3 +0 +0 +0 +no\n")
                            .matcher(out)
                            .find(),
                    out);
            assertTrue(out.contains("  local " + port + ": "), out);
            assertTrue(
                    out.contains("      called from: io.rstwatch.testapps.Connector.viaSocket(Connector.java:"), out);
            assertTrue(
                    Pattern.compile("\n  127\\.0\\.0\\.1:" + port + " +3 +0 +0 +0 +0 +0 +io\\.rstwatch\\.testapps"
                                    + "\\.Connector\\.viaSocket\\(")
                            .matcher(out)
                            .find(),
                    out);
            assertTrue(
                    out.contains(
                            "  Why, where a name or a handshake failed last:\n    nowhere.invalid:5432: name other\n"),
                    out);
            assertTrue(
                    Pattern.compile("\nConnects from code in this JVM, timed over rate.window \\(\\d+ endpoints\\):\n"
                                    + " +ENDPOINT +CONNECTED +P50 MS +P99 MS +MAX MS +CERTIFICATE ENDS +DAYS LEFT\n"
                                    + "(.*\n)* +127\\.0\\.0\\.1:" + listening + " +1( +\\d+(\\.\\d\\d)?){3}\n")
                            .matcher(out)
                            .find(),
                    out);
            assertTrue(
                    Pattern.compile("\n +" + listening + " +:: +" + jvm.pid() + " +" + System.getProperty("user.name")
                                    + " +1 +/.*io\\.rstwatch\\.testapps\\.Connector\n")
                            .matcher(out)
                            .find(),
                    "this JVM's listener with its pid: " + out);
        }
    }

    @Test
    void reportOnAJvmWithoutTheAgentSaysHowToAddIt() throws Exception {
        try (AgentJvm jvm = AgentJvm.builder().withoutAgent().main(Idle.class).start()) {
            jvm.awaitStdout("ready", 1, WAIT);
            String[] r = AgentCommand.run(Jdks.current(), "report", Long.toString(jvm.pid()));
            assertEquals("1", r[0]);
            assertEquals(
                    "rstwatch: JVM " + jvm.pid() + " has no rstwatch agent: start it with"
                            + " -javaagent:rstwatch-agent.jar, or load it with: java -jar rstwatch-agent.jar attach "
                            + jvm.pid() + "\n",
                    r[2]);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void watchShowsRefusalsEverySecondWithNothingOnStderr(Path jdk) throws Exception {
        int port = Loopback.closedPort();
        Thread refuser = new Thread(() -> {
            for (int i = 0; i < 12; i++) {
                Loopback.refuse(port, 1);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        refuser.start();
        String[] r = AgentCommand.run(jdk, "watch", "lo", "--for", "5");
        refuser.join();
        assertEquals("0", r[0], r[2]);
        assertEquals("", r[2], "stderr");
        String[] tables = r[1].split("\n\n");
        assertTrue(tables.length >= 5, r[1]);
        for (String t : tables) {
            assertTrue(
                    Pattern.compile(
                                    "^rstwatch watch on lo at \\S+Z\nCapture: capturing on lo \\(EN10MB\\) \\(capture.method=auto:"
                                            + " interfaces=lo names interfaces, which only the packet socket watches"
                                            + " alone\\); \\d+ packets,"
                                            + " 0 dropped by the kernel, 0 malformed, 0 spoofed, 0 forwarded\n")
                            .matcher(t)
                            .find(),
                    t);
        }
        String last = tables[tables.length - 1];
        assertTrue(
                Pattern.compile("\n  local +" + port
                                + " +127\\.0\\.0\\.1 +lo +\\d+\\.\\d\\d +0\\.00 +0\\.00 +0\\.00 +(\\d+) +0 +0 +0 +no")
                        .matcher(last)
                        .find(),
                last);
        assertTrue(
                Pattern.compile("\n  SCOPE +PORT +ADDRESS +ON +REFUSED/S")
                        .matcher(last)
                        .find(),
                last);
    }
}
