package io.rstwatch.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.Connector;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.Shell;
import io.rstwatch.testing.TestHost;
import java.time.Duration;
import java.util.Arrays;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connects that end in an ICMP destination unreachable other than port unreachable (issue 13, part 1): a host of
 * the test's own whose firewall (nftables) rejects one port with admin-prohibited and another with
 * host-unreachable, over IPv4 and IPv6. Each lands on its remote Port entry as unreachable, with the code in the
 * Diagnosis, and agrees with the in-JVM Connects table.
 */
class UnreachableIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PROHIBITED = 5432;
    private static final int NO_HOST = 5433;

    @BeforeAll
    static void needs() {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
        Requirements.require(Shell.available("nft"), "nftables (bin/test installs it)");
    }

    private static String port(int port) {
        return "rstwatch:type=Port,scope=remote,port=" + port;
    }

    @Test
    void rejectedConnectsAreUnreachableOnTheirPortWithTheIcmpCode() throws Exception {
        try (TestHost peer = TestHost.create();
                AgentJvm jvm = AgentJvm.builder().main(Connector.class).start()) {
            peer.run("nft", "add table inet rw");
            peer.run("nft", "add chain inet rw input { type filter hook input priority 0 ; }");
            peer.run(
                    "nft",
                    "add rule inet rw input tcp dport " + PROHIBITED + " reject with icmpx type admin-prohibited");
            peer.run("nft", "add rule inet rw input tcp dport " + NO_HOST + " reject with icmpx type host-unreachable");
            jvm.awaitStdout("ready", 1, WAIT);
            jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, WAIT);
            jvm.awaitAgentStarted(WAIT);

            jvm.send("socket " + peer.address() + " " + PROHIBITED);
            jvm.send("socket " + peer.address6() + " " + PROHIBITED);
            jvm.send("socket " + peer.address() + " " + NO_HOST);
            jvm.awaitStdout("done", 3, WAIT);
            assertTrue(jvm.stdout().contains("done NoRouteToHostException"), jvm.stdout()); // IPv4
            assertTrue(
                    jvm.stdout().contains("done BindException"), jvm.stdout()); // IPv6: EACCES, as the JDK reports it

            jvm.awaitAttribute(port(PROHIBITED), "UnreachableTotal", v -> (Long) v == 2, WAIT);
            jvm.awaitAttribute(port(NO_HOST), "UnreachableTotal", v -> (Long) v == 1, WAIT);
            jvm.awaitCaptureCaughtUp(WAIT);
            assertEquals(2L, jvm.attribute(port(PROHIBITED), "UnreachableTotal", WAIT));
            assertEquals(0L, jvm.attribute(port(PROHIBITED), "RefusedTotal", WAIT), "not a refusal");
            assertEquals(0L, jvm.attribute(port(PROHIBITED), "ResetsTotal", WAIT), "not a reset");
            String prohibited = (String) jvm.awaitAttribute(
                    port(PROHIBITED), "Diagnosis", v -> ((String) v).contains("unreachable/s"), WAIT);
            assertTrue(prohibited.contains("answered by ICMP admin-prohibited: a firewall rejects it"), prohibited);
            String noHost = (String)
                    jvm.awaitAttribute(port(NO_HOST), "Diagnosis", v -> ((String) v).contains("unreachable/s"), WAIT);
            assertTrue(noHost.contains("answered by ICMP host-unreachable"), noHost);
            assertTrue(noHost.contains(" to " + peer.address() + ":" + NO_HOST), noHost);

            // The in-JVM view agrees: the same connects, unreachable by cause.
            CompositeData[] rows = (CompositeData[]) jvm.attribute("rstwatch:type=Connects", "Endpoints", WAIT);
            long unreachable = Arrays.stream(rows)
                    .filter(r -> ((String) r.get("endpoint")).endsWith(":" + PROHIBITED)
                            || ((String) r.get("endpoint")).endsWith(":" + NO_HOST))
                    .mapToLong(r -> (Long) r.get("unreachable"))
                    .sum();
            assertEquals(3, unreachable, Arrays.toString(rows));
        }
    }
}
