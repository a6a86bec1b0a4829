package io.rstwatch.testing;

import io.rstwatch.common.ProcFiles;
import io.rstwatch.host.EphemeralPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** Ports and refused connects on this host, for tests that make real refusals. */
public final class Loopback {
    private Loopback() {}

    /** The lowest port handed out: below it are the well-known and registered ports of real services. */
    private static final int LOWEST = 10000;

    /** Where the next search starts: per JVM from its pid, so that test JVMs running at once start apart. */
    private static final AtomicInteger NEXT =
            new AtomicInteger((int) (ProcessHandle.current().pid() % 9973));

    /**
     * A port nothing listens on, a new one each call, below the kernel's ephemeral range and 32768: as a service's
     * port is.
     *
     * <p>A port the kernel released (bind to 0) could be handed out again at once: a child JVM's own JMX connector
     * could take it, or, being ephemeral, it could become a connect's own source port, and then a connect that
     * should be refused would succeed.
     */
    public static int closedPort() {
        int top = Math.min(ephemeralLow(), 32768); // some tools take no higher port (the Zabbix Java gateway)
        if (top - LOWEST < 1000) {
            throw new IllegalStateException(
                    "the ephemeral port range starts at " + top + ", leaving fewer than 1000 ports above " + LOWEST
                            + " for tests: raise its low end in /proc/sys/net/ipv4/ip_local_port_range");
        }
        for (int tries = 0; tries < 1000; tries++) {
            int port = LOWEST + Math.floorMod(NEXT.getAndAdd(7), top - LOWEST);
            try (ServerSocket s = new ServerSocket(port)) {
                return port;
            } catch (IOException busy) {
                // try the next
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + top);
    }

    /** The first port of the kernel's ephemeral range (32768 unless configured). */
    private static int ephemeralLow() {
        try {
            return EphemeralPorts.parse(ProcFiles.read(Path.of("/proc").resolve(EphemeralPorts.SYSCTL)))
                    .low();
        } catch (IOException | RuntimeException e) {
            return EphemeralPorts.LINUX_DEFAULT.low();
        }
    }

    /** Connects {@code times} to host:port and expects each to be refused. */
    public static void refuse(String host, int port, int times) {
        for (int i = 0; i < times; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 2000);
                throw new AssertionError("something listens on " + host + ":" + port);
            } catch (ConnectException expected) {
                // refused, as intended
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Refused connects to 127.0.0.1:port. */
    public static void refuse(int port, int times) {
        refuse("127.0.0.1", port, times);
    }
}
