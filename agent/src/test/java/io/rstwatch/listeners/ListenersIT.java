package io.rstwatch.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.Idle;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Await;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.Shell;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A listener in another process is seen with its pid and command, then named as LastListener of its port. */
class ListenersIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aListenerThatDiedIsNamedOnTheRefusedPort() throws Exception {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
        Requirements.require(Shell.available("python3"), "python3, to run a listener in another process");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process listener = new ProcessBuilder(
                        "python3",
                        "-c",
                        "import socket, sys, time\n"
                                + "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                                + "s.bind(('127.0.0.1', " + port
                                + ")); s.listen(8); print('up', flush=True); time.sleep(600)\n",
                        "collector-component")
                .redirectErrorStream(true)
                .start();
        try (AgentJvm jvm = AgentJvm.builder().main(Idle.class).start()) {
            assertEquals(
                    "up",
                    new BufferedReader(new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8))
                            .readLine());
            CompositeData row = awaitRow(jvm, port);
            assertEquals((int) listener.pid(), row.get("pid"));
            assertTrue(
                    ((String) row.get("command")).contains("python3 -c import socket, sys, time s = socket.socket()"),
                    (String) row.get("command"));
            assertEquals("127.0.0.1", row.get("address"));

            listener.destroy();
            listener.waitFor(10, TimeUnit.SECONDS);
            String goneRow = port + " on 127.0.0.1: pid " + listener.pid();
            jvm.awaitAttribute(
                    "rstwatch:type=Listeners",
                    "Gone",
                    v -> Arrays.stream((String[]) v).anyMatch(g -> g.startsWith(goneRow)),
                    WAIT);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                throw new AssertionError("still listening");
            } catch (ConnectException refused) {
                // as intended
            }
            String name = "rstwatch:type=Port,scope=local,port=" + port;
            String last = (String) jvm.awaitAttribute(
                    name, "LastListener", v -> ((String) v).startsWith("pid " + listener.pid()), WAIT);
            assertTrue(last.contains("python3 -c import socket") && last.contains(", gone since "), last);
            assertEquals(Boolean.FALSE, jvm.attribute(name, "Listening", WAIT));
            String diagnosis = (String) jvm.awaitAttribute(
                    name, "Diagnosis", v -> ((String) v).contains("nothing listens there since"), WAIT);
            assertTrue(diagnosis.contains("; it was pid " + listener.pid() + " `"), diagnosis);
            assertTrue(diagnosis.contains("python3 -c import socket"), diagnosis);
            String[] gone = (String[]) jvm.attribute("rstwatch:type=Listeners", "Gone", WAIT);
            assertTrue(
                    gone.length > 0 && gone[0].startsWith(port + " on 127.0.0.1: pid " + listener.pid()),
                    String.join(" | ", gone));
        } finally {
            listener.destroyForcibly();
        }
    }

    /**
     * Security row "other local users' secrets": a listener started with a password, a token and credentials in a
     * URL shows in Listeners with those values redacted by default, with its executable's name only under
     * listeners.cmdline=off, and whole under full.
     */
    @Test
    void aListenersSecretsAreRedactedInTheListenersTable(@TempDir Path dir) throws Exception {
        Requirements.require(Shell.available("python3"), "python3, to run a listener in another process");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // A script file, so that the secrets come early in a command line shown up to 200 characters.
        Path script = Files.writeString(
                dir.resolve("listen.py"),
                "import socket, sys, time\n"
                        + "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                        + "s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(8); print('up', flush=True); time.sleep(600)\n");
        Process listener = new ProcessBuilder(
                        "python3",
                        script.toString(),
                        String.valueOf(port),
                        "--password=hunter2",
                        "--api-token",
                        "tok-123",
                        "--db=postgres://app:s3cret@db:5432/main")
                .redirectErrorStream(true)
                .start();
        try {
            assertEquals(
                    "up",
                    new BufferedReader(new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8))
                            .readLine());
            try (AgentJvm jvm = AgentJvm.builder().main(Idle.class).start()) {
                String command = (String) awaitRow(jvm, port).get("command");
                assertTrue(
                        command.endsWith(" --password=*** --api-token *** --db=postgres://app:***@db:5432/main"),
                        command);
                assertFalse(command.contains("hunter2") || command.contains("tok-123") || command.contains("s3cret"));
                assertEquals(
                        System.getProperty("user.name"), awaitRow(jvm, port).get("user"));
            }
            try (AgentJvm jvm = AgentJvm.builder()
                    .agentOptions("listeners.cmdline=off")
                    .main(Idle.class)
                    .start()) {
                assertTrue(((String) awaitRow(jvm, port).get("command")).matches("python3[.0-9]*"));
            }
            try (AgentJvm jvm = AgentJvm.builder()
                    .agentOptions("listeners.cmdline=full")
                    .main(Idle.class)
                    .start()) {
                assertTrue(((String) awaitRow(jvm, port).get("command")).contains("--password=hunter2"));
            }
        } finally {
            listener.destroyForcibly();
        }
    }

    private static CompositeData awaitRow(AgentJvm jvm, int port) throws Exception {
        CompositeData[] found = new CompositeData[1];
        Await.until("a listener row for port " + port + " with an owner", WAIT, () -> {
            for (CompositeData row : (CompositeData[]) jvm.attribute("rstwatch:type=Listeners", "Listeners", WAIT)) {
                if (Integer.valueOf(port).equals(row.get("port")) && (Integer) row.get("pid") > 0) {
                    found[0] = row;
                }
            }
            return found[0] != null;
        });
        return found[0];
    }
}
