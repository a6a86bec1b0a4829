package io.rstwatch.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rstwatch.testapps.Idle;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.Shell;
import io.rstwatch.testing.TestHost;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * What docs/capture.md says the in-kernel source does not see, asserted as a difference: two JVMs on a host of
 * the test's own, one per method, watch the same connects made from outside it (this test's namespace, as another
 * host's). One that the host's firewall answers with a reset, and one whose SYNs it drops, count on the packet
 * socket only: neither passes a TCP socket there. So does a connect over the host's loopback that its firewall
 * answers with an ICMP port unreachable: to the client's socket that ECONNREFUSED reads as the host's own reset,
 * which the source counts as it is sent. A refusal of a closed port, made after them, counts on both; once the
 * in-kernel source has it, it has had everything it was going to see of the others.
 */
class MethodDifferencesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int REJECTED = 6101;
    private static final int DROPPED = 6102;
    private static final int CLOSED = 6103;

    private static final int FORGETFUL = 6104;
    private static final int ICMP_REJECTED = 6105;

    private static String local(int port) {
        return "rstwatch:type=Port,scope=local,port=" + port;
    }

    private static String remote(int port) {
        return "rstwatch:type=Port,scope=remote,port=" + port;
    }

    private static AgentJvm watching(TestHost box, int jmxPort, String method) throws IOException {
        return AgentJvm.builder()
                .isolatedIn(box, jmxPort)
                .agentOptions("capture.method=" + method)
                .main(Idle.class)
                .start();
    }

    private static void connect(String host, int port, int timeoutMillis) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
        }
    }

    @Test
    void firewallResetsAndDroppedSynsOfAnotherHostCountOnThePacketSocketOnly() throws Exception {
        Requirements.require(Requirements.isRoot(), "root, for a network namespace and both methods");
        Requirements.require(Shell.available("nft"), "nftables (bin/test installs it)");
        Requirements.require(Shell.available("python3"), "python3 (bin/test installs it)");
        try (TestHost box = TestHost.create();
                AgentJvm packet = watching(box, 9010, "packet");
                AgentJvm ebpf = watching(box, 9011, "ebpf")) {
            box.firewall(
                    "tcp dport " + REJECTED + " reject with tcp reset",
                    "tcp dport " + DROPPED + " drop",
                    "tcp dport " + ICMP_REJECTED + " reject with icmpx type port-unreachable");
            for (AgentJvm jvm : new AgentJvm[] {packet, ebpf}) {
                jvm.awaitAgentStarted(WAIT);
                jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, WAIT);
            }
            assertEquals("ebpf", ebpf.attribute("rstwatch:type=Capture", "Method", WAIT));

            assertThrows(ConnectException.class, () -> connect(box.address(), REJECTED, 5000));
            // Linux sends the SYN again after 1 s: the packet socket's sign of an unanswered attempt.
            assertThrows(SocketTimeoutException.class, () -> connect(box.address(), DROPPED, 1500));
            box.run(
                    "python3",
                    "-c",
                    "import socket\n"
                            + "s = socket.socket()\n"
                            + "try: s.connect(('127.0.0.1', " + ICMP_REJECTED + "))\n"
                            + "except ConnectionRefusedError: pass\n"
                            + "else: raise SystemExit('accepted')\n");
            assertThrows(ConnectException.class, () -> connect(box.address(), CLOSED, 5000));

            for (AgentJvm jvm : new AgentJvm[] {packet, ebpf}) {
                jvm.awaitAttribute(local(CLOSED), "RefusedTotal", v -> (Long) v == 1, WAIT);
            }
            packet.awaitAttribute(local(REJECTED), "RefusedTotal", v -> (Long) v == 1, WAIT);
            packet.awaitAttribute(local(DROPPED), "UnansweredTotal", v -> (Long) v == 1, WAIT);
            packet.awaitAttribute(local(ICMP_REJECTED), "RefusedTotal", v -> (Long) v == 1, WAIT);
            assertFalse(ebpf.jmx().isRegistered(new ObjectName(local(REJECTED))), "a firewall's reset");
            assertFalse(ebpf.jmx().isRegistered(new ObjectName(local(DROPPED))), "another host's dropped SYNs");
            assertFalse(ebpf.jmx().isRegistered(new ObjectName(local(ICMP_REJECTED))), "a firewall's ICMP on loopback");
        }
    }

    /**
     * A reset received on a live connection whose server forgot it: the server (this test, outside the host) closes
     * its end with a reset the host's firewall drops, so the client learns nothing; the client then sends, and the
     * server's kernel, with no socket for it, answers with a reset without ACK. The packet socket reads that by its
     * flags as stale; the in-kernel source knows only that a live socket was reset: an abort.
     */
    @Test
    void aResetReceivedOnALiveConnectionIsStaleByItsFlagsAndAnAbortInTheKernel() throws Exception {
        Requirements.require(Requirements.isRoot(), "root, for a network namespace and both methods");
        Requirements.require(Shell.available("nft"), "nftables (bin/test installs it)");
        Requirements.require(Shell.available("python3"), "python3 (bin/test installs it)");
        try (TestHost box = TestHost.create();
                ServerSocket server = new ServerSocket();
                AgentJvm packet = watching(box, 9010, "packet");
                AgentJvm ebpf = watching(box, 9011, "ebpf")) {
            server.bind(new InetSocketAddress(box.localAddress(), FORGETFUL));
            for (AgentJvm jvm : new AgentJvm[] {packet, ebpf}) {
                jvm.awaitAgentStarted(WAIT);
                jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, WAIT);
            }
            Process client = new ProcessBuilder(box.command(
                            "python3",
                            "-c",
                            "import socket, sys, time\n"
                                    + "s = socket.create_connection(('" + box.localAddress() + "', " + FORGETFUL
                                    + "))\n"
                                    + "print('connected', flush=True)\n"
                                    + "sys.stdin.readline()\n"
                                    + "s.send(b'x')\n"
                                    + "time.sleep(2)\n"))
                    .redirectErrorStream(true)
                    .start();
            try {
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("connected", out.readLine());
                box.firewall("tcp sport " + FORGETFUL + " tcp flags & rst == rst drop");
                try (Socket accepted = server.accept()) {
                    accepted.setSoLinger(true, 0); // closed with a reset, and forgotten at once
                }
                server.close(); // no listener to answer for the port either: the kernel's own reset
                box.dropFirewall();
                client.getOutputStream().write('\n');
                client.getOutputStream().flush();
                packet.awaitAttribute(remote(FORGETFUL), "StaleResetsTotal", v -> (Long) v == 1, WAIT);
                ebpf.awaitAttribute(remote(FORGETFUL), "AbortResetsTotal", v -> (Long) v == 1, WAIT);
                assertEquals(0L, ebpf.attribute(remote(FORGETFUL), "StaleResetsTotal", WAIT), "no flags to read");
            } finally {
                client.destroyForcibly().waitFor();
            }
        }
    }
}
