package io.rstwatch.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A DNS server of the test's own on a test host's loopback (UDP 127.0.0.1:53), which the processes started on that
 * host afterwards ask ({@link TestHost#resolvesWith}). It answers every question by the name's end:
 * <ul>
 * <li>{@code .invalid}: NXDOMAIN, no such name;
 * <li>{@code .servfail.test}: SERVFAIL, the server failed;
 * <li>{@code .silent.test}: nothing, so the resolver times out;
 * <li>anything else: NXDOMAIN.
 * </ul>
 */
public final class NameServer implements AutoCloseable {
    private static final String SERVER = String.join(
            "\n",
            "import socket, struct",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.bind(('127.0.0.1', 53))",
            "print('ready', flush=True)",
            "while True:",
            "    q, peer = s.recvfrom(512)",
            "    if len(q) < 12: continue",
            "    i, labels = 12, []",
            "    while i < len(q) and q[i] != 0:",
            "        labels.append(q[i + 1:i + 1 + q[i]].decode('ascii', 'replace')); i += 1 + q[i]",
            "    name = '.'.join(labels).lower()",
            "    if name.endswith('.silent.test'): continue",
            "    rcode = 2 if name.endswith('.servfail.test') else 3",
            "    s.sendto(q[:2] + struct.pack('>HHHHH', 0x8180 | rcode, 1, 0, 0, 0) + q[12:i + 5], peer)",
            "");

    private final Process process;

    private NameServer(Process process) {
        this.process = process;
    }

    /** Starts it on {@code box} and points the box's resolver at it; needs python3. */
    public static NameServer on(TestHost box) throws IOException {
        Requirements.require(Shell.available("python3"), "python3 (bin/test installs it)");
        box.resolvesWith("127.0.0.1");
        Process p = new ProcessBuilder(box.command("python3", "-c", SERVER))
                .redirectErrorStream(true)
                .start();
        String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"ready".equals(first)) {
            p.destroyForcibly();
            throw new IllegalStateException("the test's name server did not start: " + first);
        }
        return new NameServer(p);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }
}
