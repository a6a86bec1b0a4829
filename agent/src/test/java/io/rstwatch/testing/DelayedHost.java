package io.rstwatch.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A host of the test's own (a network namespace) behind a delay line: what this host sends it arrives there
 * {@code delay} ms later, what it sends back comes at once, so a round trip takes the delay. tc's netem would do
 * this; it is not in every kernel (not in this project's machine's), so a small process in this namespace does:
 * two TUN devices, one here and one moved into the host's namespace, and packets copied from one to the other,
 * the ones that go there held for the delay.
 */
public final class DelayedHost implements AutoCloseable {
    private static final String LINE = String.join(
            "\n",
            "import fcntl, heapq, os, select, struct, sys, time",
            "def tun(name):",
            "    fd = os.open('/dev/net/tun', os.O_RDWR)",
            "    fcntl.ioctl(fd, 0x400454ca, struct.pack('16sH', name.encode(), 0x0001 | 0x1000))  # TUNSETIFF",
            "    return fd",
            "here, there, delay = tun(sys.argv[1]), tun(sys.argv[2]), float(sys.argv[3]) / 1000",
            "print('ready', flush=True)",
            "held, n = [], 0",
            "while True:",
            "    wait = max(0, held[0][0] - time.monotonic()) if held else None",
            "    ready = select.select([here, there], [], [], wait)[0]",
            "    if here in ready:",
            "        heapq.heappush(held, (time.monotonic() + delay, n, os.read(here, 65536))); n += 1",
            "    if there in ready:",
            "        packet = os.read(there, 65536)",
            "        try: os.write(here, packet)",
            "        except OSError: pass",
            "    while held and held[0][0] <= time.monotonic():",
            "        try: os.write(there, heapq.heappop(held)[2])",
            "        except OSError: pass",
            "");

    private static final Set<Integer> TAKEN = ConcurrentHashMap.newKeySet();

    private final String namespace;
    private final String address;
    private final Process line;
    private final int n;

    private DelayedHost(String namespace, String address, Process line, int n) {
        this.namespace = namespace;
        this.address = address;
        this.line = line;
        this.n = n;
    }

    /** Needs root, iproute2 and python3: skips without them on a developer's machine, fails under CI. */
    public static DelayedHost create(int delayMillis) throws IOException {
        Requirements.require(Requirements.isRoot() && Shell.available("ip"), "root and iproute2 (ip netns)");
        Requirements.require(Shell.available("python3"), "python3 (bin/test installs it)");
        int n = 0;
        for (int tries = 0; tries < 1000 && n == 0; tries++) {
            int candidate = ThreadLocalRandom.current().nextInt(1, 250);
            n = TAKEN.add(candidate) ? candidate : 0;
        }
        String tag = ProcessHandle.current().pid() % 100000 + "d" + n;
        String ns = "rstw" + tag;
        String here = "rdh" + tag;
        String there = "rdt" + tag;
        String local = "10.232." + n + ".1";
        String remote = "10.232." + n + ".2";
        Shell.run("ip", "netns", "add", ns);
        Process line = null;
        try {
            line = new ProcessBuilder("python3", "-c", LINE, here, there, Integer.toString(delayMillis))
                    .redirectErrorStream(true)
                    .start();
            String first =
                    new BufferedReader(new InputStreamReader(line.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (!"ready".equals(first)) {
                throw new IllegalStateException("the delay line did not start: " + first);
            }
            Shell.run("ip", "link", "set", there, "netns", ns);
            Shell.run("ip", "addr", "add", local, "peer", remote, "dev", here);
            Shell.run("ip", "link", "set", here, "up");
            Shell.run(TestHost.in(ns, "ip", "addr", "add", remote, "peer", local, "dev", there));
            Shell.run(TestHost.in(ns, "ip", "link", "set", there, "up"));
            Shell.run(TestHost.in(ns, "ip", "link", "set", "lo", "up"));
            return new DelayedHost(ns, remote, line, n);
        } catch (IOException | RuntimeException e) {
            if (line != null) {
                line.destroyForcibly();
            }
            Shell.quietly("ip", "netns", "del", ns);
            TAKEN.remove(n);
            throw e;
        }
    }

    /** The host's address, reached through the delay. */
    public String address() {
        return address;
    }

    /** The command line that runs {@code command} on the host (inside its namespace). */
    public String[] command(String... command) {
        return TestHost.in(namespace, command);
    }

    @Override
    public void close() throws InterruptedException {
        line.destroyForcibly().waitFor(); // its TUN devices go with it
        Shell.quietly("ip", "netns", "del", namespace);
        TAKEN.remove(n);
    }
}
