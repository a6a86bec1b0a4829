package io.rstwatch.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testing.Await;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The netlink reader against this host's kernel: the same listeners as /proc/net/tcp says, socket by socket, and
 * the backlog /proc does not show.
 */
class SockDiagTest {
    /** "port inode" of every listener, to the listener, as one reader sees them. */
    private static Map<String, Listener> listeners(boolean netlink) throws Exception {
        Map<String, Listener> out = new TreeMap<>();
        ProcNetTcpReader.Sink sink = l -> out.put(l.port() + " " + l.inode, l);
        if (netlink) {
            assertTrue(new SockDiag().read(sink, false), "netlink answered");
        } else {
            ProcNetTcpReader reader = new ProcNetTcpReader();
            reader.read(Paths.get("/proc/net/tcp"), sink);
            reader.read(Paths.get("/proc/net/tcp6"), sink);
        }
        return out;
    }

    @Test
    void theSameListenersAsProcNetTcpWithTheirBacklogs() throws Exception {
        try (ServerSocket v4 = new ServerSocket(0, 7, InetAddress.getLoopbackAddress());
                ServerSocket v6 = new ServerSocket(0, 9, InetAddress.getByName("::1"))) {
            // Other processes may open or close listeners between the two reads: read both again until they agree.
            List<Map<String, Listener>> read = new ArrayList<>(List.of(Map.of(), Map.of()));
            Await.until("both readers seeing the same listeners", Duration.ofSeconds(10), () -> {
                read.set(0, listeners(false));
                read.set(1, listeners(true));
                return read.get(0).keySet().equals(read.get(1).keySet());
            });
            Map<String, Listener> proc = read.get(0);
            Map<String, Listener> kernel = read.get(1);
            for (Map.Entry<String, Listener> e : proc.entrySet()) {
                Listener p = e.getValue();
                Listener k = kernel.get(e.getKey());
                assertEquals(p.address(), k.address(), e.getKey());
                assertEquals(p.uid(), k.uid(), e.getKey());
                assertEquals(0, p.backlog, "/proc does not show it");
            }
            Listener four = kernel.values().stream()
                    .filter(l -> l.port() == v4.getLocalPort())
                    .findFirst()
                    .orElseThrow();
            assertEquals("127.0.0.1", four.address());
            assertEquals(7, four.backlog);
            Listener six = kernel.values().stream()
                    .filter(l -> l.port() == v6.getLocalPort())
                    .findFirst()
                    .orElseThrow();
            assertEquals("::1", six.address());
            assertEquals(9, six.backlog);
        }
    }

    /**
     * A connect the kernel drops (a listener's accept queue full, on loopback) waits in SYN_SENT: listed when
     * connects are asked for, not when only listeners are.
     */
    @Test
    void aWaitingConnectIsListedOnlyWhenConnectsAreAskedFor() throws Exception {
        List<SocketChannel> clients = new ArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort());
            List<Connecting> asked = new ArrayList<>();
            Await.until("a connect waiting for an answer", Duration.ofSeconds(10), () -> {
                SocketChannel c = SocketChannel.open();
                clients.add(c);
                c.configureBlocking(false);
                c.connect(to); // never accepted: once the queue is full, the kernel drops the SYN
                asked.clear();
                assertTrue(new SockDiag().read(connectsTo(full.getLocalPort(), asked), true));
                return !asked.isEmpty();
            });
            assertEquals(
                    "127.0.0.1",
                    io.rstwatch.decode.Addresses.format(
                            asked.get(0).remoteHi(), asked.get(0).remoteLo()));
            List<Connecting> notAsked = new ArrayList<>();
            assertTrue(new SockDiag().read(connectsTo(full.getLocalPort(), notAsked), false));
            assertEquals(List.of(), notAsked);
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
        }
    }

    /** A sink that keeps the connects to {@code port}. */
    private static ProcNetTcpReader.Sink connectsTo(int port, List<Connecting> into) {
        return new ProcNetTcpReader.Sink() {
            @Override
            public void listener(Listener l) {}

            @Override
            public void connecting(Connecting c) {
                if (c.remotePort() == port) {
                    into.add(c);
                }
            }
        };
    }
}
