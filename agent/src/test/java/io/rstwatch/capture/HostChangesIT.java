package io.rstwatch.capture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.Idle;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Await;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.Shell;
import io.rstwatch.testing.TestHost;
import java.time.Duration;
import javax.management.InstanceNotFoundException;
import javax.management.ObjectName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * This host's addresses are read again when the kernel says they changed, not on a timer: an address that
 * appears after the agent started (a link of the test's own, set up once the agent runs) is this host's within a
 * refresh or two. Until then a refusal sent from it passes for forwarded traffic and is not counted; the safety-net
 * read comes only once a minute, so a lost subscription fails this test. The in-kernel source needs no address
 * list to tell (the kernel matched the SYN to no socket of its namespace), and counts it as well.
 */
class HostChangesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Two refreshes of 2 s and the capture's block: well under the once-a-minute read. */
    private static final Duration SOON = Duration.ofSeconds(10);

    @ParameterizedTest
    @MethodSource("io.rstwatch.capture.CaptureIT#methods")
    void anAddressAddedAfterStartIsThisHostsWithinSeconds(String method) throws Exception {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
        Requirements.require(Shell.available("hping3"), "hping3 (bin/test installs it)");
        try (AgentJvm jvm = AgentJvm.builder()
                .agentOptions("capture.method=" + method)
                .main(Idle.class)
                .start()) {
            jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, WAIT);
            try (TestHost peer = TestHost.create()) {
                long added = System.nanoTime();
                int closed = 7;
                String name = "rstwatch:type=Port,scope=local,port=" + closed;
                Await.until("a refusal from the new address counted as this host's", SOON, () -> {
                    peer.run(
                            "sh",
                            "-c",
                            "hping3 -q -S -p " + closed + " -c 1 " + peer.localAddress() + " >/dev/null 2>&1 || true");
                    try {
                        return (Long) jvm.jmx().getAttribute(new ObjectName(name), "RefusedTotal") >= 1;
                    } catch (InstanceNotFoundException e) {
                        return false;
                    }
                });
                long seconds = Duration.ofNanos(System.nanoTime() - added).toSeconds();
                assertTrue(seconds < SOON.toSeconds(), "took " + seconds + " s");
            }
        }
    }
}
