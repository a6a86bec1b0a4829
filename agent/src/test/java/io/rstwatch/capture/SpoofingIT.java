package io.rstwatch.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.rstwatch.testapps.Idle;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.Shell;
import io.rstwatch.testing.TestHost;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.management.ObjectName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Security rows "a network peer forges this host's refusals": a host of the test's own (a network namespace)
 * sends the brief's seed packet, a RST+ACK with seq 0, with a forged source: a loopback address, then this host's
 * own address on the link. Neither may leave a trace on any Port MBean; both raise Capture SpoofedTotal. A real
 * refusal drawn by the same host is counted as before.
 */
class SpoofingIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CAPTURE = "rstwatch:type=Capture";
    private static final int FORGED_PORT = 5432;
    private static final int FORGED = 5;

    @BeforeAll
    static void needs() {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
        Requirements.require(Shell.available("hping3"), "hping3 (bin/test installs it)");
    }

    /** hping3, on this host, sending FORGED copies of "source:5432 > target:41838 [R.] seq 0", one a millisecond. */
    private static void forge(String source, String target) {
        Shell.run(
                "sh",
                "-c",
                "hping3 -q -R -A -M 0 -L 1 -a " + source + " -s " + FORGED_PORT + " -k -p 41838 -c " + FORGED
                        + " -i u1000 " + target + " >/dev/null 2>&1 || true");
    }

    /**
     * The JVM runs on a host of the test's own (a network namespace, whose Port table no other process's refusals
     * reach); the forged packets come from this host, across the veth, as from any peer on the network.
     */
    @ParameterizedTest
    @MethodSource("io.rstwatch.capture.CaptureIT#methods")
    void forgedRefusalsFromTheNetworkLeaveNoPortTraceAndCountAsSpoofed(String method) throws Exception {
        // The kernel drops what these forge (a loopback or its own address from outside) before any socket: the
        // in-kernel source never sees them, so nothing counts them as spoofed either (docs/capture.md).
        long spoofed = method.equals("packet") ? FORGED : 0;
        try (TestHost box = TestHost.create();
                AgentJvm jvm = AgentJvm.builder()
                        .isolatedIn(box, 9010)
                        .agentOptions("capture.method=" + method)
                        .main(Idle.class)
                        .start()) {
            jvm.awaitAttribute(CAPTURE, "Active", Boolean.TRUE::equals, WAIT);
            assertEquals(0L, jvm.attribute(CAPTURE, "SpoofedTotal", WAIT));

            // A real refusal first: a peer connects to a port of the JVM's host where nothing listens.
            int closed = 7;
            Shell.run("sh", "-c", "hping3 -q -S -p " + closed + " -c 1 " + box.address() + " >/dev/null 2>&1 || true");
            String real = "rstwatch:type=Port,scope=local,port=" + closed;
            jvm.awaitAttribute(real, "RefusedTotal", v -> (Long) v >= 1, WAIT);

            forge("127.0.0.1", box.address());
            jvm.awaitAttribute(CAPTURE, "SpoofedTotal", v -> (Long) v >= spoofed, WAIT);
            forge(box.address(), box.address());
            jvm.awaitAttribute(CAPTURE, "SpoofedTotal", v -> (Long) v >= 2 * spoofed, WAIT);

            jvm.awaitCaptureCaughtUp(WAIT);

            assertEquals(2L * spoofed, jvm.attribute(CAPTURE, "SpoofedTotal", WAIT), "counted once each");
            Set<ObjectName> ports = jvm.jmx().queryNames(new ObjectName("rstwatch:type=Port,*"), null);
            long refused = 0;
            for (ObjectName name : ports) {
                assertFalse(name.toString().contains("port=" + FORGED_PORT), "a forged port has an MBean: " + name);
                refused += (Long) jvm.attribute(name.toString(), "RefusedTotal", WAIT);
                assertEquals(0L, jvm.attribute(name.toString(), "ResetsTotal", WAIT), name.toString());
            }
            assertEquals(2, refused, "only the real refusal and the catch-up marker are counted: " + ports);
            String alert = (String) jvm.attribute("rstwatch:type=Tcp", "AlertMessage", WAIT);
            assertFalse(alert.contains(String.valueOf(FORGED_PORT)), "the alert names the forged port: " + alert);
        }
    }

    /**
     * Security row "forwarded traffic passes for this host's": two hosts of the test's own on a bridge of this
     * host (a container host's docker0), one refusing the other. The bridge carries the RSTs past this host,
     * which counts them as forwarded and makes no Port entry of them.
     */
    @Test
    void resetsThisHostOnlyBridgesAreForwardedNotReceived() throws Exception {
        Requirements.require(Shell.available("ip"), "iproute2 (ip netns)");
        try (Bridged net = Bridged.create();
                AgentJvm jvm = AgentJvm.builder()
                        .agentOptions("capture.method=packet") // the in-kernel source sees no forwarded packet
                        .main(Idle.class)
                        .start()) {
            jvm.awaitAttribute(CAPTURE, "Active", Boolean.TRUE::equals, WAIT);
            int closed = 7;
            int sent = 3;
            net.runOnA("hping3 -q -S -p " + closed + " -c " + sent + " -i u10000 " + net.addressOfB()
                    + " >/dev/null 2>&1 || true");
            jvm.awaitAttribute(CAPTURE, "ForwardedTotal", v -> (Long) v >= sent, WAIT);
            jvm.awaitCaptureCaughtUp(WAIT);
            assertFalse(
                    jvm.jmx().isRegistered(new ObjectName("rstwatch:type=Port,scope=remote,port=" + closed)),
                    "a bridged refusal made a remote Port entry");
            assertFalse(jvm.jmx().isRegistered(new ObjectName("rstwatch:type=Port,scope=local,port=" + closed)));
            assertEquals(0L, jvm.attribute(CAPTURE, "SpoofedTotal", WAIT));
        }
    }

    /** A bridge with no address of its own, and two network namespaces on it. */
    private static final class Bridged implements AutoCloseable {
        private final String tag = ProcessHandle.current().pid() % 10000 + ""
                + ThreadLocalRandom.current().nextInt(10, 99);
        private final int subnet = ThreadLocalRandom.current().nextInt(1, 250);

        static Bridged create() {
            Bridged b = new Bridged();
            try {
                b.build();
            } catch (RuntimeException e) {
                b.close();
                throw e;
            }
            return b;
        }

        private void build() {
            Shell.run("ip", "link", "add", "rwbr" + tag, "type", "bridge");
            Shell.run("ip", "link", "set", "rwbr" + tag, "up");
            for (String side : new String[] {"a", "b"}) {
                String ns = "rwn" + side + tag;
                String outer = "rwv" + side + tag;
                Shell.run("ip", "netns", "add", ns);
                Shell.run("ip", "link", "add", outer, "type", "veth", "peer", "name", "eth0", "netns", ns);
                Shell.run("ip", "link", "set", outer, "master", "rwbr" + tag);
                Shell.run("ip", "link", "set", outer, "up");
                Shell.run("ip", "netns", "exec", ns, "ip", "addr", "add", address(side) + "/24", "dev", "eth0");
                Shell.run("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
            }
        }

        private String address(String side) {
            return "10.233." + subnet + (side.equals("a") ? ".2" : ".3");
        }

        String addressOfB() {
            return address("b");
        }

        void runOnA(String command) {
            Shell.run("ip", "netns", "exec", "rwna" + tag, "sh", "-c", command);
        }

        @Override
        public void close() {
            for (String side : new String[] {"a", "b"}) {
                Shell.quietly("ip", "link", "del", "rwv" + side + tag);
                Shell.quietly("ip", "netns", "del", "rwn" + side + tag);
            }
            Shell.quietly("ip", "link", "del", "rwbr" + tag);
        }
    }
}
