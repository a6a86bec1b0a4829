package io.rstwatch.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rstwatch.testing.Await;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.TestHost;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Refused connects counted in the kernel by port and errno, with the socket's fields read at the offsets this
 * kernel's BTF gives, for this network namespace only: the port's count is exact (no other process here connects
 * to this test's closed port), and the same port refused in a namespace of the test's own counts nothing.
 */
class ConnectErrorsIT {
    private static final int ECONNREFUSED = 111;

    @Test
    void eachRefusedConnectIsCountedOnItsPortWithItsErrno() throws Exception {
        Requirements.require(Requirements.isRoot(), "root (or CAP_BPF and CAP_PERFMON) to load eBPF programs");
        int closed = Loopback.closedPort();
        int other = Loopback.closedPort();
        int id;
        try (TestHost elsewhere = TestHost.create();
                ConnectErrors errors = ConnectErrors.attach(Btf.ofKernel(), ConnectErrors.namespaceOfThisProcess())) {
            id = errors.programId();
            for (int i = 0; i < 40; i++) {
                refuse(closed);
            }
            refuse(other);
            // The same port refused in another network namespace: that host's, not this one's.
            elsewhere.refuse(closed, 25);
            assertEquals(40, errors.count(closed, ECONNREFUSED), "port " + closed);
            assertEquals(1, errors.count(other, ECONNREFUSED), "port " + other);
            assertEquals(0, errors.count(closed, 110), "no timeouts");
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
