package io.rstwatch.examples.clients;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Jdks;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.NameServer;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real clients from Maven Central, each refused by a dead local port, under the agent: the Port MBean counts the
 * refusals (capture) and the JVM's failures, and names the application's method behind them, whether the
 * application runs from its class path (one jar per library) or packed with its libraries in one shaded jar, on
 * JDK 17 or Temurin 25. When the connect runs on a library's own thread (an event loop, a client's executor),
 * the application's method is the one that asked for it.
 */
class ClientsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int JMX_PORT = 9014;

    @ParameterizedTest(name = "{0}, {1}, JDK {2}")
    @CsvSource({
        // A driver under a pool under the application: the application's frame is two libraries down.
        "hikari, class path, 17, com.example.clients.Clients.hikari(, com.zaxxer.hikari.",
        "hikari, one jar, 17, com.example.clients.Clients.hikari(, com.zaxxer.hikari.",
        "jedis, class path, 17, com.example.clients.Clients.jedis(, redis.clients.jedis.",
        "jedis, one jar, 17, com.example.clients.Clients.jedis(, redis.clients.jedis.",
        // No frame of the application's on the sender thread's stack, nor anywhere: the thread and the library.
        "kafka, class path, 17, thread kafka-producer-network-thread | producer-1, org.apache.kafka.",
        "kafka, one jar, 17, thread kafka-producer-network-thread | producer-1, org.apache.kafka.",
        // Netty connects on its event loop, in C for the native transports: the code that made the channel.
        "netty-nio, class path, 17, com.example.clients.Clients.netty(, io.netty.bootstrap.",
        "netty-epoll, class path, 17, com.example.clients.Clients.netty(, io.netty.bootstrap.",
        "netty-epoll, one jar, 25, com.example.clients.Clients.netty(, io.netty.bootstrap.",
        // io_uring: the ring reports the failure, and Netty's exception names no address; the channel has it.
        "netty-io-uring, class path, 17, com.example.clients.Clients.netty(, io.netty.bootstrap.",
        "netty-io-uring, one jar, 25, com.example.clients.Clients.netty(, io.netty.bootstrap.",
        "grpc, class path, 17, com.example.clients.Clients.grpc(, io.grpc.",
        "grpc, one jar, 25, com.example.clients.Clients.grpc(, io.grpc.",
        "lettuce-nio, class path, 17, com.example.clients.Clients.lettuce(, io.lettuce.core.",
        "lettuce-epoll, class path, 17, com.example.clients.Clients.lettuce(, io.lettuce.core.",
        "lettuce-epoll, one jar, 25, com.example.clients.Clients.lettuce(, io.lettuce.core.",
        "reactor-netty, class path, 17, com.example.clients.Clients.reactorNetty(, reactor.",
        // The JDK's own client, asynchronously: its exchange runs on the client's threads from the start.
        "http-async, class path, 17, com.example.clients.Clients.httpAsync(, ",
        "http-async, one jar, 25, com.example.clients.Clients.httpAsync(, ",
        "okhttp, class path, 17, com.example.clients.Clients.okHttp(, okhttp3.",
        "virtual-threads, class path, 25, com.example.clients.Clients.lambda$virtualThreads$, "
    })
    void theRefusedClientsCallerIsTheApplicationsMethod(
            String client, String packing, int jdk, String caller, String via) throws Exception {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
        int port = Loopback.closedPort();
        try (AgentJvm jvm = child(client, packing, jdk, Integer.toString(port)).start()) {
            String name = "rstwatch:type=Port,scope=local,port=" + port;
            jvm.awaitAttribute(name, "RefusedTotal", v -> (Long) v >= 2, WAIT);
            jvm.awaitAttribute(name, "JvmFailuresTotal", v -> (Long) v >= 2, WAIT);
            String[] callers = (String[]) jvm.awaitAttribute(
                    name, "JvmCallers", v -> Arrays.stream((String[]) v).anyMatch(c -> c.startsWith(caller)), WAIT);
            String named = Arrays.stream(callers)
                    .filter(c -> c.startsWith(caller))
                    .findFirst()
                    .orElseThrow();
            // The same caller on the endpoint's own MBean, counted.
            String endpoint = "rstwatch:type=Endpoint,host=127.0.0.1,port=" + port;
            TabularData perCaller = (TabularData) jvm.awaitAttribute(
                    endpoint, "Callers", v -> ((TabularData) v).containsKey(new Object[] {named}), WAIT);
            assertTrue((Long) perCaller.get(new Object[] {named}).get("value") >= 1, perCaller.toString());
            if (via == null) {
                assertFalse(named.contains(" via "), "called the JDK directly: " + named);
            } else {
                assertTrue(named.contains(" via " + via), named);
            }
        }
    }

    /**
     * The same clients asked for a name that does not resolve, on a host of the test's own whose name server
     * answers NXDOMAIN: every attempt is a DNS failure of the endpoint asked for, with the application's method,
     * whether the library makes an address that stays unresolved (the JDBC driver; Kafka, which checks its
     * bootstrap servers and connects to none), looks the name up itself (Netty's resolver on its event loop,
     * OkHttp), or connects to the unresolved address on its own threads (the JDK's HttpClient).
     */
    @ParameterizedTest(name = "{0}, {1}, JDK {2}")
    @CsvSource({
        "hikari, class path, 17, 5432, com.example.clients.Clients.hikari(",
        "kafka, class path, 17, 5432, com.example.clients.Clients.kafka(",
        "netty-nio, class path, 17, 5432, com.example.clients.Clients.netty(",
        "netty-epoll, one jar, 25, 5432, com.example.clients.Clients.netty(",
        "http-async, class path, 25, 5432, com.example.clients.Clients.httpAsync(",
        "okhttp, class path, 17, 5432, com.example.clients.Clients.okHttp(",
        // gRPC looks the name up on its executor before it hands Netty an address: no port known, only the thread.
        "grpc, class path, 17, 0, thread grpc-default-executor-"
    })
    void aNameThatDoesNotResolveIsADnsFailureOfTheEndpointAskedFor(
            String client, String packing, int jdk, int counted, String caller, @TempDir Path dir) throws Exception {
        Requirements.require(Requirements.isRoot(), "root, for a host of the test's own");
        // The JVM's cache of failed names for 1 s, not 10: see the reason below.
        Path security = Files.writeString(dir.resolve("java.security"), "networkaddress.cache.negative.ttl=1\n");
        int port = 5432;
        String host = "db.invalid";
        try (TestHost box = TestHost.create();
                NameServer dns = NameServer.on(box);
                AgentJvm jvm = child(client, packing, jdk, Integer.toString(port), host)
                        .agentOptions("capture=off")
                        .jvmArgs("-Djava.security.properties=" + security)
                        .isolatedIn(box, JMX_PORT)
                        .start()) {
            String endpoint = "rstwatch:type=Endpoint,host=" + host + ",port=" + counted;
            jvm.awaitAttribute(endpoint, "DnsFailedTotal", v -> (Long) v >= 2, WAIT);
            // The first look-up may come before the agent's rewrite, and the JVM answers the next ones from its cache
            // of failed names: the resolver's reason shows with the first look-up that reaches it after that.
            jvm.awaitAttribute(endpoint, "DnsFailure", v -> ((String) v).startsWith("not known"), WAIT);
            jvm.awaitAttribute(
                    endpoint,
                    "Callers",
                    v -> ((TabularData) v)
                            .values().stream().anyMatch(r -> ((javax.management.openmbean.CompositeData) r)
                                    .get("key")
                                    .toString()
                                    .startsWith(caller)),
                    WAIT);
            long failed = (Long) jvm.attribute(endpoint, "FailedTotal", WAIT);
            long names = (Long) jvm.attribute(endpoint, "DnsFailedTotal", WAIT);
            assertTrue(names >= failed, "every failure here is the name's: " + names + " of " + failed);
        }
    }

    /**
     * Netty's native transport connects through JNI, past the JDK's connect code: its connects are timed too, from
     * the native socket's connect to its finishConnect, as the NIO transport's are through the JDK's.
     */
    @ParameterizedTest(name = "{0}, {1}, JDK {2}")
    @CsvSource({"netty-epoll, class path, 17", "netty-epoll, one jar, 25", "netty-nio, class path, 17"})
    void aNettyConnectIsTimedOnItsEndpoint(String client, String packing, int jdk) throws Exception {
        try (java.net.ServerSocket server =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        server.accept().close();
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            int port = server.getLocalPort();
            try (AgentJvm jvm = child(client, packing, jdk, Integer.toString(port))
                    .agentOptions("capture=off")
                    .start()) {
                String endpoint = "rstwatch:type=Endpoint,host=127.0.0.1,port=" + port;
                jvm.awaitAttribute(endpoint, "ConnectedTotal", v -> (Long) v >= 2, WAIT);
                double p50 = (Double) jvm.awaitAttribute(endpoint, "ConnectMillisP50", v -> (Double) v > 0, WAIT);
                assertTrue(p50 < 1000, "a loopback connect: " + p50 + " ms");
                assertTrue((Long) jvm.attribute(endpoint, "FailedTotal", WAIT) == 0L);
            }
        }
    }

    /** A child running the clients' application: from its class path (one jar per library), or from one jar. */
    private static AgentJvm.Builder child(String client, String packing, int jdk, String... args) throws Exception {
        AgentJvm.Builder b = AgentJvm.builder().javaHome(jdk == 25 ? Jdks.TEMURIN_25 : Jdks.current());
        String[] all = new String[args.length + 1];
        all[0] = client;
        System.arraycopy(args, 0, all, 1, args.length);
        if (packing.equals("one jar")) {
            return b.jar(Paths.get(System.getProperty("clients.jar")), all);
        }
        String libraries = Files.readString(Path.of(System.getProperty("clients.classpath.file")))
                .strip();
        return b.classpath(System.getProperty("clients.classes") + java.io.File.pathSeparator + libraries)
                .main(com.example.clients.Clients.class, all);
    }
}
