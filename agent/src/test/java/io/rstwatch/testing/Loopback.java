package io.rstwatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Ports and refused connects on this host, for tests that make real refusals. */
public final class Loopback {
    private Loopback() {}

    /** A port nothing listens on right now (bound by the kernel, then released). */
    public static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A free port below the ephemeral range, as services (and tools that refuse ephemeral ports) use. */
    public static int freeServicePort() {
        for (int port = 20000 + (int) (ProcessHandle.current().pid() % 5000); port < 32000; port += 7) {
            try (ServerSocket s = new ServerSocket(port)) {
                return port;
            } catch (IOException busy) {
                // try the next
            }
        }
        throw new IllegalStateException("no free port between 20000 and 32000");
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
