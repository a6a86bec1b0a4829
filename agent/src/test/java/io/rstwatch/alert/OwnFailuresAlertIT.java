package io.rstwatch.alert;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.RefusedLoop;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.Shell;
import io.rstwatch.testing.TestHost;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 35: a JVM that may not capture (no CAP_NET_RAW nor CAP_BPF, the common case) still explains the failed connects it
 * makes itself, from what its connect advice saw: the endpoint and the calling code. It runs on a host of the
 * test's own, so that AttemptFails counts its connects and nothing else.
 */
class OwnFailuresAlertIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NO_CAPTURE = "-net_raw,-net_admin,-bpf,-perfmon,-sys_admin";

    @Test
    void withoutCaptureTheAlertNamesThisJvmsFailingEndpointAndItsCaller() throws Exception {
        Requirements.require(Requirements.isRoot(), "root, to make a network namespace");
        Requirements.require(Shell.available("setpriv"), "setpriv (util-linux)");
        try (TestHost box = TestHost.create();
                AgentJvm jvm = AgentJvm.builder()
                        .isolatedIn(box, 9010)
                        .wrapper( // neither the packet socket's grant nor eBPF's
                                "setpriv", "--bounding-set=" + NO_CAPTURE, "--inh-caps=" + NO_CAPTURE, "--")
                        .agentOptions("rate.window=5,proc.interval=1,alert.warn=1,alert.critical=1000")
                        .main(RefusedLoop.class, "7211")
                        .start()) {
            jvm.awaitAttribute("rstwatch:type=Capture", "Status", v -> ((String) v).startsWith("not capturing"), WAIT);
            String message = (String) jvm.awaitAttribute(
                    "rstwatch:type=Tcp",
                    "AlertMessage",
                    v -> ((String) v).contains("RefusedLoop.poll(") && ((String) v).contains("(WARN)"),
                    WAIT);
            assertTrue(message.contains("only this JVM's own connects are seen"), message);
            assertTrue(message.contains("/s are this JVM's failed connects to 127.0.0.1:7211, from"), message);
            assertTrue(message.endsWith("; connects of other processes are not seen."), message);
            assertFalse(message.contains("none of them failed"), message);
        }
    }
}
