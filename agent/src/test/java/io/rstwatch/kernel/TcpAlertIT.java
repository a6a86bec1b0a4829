package io.rstwatch.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.Idle;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Await;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.TestHost;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.AttributeChangeNotification;
import javax.management.ObjectName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The seed's page, live: refused connects raise AttemptFails and the alert, which names the port, then clears. */
class TcpAlertIT {
    private static final String TCP = "rstwatch:type=Tcp";

    @ParameterizedTest
    @MethodSource("io.rstwatch.capture.CaptureIT#methods")
    void refusedConnectsRaiseTheAlertNamingThePortThenItClears(String method) throws Exception {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
        int port = Loopback.closedPort();
        // AttemptFails counts every process of a network namespace: one of the test's own, so that only its
        // refusals raise the alert.
        try (TestHost box = TestHost.create();
                AgentJvm jvm = AgentJvm.builder()
                        .isolatedIn(box, 9010)
                        .agentOptions(
                                "rate.window=4,proc.interval=1,alert.warn=1.0,alert.hold=3,capture.method=" + method)
                        .main(Idle.class)
                        .start()) {
            jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, Duration.ofSeconds(30));
            jvm.awaitAttribute(TCP, "AlertLevel", "OK"::equals, Duration.ofSeconds(30));
            List<AttributeChangeNotification> changes = new CopyOnWriteArrayList<>();
            jvm.jmx()
                    .addNotificationListener(
                            new ObjectName(TCP), (n, h) -> changes.add((AttributeChangeNotification) n), null, null);
            long before = (Long) jvm.attribute(TCP, "AttemptFailsTotal", Duration.ofSeconds(5));

            long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            int refused = 0;
            while (System.nanoTime() < end) {
                jvm.refuse(port, 1);
                refused++;
                Thread.sleep(200); // 5 a second, well above alert.warn
            }
            String message = (String) jvm.awaitAttribute(
                    TCP,
                    "AlertMessage",
                    m -> ((String) m).contains("(WARN)") && ((String) m).contains("127.0.0.1:" + port),
                    Duration.ofSeconds(10));
            assertTrue(
                    message.contains(
                            "/s are refused connections to 127.0.0.1:" + port + " on lo, where nothing listens"),
                    message);
            assertTrue(message.contains("the captured refusals explain"), message);
            // The attribute is the last sample (every proc.interval = 1 s): the last refusals may be in the next one.
            int sent = refused;
            jvm.awaitAttribute(TCP, "AttemptFailsTotal", v -> (Long) v - before >= sent, Duration.ofSeconds(5));

            jvm.awaitAttribute(TCP, "AlertLevel", "OK"::equals, Duration.ofSeconds(20));
            Await.until("two AlertLevel notifications", Duration.ofSeconds(5), () -> changes.size() >= 2);
            assertEquals("OK", changes.get(0).getOldValue());
            assertEquals("WARN", changes.get(0).getNewValue());
            assertEquals("OK", changes.get(changes.size() - 1).getNewValue());
            assertTrue(jvm.stderr().contains("[rstwatch] WARN failed-connection alert OK -> WARN"), jvm.stderr());
        }
    }
}
