package io.rstwatch.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.Idle;
import io.rstwatch.testing.AgentCommand;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.BpfPrograms;
import io.rstwatch.testing.Jdks;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.Test;

/**
 * The seed's other half: another process on this host keeps connecting to a local port where nothing listens,
 * twice a second, and the agent names it, by pid, command line, user and container, on the Port's Clients, in its
 * Diagnosis and in {@code report}; the eBPF programs it loads for that go with the JVM.
 */
class ConnectingClientsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Connects to 127.0.0.1:PORT twice a second until killed, as a poller whose service died would. */
    private static final String POLLER = "import socket, sys, time\n"
            + "port = int(sys.argv[1])\n"
            + "while True:\n"
            + "    s = socket.socket()\n"
            + "    try: s.connect(('127.0.0.1', port))\n"
            + "    except ConnectionRefusedError: pass\n"
            + "    s.close()\n"
            + "    time.sleep(0.5)\n";

    @Test
    void anotherProcessThatKeepsConnectingIsNamedAndTheHooksGoWithTheJvm() throws Exception {
        Requirements.require(Requirements.isRoot(), "root (or CAP_BPF and CAP_PERFMON) to load eBPF programs");
        int port = Loopback.closedPort();
        String mbean = "rstwatch:type=Port,scope=local,port=" + port;
        Path dir = Files.createTempDirectory("rstwatch-poller");
        Path script = Files.writeString(dir.resolve("poller.py"), POLLER);
        List<Integer> programs;
        Process poller = null;
        try (AgentJvm jvm = AgentJvm.builder()
                .agentOptions("rate.window=5,capture.method=packet") // its programs alone
                .main(Idle.class)
                .start()) {
            jvm.awaitStdout("ready", 1, WAIT);
            jvm.awaitAttribute(
                    "rstwatch:type=Agent",
                    "Status",
                    v -> ((String) v).contains("naming the processes whose connects fail"),
                    WAIT);
            programs = BpfPrograms.heldBy(jvm.pid());
            assertEquals(1, programs.size(), "the hook on state changes: " + programs);

            poller = new ProcessBuilder("python3", script.toString(), Integer.toString(port), "--password=hunter2")
                    .redirectErrorStream(true)
                    .start();
            long pid = poller.pid();
            String user = System.getProperty("user.name");
            Object rows = jvm.awaitAttribute(
                    mbean,
                    "Clients",
                    v -> Arrays.stream((CompositeData[]) v)
                            .anyMatch(c -> (Integer) c.get("pid") == pid && (Long) c.get("count") >= 6),
                    WAIT);
            CompositeData row = Arrays.stream((CompositeData[]) rows)
                    .filter(c -> (Integer) c.get("pid") == pid)
                    .findFirst()
                    .orElseThrow();
            assertTrue(
                    ((String) row.get("command"))
                            .matches("(\\S*/)?python3 " + Pattern.quote(script + " " + port + " --password=***")),
                    "its command line, its secret redacted: " + row);
            assertEquals(user, row.get("user"));
            assertTrue(((String) row.get("lastSeen")).endsWith("Z"), row.toString());
            assertTrue(
                    row.get("container").equals(container(pid)),
                    "its control group as /proc says: " + row + " vs " + container(pid));

            // About two a second: the rate over rate.window=5 s, once the window is full.
            Pattern named = Pattern.compile(
                    "connecting: pid " + pid + " `(\\S*/)?python3 " + Pattern.quote(script.toString()) + " " + port
                            + " --password=\\*\\*\\*` \\(user " + user + "\\), (1\\.[6-9]\\d|2\\.[0-4]\\d)/s");
            jvm.awaitAttribute(
                    mbean, "Diagnosis", v -> named.matcher((String) v).find(), WAIT);
            assertTrue((Long) jvm.attribute(mbean, "RefusedTotal", WAIT) > 0, "and capture counted the refusals");

            String[] report = AgentCommand.run(Jdks.current(), "report", Long.toString(jvm.pid()));
            assertEquals("0", report[0], report[2]);
            assertTrue(
                    Pattern.compile("\n      connecting: pid " + pid + " `(\\S*/)?python3 "
                                    + Pattern.quote(script.toString()) + " " + port + " --password=\\*\\*\\*` \\(user "
                                    + user + "(, [^)]+)?\\): \\d+ failed, last at ")
                            .matcher(report[1])
                            .find(),
                    report[1]);
        } finally {
            if (poller != null) {
                poller.destroyForcibly().waitFor();
            }
            Files.deleteIfExists(script);
            Files.deleteIfExists(dir);
        }
        BpfPrograms.awaitUnloaded(programs, WAIT);
    }

    @Test
    void clientsOffLoadsNothing() throws Exception {
        Requirements.require(Requirements.isRoot(), "root, so that only the option stops the programs");
        try (AgentJvm jvm = AgentJvm.builder()
                .agentOptions("clients=off,capture.method=packet")
                .main(Idle.class)
                .start()) {
            jvm.awaitStdout("ready", 1, WAIT);
            jvm.awaitAttribute(
                    "rstwatch:type=Agent",
                    "Status",
                    v -> ((String) v).contains("not naming the processes whose connects fail (clients=off)"),
                    WAIT);
            assertEquals(List.of(), BpfPrograms.heldBy(jvm.pid()));
        }
    }

    private static String container(long pid) throws IOException {
        return ConnectingClients.containerOf(Files.readString(Path.of("/proc", Long.toString(pid), "cgroup")));
    }
}
