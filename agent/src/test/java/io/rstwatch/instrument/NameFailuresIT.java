package io.rstwatch.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.Connector;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Jdks;
import io.rstwatch.testing.NameServer;
import io.rstwatch.testing.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Connects to names that do not resolve, on a host of the test's own whose resolver asks a name server of the test's
 * own (NXDOMAIN, SERVFAIL, no answer): each counted on its endpoint as a DNS failure, with its reason and its caller,
 * every attempt, while the look-ups that reached the resolver are counted once per name (the JVM caches a failure).
 * A name looked up with no connect after it counts too, on the endpoint of that name the JVM used, else port 0.
 */
class NameFailuresIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int JMX_PORT = 9012;

    static Stream<Path> jdks() {
        return Jdks.all().stream();
    }

    private static String endpoint(String host, int port) {
        return "rstwatch:type=Endpoint,host=" + host + ",port=" + port;
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aNameThatDoesNotResolveIsADnsFailureWithItsReasonAndCaller(Path jdk, @TempDir Path dir) throws Exception {
        Path security = dir.resolve("java.security");
        // The JVM's cache of failed names holds for 5 minutes, not 10 s: the figures below must not hang on time.
        Files.writeString(security, "networkaddress.cache.negative.ttl=300\n");
        try (TestHost box = TestHost.create();
                NameServer dns = NameServer.on(box);
                AgentJvm jvm = AgentJvm.builder()
                        .javaHome(jdk)
                        .agentOptions("capture=off")
                        .isolatedIn(box, JMX_PORT)
                        .jvmArgs("-Djava.security.properties=" + security)
                        .main(Connector.class)
                        .start()) {
            jvm.awaitStdout("ready", 1, WAIT);
            jvm.awaitConnectsCounted(WAIT);
            long before = (Long) jvm.attribute("rstwatch:type=Connects", "DnsResolverFailedTotal", WAIT);
            for (int i = 0; i < 5; i++) {
                jvm.send("socket db.invalid 5432");
            }
            jvm.send("channel gone.invalid 5433");
            jvm.send("http api.invalid 8080");
            jvm.send("socket flaky.servfail.test 5434");
            jvm.send("socket slow.silent.test 5435");
            jvm.awaitStdout("done", 9, WAIT);

            jvm.awaitAttribute(endpoint("db.invalid", 5432), "DnsFailedTotal", n -> (Long) n == 5L, WAIT);
            String why = (String) jvm.attribute(endpoint("db.invalid", 5432), "DnsFailure", WAIT);
            assertTrue(why.startsWith("not known"), why);
            assertEquals(5L, jvm.attribute(endpoint("db.invalid", 5432), "FailedTotal", WAIT));
            assertEquals(0L, jvm.attribute(endpoint("db.invalid", 5432), "OtherTotal", WAIT));
            assertCaller(jvm, endpoint("db.invalid", 5432), "Connector.viaSocket(", 5);

            jvm.awaitAttribute(endpoint("gone.invalid", 5433), "DnsFailedTotal", n -> (Long) n == 1L, WAIT);
            assertCaller(jvm, endpoint("gone.invalid", 5433), "Connector.viaChannel(", 1);
            // The HTTP client tries a failed connect twice (jdk.httpclient.disableRetryConnect): two attempts.
            jvm.awaitAttribute(endpoint("api.invalid", 8080), "DnsFailedTotal", n -> (Long) n == 2L, WAIT);
            assertCaller(jvm, endpoint("api.invalid", 8080), "Connector.viaHttpClient(", 2);

            for (String[] temporary : new String[][] {{"flaky.servfail.test", "5434"}, {"slow.silent.test", "5435"}}) {
                String name = endpoint(temporary[0], Integer.parseInt(temporary[1]));
                jvm.awaitAttribute(name, "DnsFailedTotal", n -> (Long) n == 1L, WAIT);
                String reason = (String) jvm.attribute(name, "DnsFailure", WAIT);
                assertTrue(reason.startsWith("temporary failure"), temporary[0] + ": " + reason);
            }

            jvm.awaitAttribute("rstwatch:type=Connects", "DnsFailedTotal", n -> (Long) n == 10L, WAIT);
            // Five names, each asked of the resolver once: the JVM answered the rest from its cache of failures.
            long resolver = (Long) jvm.attribute("rstwatch:type=Connects", "DnsResolverFailedTotal", WAIT);
            assertEquals(5L, resolver - before, "look-ups that reached the resolver");

            // Names looked up with no connect after them (a driver's way): on the endpoint of that name the JVM
            // used, or port 0 for a name it never used; every look-up, the JVM's cached failures too.
            for (int i = 0; i < 2; i++) {
                jvm.send("lookup db.invalid 0");
            }
            for (int i = 0; i < 3; i++) {
                jvm.send("lookup never.invalid 0");
            }
            jvm.awaitStdout("done", 14, WAIT);
            jvm.awaitAttribute(endpoint("db.invalid", 5432), "DnsFailedTotal", n -> (Long) n == 7L, WAIT);
            assertCaller(jvm, endpoint("db.invalid", 5432), "Connector.viaLookUp(", 2);
            jvm.awaitAttribute(endpoint("never.invalid", 0), "DnsFailedTotal", n -> (Long) n == 3L, WAIT);
            assertCaller(jvm, endpoint("never.invalid", 0), "Connector.viaLookUp(", 3);
            String never = (String) jvm.attribute(endpoint("never.invalid", 0), "DnsFailure", WAIT);
            assertTrue(never.startsWith("not known"), never);
            jvm.awaitAttribute("rstwatch:type=Connects", "DnsFailedTotal", n -> (Long) n == 15L, WAIT);
            assertEquals(
                    6L,
                    (Long) jvm.attribute("rstwatch:type=Connects", "DnsResolverFailedTotal", WAIT) - before,
                    "one more name asked of the resolver");
        }
    }

    private static void assertCaller(AgentJvm jvm, String endpoint, String caller, long failures) throws Exception {
        TabularData callers = (TabularData) jvm.attribute(endpoint, "Callers", WAIT);
        Map<String, Long> byCaller = new java.util.HashMap<>();
        for (Object row : callers.values()) {
            javax.management.openmbean.CompositeData r = (javax.management.openmbean.CompositeData) row;
            byCaller.put((String) r.get("key"), (Long) r.get("value"));
        }
        assertTrue(
                byCaller.entrySet().stream().anyMatch(e -> e.getKey().contains(caller) && e.getValue() == failures),
                endpoint + " callers: " + byCaller);
    }
}
