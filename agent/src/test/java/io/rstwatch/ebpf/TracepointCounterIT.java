package io.rstwatch.ebpf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testing.Await;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The Java-assembled program against the real kernel: the verifier takes it, the raw tracepoint counts the resets
 * this host sends, and nothing stays loaded once it is closed.
 */
class TracepointCounterIT {
    @Test
    void everyRefusedConnectIsCountedInTheKernelAndNothingStaysLoaded() throws Exception {
        Requirements.require(Requirements.isRoot(), "root (or CAP_BPF and CAP_PERFMON) to load eBPF programs");
        int closed = Loopback.closedPort();
        int id;
        try (TracepointCounter resets = TracepointCounter.attach("tcp_send_reset")) {
            id = resets.programId();
            assertTrue(Bpf.programLoaded(id), "loaded while attached");
            long before = resets.total();
            for (int i = 0; i < 50; i++) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", closed), 1000);
                } catch (ConnectException refused) {
                    // each one a reset the kernel sends (tcp_send_reset fires for NO_SOCKET from Linux 6.10)
                }
            }
            // Host-wide: other processes' resets may add to it, never take from it.
            long counted = resets.total() - before;
            assertTrue(counted >= 50, counted + " resets counted for 50 refused connects");
        }
        Await.until(
                "the program unloaded once its descriptors are closed",
                Duration.ofSeconds(10),
                () -> !Bpf.programLoaded(id));
    }

    @Test
    void aTracepointThatDoesNotExistFailsNamingIt() {
        Requirements.require(Requirements.isRoot(), "root (or CAP_BPF and CAP_PERFMON) to load eBPF programs");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(
                IOException.class, () -> TracepointCounter.attach("rstwatch_no_such_tracepoint"));
        assertTrue(e.getMessage().contains("rstwatch_no_such_tracepoint"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
