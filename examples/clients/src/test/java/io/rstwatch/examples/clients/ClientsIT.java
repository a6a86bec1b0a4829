package io.rstwatch.examples.clients;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Jdks;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import javax.management.openmbean.TabularData;
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
        AgentJvm.Builder b = AgentJvm.builder().javaHome(jdk == 25 ? Jdks.TEMURIN_25 : Jdks.current());
        if (packing.equals("one jar")) {
            b.jar(Paths.get(System.getProperty("clients.jar")), client, Integer.toString(port));
        } else {
            String libraries = Files.readString(Path.of(System.getProperty("clients.classpath.file")))
                    .strip();
            b.classpath(System.getProperty("clients.classes") + java.io.File.pathSeparator + libraries)
                    .main(com.example.clients.Clients.class, client, Integer.toString(port));
        }
        try (AgentJvm jvm = b.start()) {
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
}
