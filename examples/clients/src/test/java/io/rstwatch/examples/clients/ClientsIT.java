package io.rstwatch.examples.clients;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real clients from Maven Central, each refused by a dead local port, under the agent: the Port MBean counts the
 * refusals (capture) and the JVM's failures, and names the application's method behind them, whether the
 * application runs from its class path (one jar per library) or packed with its libraries in one shaded jar.
 */
class ClientsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({
        // A driver under a pool under the application: the application's frame is two libraries down.
        "hikari, class path, com.example.clients.Clients.hikari(, com.zaxxer.hikari.",
        "hikari, one jar, com.example.clients.Clients.hikari(, com.zaxxer.hikari.",
        "jedis, class path, com.example.clients.Clients.jedis(, redis.clients.jedis.",
        "jedis, one jar, com.example.clients.Clients.jedis(, redis.clients.jedis.",
        // No frame of the application's on the sender thread's stack: the thread and the library are named.
        "kafka, class path, thread kafka-producer-network-thread | producer-1, org.apache.kafka.",
        "kafka, one jar, thread kafka-producer-network-thread | producer-1, org.apache.kafka.",
        // Native transports connect through JNI: counted from the exceptions Netty makes, on the event loop.
        "netty-epoll, class path, thread multiThreadIoEventLoopGroup-, io.netty.channel.",
        "netty-epoll, one jar, thread multiThreadIoEventLoopGroup-, io.netty.channel.",
        "grpc, class path, thread grpc-default-worker-, io.grpc.netty.shaded.io.netty.",
        "grpc, one jar, thread grpc-default-worker-, io.grpc.netty.shaded.io.netty."
    })
    void theRefusedClientsCallerIsTheApplicationsMethod(String client, String packing, String caller, String via)
            throws Exception {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
        int port = Loopback.closedPort();
        AgentJvm.Builder b = AgentJvm.builder();
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
            assertTrue(named.contains(" via " + via), named);
        }
    }
}
