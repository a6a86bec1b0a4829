package io.rstwatch.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.Connector;
import io.rstwatch.testapps.Idle;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.BpfPrograms;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.Shell;
import io.rstwatch.testing.TestHost;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import javax.management.ObjectName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Real capture in a child JVM, real packets from this one, counts read through JMX as a collector would. */
class CaptureIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeAll
    static void needsCapturePrivilege() {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
    }

    private static AgentJvm startCapturing(String options) throws Exception {
        AgentJvm jvm = AgentJvm.builder().agentOptions(options).main(Idle.class).start();
        jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, WAIT);
        return jvm;
    }

    private static String port(String scope, int port) {
        return "rstwatch:type=Port,scope=" + scope + ",port=" + port;
    }

    /** Each method, as capture.method names it: the same traffic, the same counts. */
    static Stream<String> methods() {
        return Stream.of("packet", "ebpf");
    }

    @ParameterizedTest
    @MethodSource("methods")
    void refusedConnectsToLoopbackAreCountedExactlyOnIpv4AndIpv6(String method) throws Exception {
        List<Integer> programs = List.of();
        try (AgentJvm jvm = startCapturing("capture.method=" + method)) {
            assertEquals(method, jvm.attribute("rstwatch:type=Capture", "Method", WAIT));
            int v4 = Loopback.closedPort();
            int v6 = Loopback.closedPort();
            Loopback.refuse("127.0.0.1", v4, 25);
            Loopback.refuse("::1", v6, 17);
            jvm.awaitAttribute(port("local", v4), "RefusedTotal", v -> (Long) v >= 25, WAIT);
            jvm.awaitAttribute(port("local", v6), "RefusedTotal", v -> (Long) v >= 17, WAIT);
            jvm.awaitCaptureCaughtUp(WAIT); // anything counted twice is counted by now
            assertEquals(25L, jvm.attribute(port("local", v4), "RefusedTotal", WAIT));
            assertEquals(17L, jvm.attribute(port("local", v6), "RefusedTotal", WAIT));
            assertEquals(0L, jvm.attribute(port("local", v4), "ResetsTotal", WAIT));
            // Formatted attributes are cached, refreshed once a second: wait for the refresh after the counts.
            awaitCached(jvm, port("local", v4), "Interfaces", new String[] {"lo"});
            awaitCached(jvm, port("local", v6), "Address", "::1");
            awaitCached(jvm, port("local", v4), "TopPeers", new String[] {"127.0.0.1 (25)"});
            String diagnosis = (String)
                    jvm.awaitAttribute(port("local", v4), "Diagnosis", v -> ((String) v).contains("refused/s"), WAIT);
            assertTrue(diagnosis.contains("127.0.0.1:" + v4 + " (lo); nothing listens there"), diagnosis);
            double rate = (Double) jvm.attribute(port("local", v4), "RefusedPerSecond", WAIT);
            assertTrue(rate > 0, "rate " + rate);
            assertEquals(0L, jvm.attribute("rstwatch:type=Capture", "DroppedTotal", WAIT));
            if (method.equals("packet")) {
                assertLoopbacksOutgoingCopyStaysInTheKernel(jvm);
            } else {
                programs = BpfPrograms.heldBy(jvm.pid());
                assertEquals(
                        4, programs.size(), "the source's four, whose state program counts the clients': " + programs);
            }
        }
        BpfPrograms.awaitUnloaded(programs, WAIT); // nothing pinned: they go with the JVM
    }

    /**
     * Each refusal above was counted once from its incoming copy on lo; the outgoing copy never left the kernel:
     * the filter attached to the JVM's packet socket (as {@code ss} shows it) begins by loading the packet type
     * (SKF_AD_OFF + SKF_AD_PKTTYPE = 4294963204), comparing it with PACKET_OUTGOING (4), loading the interface
     * index (SKF_AD_OFF + SKF_AD_IFINDEX = 4294963208) and comparing it with lo's, dropping the packet if both match.
     */
    private static void assertLoopbacksOutgoingCopyStaysInTheKernel(AgentJvm jvm) throws Exception {
        Requirements.require(Shell.available("ss"), "ss (iproute2)");
        int lo = java.net.NetworkInterface.getByName("lo").getIndex();
        List<String> lines = Shell.run("ss", "-0", "-b", "-p").lines().toList();
        String filter = null;
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).contains(",pid=" + jvm.pid() + ",")) {
                filter = lines.get(i + 1).strip();
            }
        }
        assertTrue(
                filter != null
                        && filter.matches(
                                "bpf filter \\(\\d+\\): +0x30 0 0 4294963204, 0x15 0 3 4, 0x20 0 0 4294963208,"
                                        + " 0x15 0 1 " + lo + ", 0x06 0 0 0, .*"),
                "the JVM's packet socket filter: " + filter);
    }

    @ParameterizedTest
    @MethodSource("methods")
    void abortiveClosesCountAsResetsOfTheListeningPortNotAsRefusals(String method) throws Exception {
        try (AgentJvm jvm = startCapturing("capture.method=" + method);
                ServerSocket server = new ServerSocket(Loopback.closedPort())) {
            int port = server.getLocalPort();
            List<Integer> clientPorts = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                try (Socket client = new Socket("127.0.0.1", port);
                        Socket accepted = server.accept()) {
                    clientPorts.add(client.getLocalPort());
                    client.setSoLinger(true, 0); // close() sends RST instead of FIN
                }
            }
            jvm.awaitAttribute(port("local", port), "AbortResetsTotal", v -> (Long) v >= 5, WAIT);
            jvm.awaitCaptureCaughtUp(WAIT);
            assertEquals(5L, jvm.attribute(port("local", port), "ResetsTotal", WAIT));
            assertEquals(5L, jvm.attribute(port("local", port), "AbortResetsTotal", WAIT));
            assertEquals(0L, jvm.attribute(port("local", port), "RefusedTotal", WAIT));
            assertEquals(5L, jvm.attribute(port("local", port), "ResetsSentTotal", WAIT));
            for (int clientPort : clientPorts) {
                assertFalse(
                        jvm.jmx().isRegistered(new ObjectName(port("local", clientPort))),
                        "counted under the client's ephemeral port " + clientPort);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("methods")
    void aRefusalFromAnotherHostCountsAsRemote(String method) throws Exception {
        try (TestHost other = TestHost.create();
                AgentJvm jvm = startCapturing("capture.method=" + method)) {
            int port = 7211;
            Loopback.refuse(other.address(), port, 9);
            jvm.awaitAttribute(port("remote", port), "RefusedTotal", v -> (Long) v >= 9, WAIT);
            jvm.awaitCaptureCaughtUp(WAIT);
            assertEquals(9L, jvm.attribute(port("remote", port), "RefusedTotal", WAIT));
            awaitCached(jvm, port("remote", port), "Address", other.address());
            awaitCached(jvm, port("remote", port), "Interfaces", new String[] {other.interfaceName()});
        }
    }

    @Test
    void withoutCapNetRawCaptureSaysWhyAndTheRestKeepsWorking() throws Exception {
        Requirements.require(Shell.available("setpriv"), "setpriv (util-linux)");
        String none = "-net_raw,-net_admin,-bpf,-perfmon,-sys_admin"; // neither method's grant
        try (AgentJvm jvm = AgentJvm.builder()
                .wrapper("setpriv", "--bounding-set=" + none, "--inh-caps=" + none, "--")
                .main(Idle.class)
                .start()) {
            String status = (String) jvm.awaitAttribute(
                    "rstwatch:type=Capture", "Status", v -> ((String) v).startsWith("not capturing"), WAIT);
            assertTrue(status.contains("CAP_NET_RAW") && status.contains("setcap cap_net_raw"), status);
            assertFalse((Boolean) jvm.attribute("rstwatch:type=Capture", "Active", WAIT));
            String agent = (String) jvm.attribute("rstwatch:type=Agent", "Status", WAIT);
            assertTrue(agent.contains("CAP_NET_RAW"), agent);
            assertStderrIsOneWarningAboutIt(jvm, "CAP_NET_RAW");
        }
    }

    /**
     * The narrowest grant: CAP_NET_RAW as the JVM's only capability (no CAP_NET_ADMIN, no other root power) is
     * enough to capture and count, as docs/capture.md tells operators to grant it.
     */
    @Test
    void capNetRawAloneIsEnoughToCapture() throws Exception {
        Requirements.require(Shell.available("setpriv"), "setpriv (util-linux)");
        Requirements.require(Requirements.isRoot(), "root, to hand the child CAP_NET_RAW alone");
        int closed = Loopback.closedPort();
        try (AgentJvm jvm = AgentJvm.builder()
                .wrapper("setpriv", "--bounding-set=-all,+net_raw", "--inh-caps=-all,+net_raw", "--")
                .main(io.rstwatch.testapps.RefusedLoop.class, Integer.toString(closed))
                .start()) {
            jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, WAIT);
            jvm.awaitAttribute(port("local", closed), "RefusedTotal", v -> (Long) v >= 3, WAIT);
            // Naming other processes needs CAP_BPF and CAP_PERFMON: said in the status, not warned about, as the
            // usual state of a JVM granted capture alone.
            String agent = (String) jvm.attribute("rstwatch:type=Agent", "Status", WAIT);
            assertTrue(
                    agent.contains("not naming the processes whose connects fail: no permission to load eBPF programs:"
                            + " run the JVM as root or grant it CAP_BPF and CAP_PERFMON"),
                    agent);
            jvm.awaitStderr(" is running", WAIT);
            assertFalse(jvm.stderr().contains("WARN"), jvm.stderr());
        }
    }

    /**
     * capture.method=ebpf where the programs may not load (CAP_NET_RAW alone): one WARN says why, and the packet
     * socket counts instead.
     */
    @Test
    void ebpfWithoutItsGrantFallsBackToThePacketSocketWithOneWarning() throws Exception {
        Requirements.require(Shell.available("setpriv"), "setpriv (util-linux)");
        Requirements.require(Requirements.isRoot(), "root, to hand the child CAP_NET_RAW alone");
        int closed = Loopback.closedPort();
        try (AgentJvm jvm = refusing(closed, "capture.method=ebpf", true)) {
            assertCounting(
                    jvm,
                    closed,
                    "packet",
                    "capturing on any (LINUX_SLL2) (capture.method=ebpf, but its programs could not load: ");
            assertStderrIsOneWarningAboutIt(jvm, "capture.method=ebpf");
        }
    }

    /**
     * capture.method=auto, the default: in the kernel where it may load (root here), and where it may not
     * (CAP_NET_RAW alone) the packet socket, with no warning, for the Status says why.
     */
    @Test
    void autoCountsInTheKernelWhereItMayAndCapturesPacketsQuietlyWhereItMayNot() throws Exception {
        Requirements.require(Shell.available("setpriv"), "setpriv (util-linux)");
        Requirements.require(Requirements.isRoot(), "root, to load programs and to hand a child CAP_NET_RAW alone");
        int closed = Loopback.closedPort();
        try (AgentJvm jvm = refusing(closed, "", false)) {
            assertCounting(
                    jvm,
                    closed,
                    "ebpf",
                    "counting in the kernel: eBPF programs on the TCP sockets of this network namespace"
                            + " (capture.method=auto: this kernel and this JVM's grant allow it)");
        }
        try (AgentJvm jvm = refusing(closed, "", true)) {
            assertCounting(
                    jvm,
                    closed,
                    "packet",
                    "capturing on any (LINUX_SLL2) (capture.method=auto: no permission to load eBPF programs: run"
                            + " the JVM as root or grant it CAP_BPF and CAP_PERFMON");
            jvm.awaitStderr(" is running", WAIT);
            assertFalse(jvm.stderr().contains("WARN"), jvm.stderr());
        }
    }

    /** A JVM refusing connects to {@code closed} in a loop; with CAP_NET_RAW as its only capability if asked. */
    private static AgentJvm refusing(int closed, String options, boolean netRawAlone) throws IOException {
        AgentJvm.Builder b = AgentJvm.builder().main(io.rstwatch.testapps.RefusedLoop.class, Integer.toString(closed));
        if (!options.isEmpty()) {
            b.agentOptions(options);
        }
        if (netRawAlone) {
            b.wrapper("setpriv", "--bounding-set=-all,+net_raw", "--inh-caps=-all,+net_raw", "--");
        }
        return b.start();
    }

    /** The method the JVM chose, how its Status begins, and its refusals counted. */
    private static void assertCounting(AgentJvm jvm, int closed, String method, String status) throws Exception {
        jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, WAIT);
        assertEquals(method, jvm.attribute("rstwatch:type=Capture", "Method", WAIT));
        String s = (String) jvm.attribute("rstwatch:type=Capture", "Status", WAIT);
        assertTrue(s.startsWith(status), s);
        jvm.awaitAttribute(port("local", closed), "RefusedTotal", v -> (Long) v >= 3, WAIT);
    }

    @Test
    void withoutLibpcapCaptureSaysHowToInstallIt() throws Exception {
        try (AgentJvm jvm = AgentJvm.builder()
                .agentOptions("capture.method=packet")
                .jvmArgs("-Dorg.pcap4j.core.pcapLibName=/nonexistent/libpcap.so.0.8")
                .main(Idle.class)
                .start()) {
            String status = (String) jvm.awaitAttribute(
                    "rstwatch:type=Capture", "Status", v -> ((String) v).startsWith("not capturing"), WAIT);
            assertTrue(
                    status.contains("libpcap is not installed: install it with `apt-get install libpcap0.8`"), status);
            assertStderrIsOneWarningAboutIt(jvm, "libpcap");
        }
    }

    /**
     * Without JNA's own native part (a musl libc, jna.nounpack, a noexec /tmp) no library loads: the Status must
     * say so, not send the operator to install the libpcap that is there already.
     */
    @Test
    void withoutJnasNativePartCaptureSaysSoAndDoesNotBlameLibpcap() throws Exception {
        try (AgentJvm jvm = AgentJvm.builder()
                .jvmArgs("-Djna.nounpack=true", "-Djna.nosys=true", "-Djna.boot.library.path=/nonexistent")
                .main(Idle.class)
                .start()) {
            String status = (String) jvm.awaitAttribute(
                    "rstwatch:type=Capture", "Status", v -> ((String) v).startsWith("not capturing"), WAIT);
            assertTrue(status.contains("JNA cannot load its native part"), status);
            assertFalse(status.contains("libpcap is not installed"), status);
            assertTrue(jvm.process().isAlive());
        }
    }

    /**
     * Also a fault-matrix row: the application interrupts the capture thread while it waits to retry; capture
     * must not stop for good while its Status says "retrying".
     */
    @Test
    void anInterfaceThatIsNotThereIsReportedAndCaptureStartsWhenItAppearsDespiteAnInterrupt() throws Exception {
        Requirements.require(Shell.available("ip"), "iproute2");
        String name = "rstwd" + ProcessHandle.current().pid() % 100000;
        try (AgentJvm jvm = AgentJvm.builder()
                .agentOptions("interfaces=" + name)
                .main(Connector.class)
                .start()) {
            String status = (String) jvm.awaitAttribute(
                    "rstwatch:type=Capture", "Status", v -> ((String) v).startsWith("not capturing"), WAIT);
            assertTrue(status.contains("the interface is not there"), status);
            jvm.send("interrupt rstwatch-capture-" + name);
            jvm.awaitStdout("done interrupting 1", 1, WAIT);
            Shell.run("ip", "link", "add", name, "type", "veth", "peer", "name", name + "p");
            Shell.run("ip", "link", "set", name, "up");
            jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, Duration.ofSeconds(40));
            assertArrayEquals(
                    new String[] {"EN10MB"}, (String[]) jvm.attribute("rstwatch:type=Capture", "LinkTypes", WAIT));
        } finally {
            Shell.quietly("ip", "link", "del", name);
        }
    }

    /**
     * A fault-matrix row: the interface is deleted under a running capture. The kernel marks the packet socket with
     * ENETDOWN; the Status says so and capture starts again, on the new interface's index, once one of that name is
     * back.
     */
    @Test
    void anInterfaceDeletedWhileCapturingIsReportedAndCaptureResumesWhenItComesBack() throws Exception {
        Requirements.require(Shell.available("ip"), "iproute2");
        String name = "rstwx" + ProcessHandle.current().pid() % 100000;
        try {
            Shell.run("ip", "link", "add", name, "type", "veth", "peer", "name", name + "p");
            Shell.run("ip", "link", "set", name, "up");
            try (AgentJvm jvm = startCapturing("interfaces=" + name)) {
                Shell.run("ip", "link", "del", name);
                String status = (String) jvm.awaitAttribute(
                        "rstwatch:type=Capture", "Status", v -> ((String) v).startsWith("not capturing"), WAIT);
                assertTrue(status.contains("the interface is not there (the interface went down)"), status);
                assertFalse((Boolean) jvm.attribute("rstwatch:type=Capture", "Active", WAIT));
                Shell.run("ip", "link", "add", name, "type", "veth", "peer", "name", name + "p");
                Shell.run("ip", "link", "set", name, "up");
                jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, Duration.ofSeconds(40));
            }
        } finally {
            Shell.quietly("ip", "link", "del", name);
        }
    }

    /**
     * Waits for a cached attribute to show {@code expected}; fails with the last value seen. A value that is still
     * being refreshed shows soon; a wrong one never does.
     */
    private static void awaitCached(AgentJvm jvm, String name, String attribute, Object expected) throws Exception {
        jvm.awaitAttribute(name, attribute, v -> Objects.deepEquals(v, expected), Duration.ofSeconds(10));
    }

    private static void assertStderrIsOneWarningAboutIt(AgentJvm jvm, String topic) throws InterruptedException {
        jvm.awaitStderr(" is running", WAIT); // the start-up line comes once every part has started or failed
        String[] lines = jvm.stderr().split("\n");
        long warnings = Arrays.stream(lines)
                .filter(l -> l.startsWith("[rstwatch] WARN"))
                .count();
        assertEquals(1, warnings, jvm.stderr());
        for (String line : lines) {
            assertTrue(line.startsWith("[rstwatch] "), "unexpected stderr: " + line);
            if (line.startsWith("[rstwatch] WARN")) {
                assertTrue(line.contains(topic), line);
            }
        }
    }
}
