package io.rstwatch.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rstwatch.decode.Addresses;
import io.rstwatch.testing.Await;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.TestHost;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Refused connects counted in the kernel by port and errno, with the socket's fields read at the offsets this
 * kernel's BTF gives, for this network namespace only: the port's count is exact (no other process here connects
 * to this test's closed port), each connecting process is named by its pid, and the same port refused in a
 * namespace of the test's own counts nothing. The same counts whether the Clients' own program counts them or the
 * in-kernel capture's state program does (the agent at its defaults).
 */
class ConnectErrorsIT {
    private static final int ECONNREFUSED = 111;

    @ParameterizedTest(name = "counted by the capture''s program: {0}")
    @ValueSource(booleans = {false, true})
    void eachRefusedConnectIsCountedOnItsPortWithItsErrno(boolean byCapture) throws Exception {
        Requirements.require(Requirements.isRoot(), "root (or CAP_BPF and CAP_PERFMON) to load eBPF programs");
        int closed = Loopback.closedPort();
        int other = Loopback.closedPort();
        int id;
        long netns = ConnectErrors.namespaceOfThisProcess();
        try (TestHost elsewhere = TestHost.create();
                AutoCloseable owner =
                        byCapture ? KernelEvents.attach(netns, 1 << 20, true) : ConnectErrors.attach(netns)) {
            ConnectErrors errors = byCapture ? ((KernelEvents) owner).clients() : (ConnectErrors) owner;
            id = byCapture ? ((KernelEvents) owner).programIds()[0] : errors.programId();
            for (int i = 0; i < 40; i++) {
                refuse(closed);
            }
            refuse(other);
            // The same port refused in another network namespace: that host's, not this one's.
            elsewhere.refuse(closed, 25);
            assertEquals(40, errors.count(closed, ECONNREFUSED), "port " + closed);
            assertEquals(1, errors.count(other, ECONNREFUSED), "port " + other);
            assertEquals(0, errors.count(closed, 110), "no timeouts");
            int self = (int) ProcessHandle.current().pid();
            assertEquals(Map.of(self, 40L), errors.byProcess(closed, ECONNREFUSED), "this JVM connected");

            // Another process on this host, in this namespace, keeps connecting there too: named by its pid.
            Process poller = new ProcessBuilder(
                            "python3",
                            "-c",
                            "import socket\n"
                                    + "for i in range(7):\n"
                                    + "    s = socket.socket()\n"
                                    + "    try: s.connect(('127.0.0.1', " + closed + "))\n"
                                    + "    except ConnectionRefusedError: pass\n"
                                    + "    s.close()\n")
                    .inheritIO()
                    .start();
            assertEquals(0, poller.waitFor());
            assertEquals(
                    Map.of(self, 40L, (int) poller.pid(), 7L),
                    errors.byProcess(closed, ECONNREFUSED),
                    "each process with its own count");
            ConnectErrors.Task python = errors.task((int) poller.pid());
            assertEquals("python3", python.comm(), "the kernel kept its name, for after it exited");
            assertEquals(0, python.uid(), "and its user");
            for (ConnectErrors.Count c : errors.counts()) {
                if (c.port() == closed) {
                    assertEquals("127.0.0.1", Addresses.format(c.hi(), c.lo()), c.toString());
                }
            }

            // A connect that succeeds is forgotten when it is established: a later error is no connect's.
            int serverPort;
            try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                serverPort = server.getLocalPort();
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), serverPort)) {
                    try (Socket accepted = server.accept()) {
                        accepted.setSoLinger(true, 0); // closing it sends a reset: the client gets ECONNRESET
                    }
                    client.getInputStream().read(new byte[1]);
                } catch (SocketException reset) {
                    // as expected
                }
            }
            assertEquals(Map.of(), errors.byProcess(serverPort, 104), "ECONNRESET: a connection's, not a connect's");
        }
        Await.until("the program unloaded", Duration.ofSeconds(10), () -> !Bpf.programLoaded(id));
    }

    private static void refuse(int port) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        } catch (ConnectException refused) {
            // counted by the kernel, as the socket is told
        }
    }
}
