package io.rstwatch.testing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A host of the test's own: a network namespace joined to this one by a veth pair, with a /30 of its own. Only
 * this test's traffic goes there, and closing removes it all.
 */
public final class TestHost implements AutoCloseable {
    private final String namespace;
    private final String hostSide;
    private final String peerSide;
    private final String address;
    private final String localAddress;
    private final int n;
    /** Servers started on the host, ended with it. */
    private final java.util.List<Process> servers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private TestHost(String namespace, String hostSide, String peerSide, String localAddress, String address, int n) {
        this.namespace = namespace;
        this.hostSide = hostSide;
        this.peerSide = peerSide;
        this.localAddress = localAddress;
        this.address = address;
        this.n = n;
    }

    /** Needs root and iproute2: skips without them on a developer's machine, fails under CI. */
    public static TestHost create() {
        Requirements.require(Requirements.isRoot() && Shell.available("ip"), "root and iproute2 (ip netns)");
        int n = freeNumber();
        String tag = Long.toString(ProcessHandle.current().pid() % 100000) + n;
        String ns = "rstw" + tag;
        String host = "rwh" + tag;
        String peer = "rwp" + tag;
        String local = "10.231." + n + ".1";
        String remote = "10.231." + n + ".2";
        Shell.run("ip", "netns", "add", ns);
        try {
            Shell.run("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
            Shell.run("ip", "link", "set", peer, "netns", ns);
            Shell.run("ip", "addr", "add", local + "/30", "dev", host);
            Shell.run("ip", "link", "set", host, "up");
            Shell.run(in(ns, "ip", "addr", "add", remote + "/30", "dev", peer));
            Shell.run(in(ns, "ip", "link", "set", peer, "up"));
            Shell.run(in(ns, "ip", "link", "set", "lo", "up"));
            Shell.run("ip", "-6", "addr", "add", "fd00:231:" + n + "::1/64", "dev", host, "nodad");
            Shell.run(in(ns, "ip", "-6", "addr", "add", "fd00:231:" + n + "::2/64", "dev", peer, "nodad"));
            // Each side knows the other's MAC from the start: no ARP, so no packet of a burst waits in (or
            // falls out of) the neighbour queue, and a forged source address cannot stall resolution.
            String hostMac =
                    Shell.run("cat", "/sys/class/net/" + host + "/address").trim();
            String peerMac = Shell.run(in(ns, "cat", "/sys/class/net/" + peer + "/address"))
                    .trim();
            for (String[] pair : new String[][] {{remote, local}, {"fd00:231:" + n + "::2", "fd00:231:" + n + "::1"}}) {
                Shell.run("ip", "neigh", "replace", pair[0], "lladdr", peerMac, "dev", host, "nud", "permanent");
                Shell.run(
                        in(ns, "ip", "neigh", "replace", pair[1], "lladdr", hostMac, "dev", peer, "nud", "permanent"));
            }
        } catch (IllegalStateException e) {
            Shell.quietly("ip", "link", "del", host);
            Shell.quietly("ip", "netns", "del", ns);
            throw e;
        }
        return new TestHost(ns, host, peer, local, remote, n);
    }

    /** The test hosts of this JVM by number: several at once must not share a name or a subnet. */
    private static final Set<Integer> TAKEN = ConcurrentHashMap.newKeySet();

    private static int freeNumber() {
        for (int tries = 0; tries < 1000; tries++) {
            int n = ThreadLocalRandom.current().nextInt(1, 60);
            if (TAKEN.add(n)) {
                return n;
            }
        }
        throw new IllegalStateException("no free test host number: 59 test hosts at once");
    }

    /**
     * Refuses {@code times} connects to 127.0.0.1:{@code port} from inside the test host, one after the other: the
     * port must be closed there.
     */
    public void refuse(int port, int times) {
        run(
                "python3",
                "-c",
                "import socket\n"
                        + "for i in range(" + times + "):\n"
                        + "    s = socket.socket()\n"
                        + "    try:\n"
                        + "        s.connect(('127.0.0.1', " + port + "))\n"
                        + "        raise SystemExit('port " + port + " accepted a connect')\n"
                        + "    except ConnectionRefusedError:\n"
                        + "        pass\n"
                        + "    finally:\n"
                        + "        s.close()\n");
    }

    /** The test host's address. */
    public String address() {
        return address;
    }

    /** The test host's IPv6 address (a ULA of the test's own). */
    public String address6() {
        return "fd00:231:" + n + "::2";
    }

    /** This host's IPv6 address on the link to it. */
    public String localAddress6() {
        return "fd00:231:" + n + "::1";
    }

    /** This host's address on the link to it. */
    public String localAddress() {
        return localAddress;
    }

    /** The interface on this side of the veth pair. */
    public String interfaceName() {
        return hostSide;
    }

    /** The command line that runs {@code command} on the test host (for a child process of its own). */
    public String[] command(String... command) {
        return in(namespace, command);
    }

    /** Runs a command on the test host (inside its namespace), failing loudly with its output. */
    public String run(String... command) {
        return Shell.run(in(namespace, command));
    }

    /** The command, run inside the network namespace {@code ns}. */
    static String[] in(String ns, String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = ns;
        System.arraycopy(command, 0, full, 4, command.length);
        return full;
    }

    /**
     * Starts a plain TCP server on the test host's {@code port} that writes an HTTP 400 as each connection comes and
     * closes it: what a client that speaks TLS to a plain port meets. Returns once it listens; ends with the host.
     */
    public Process plainServer(int port) throws java.io.IOException {
        Process p = new ProcessBuilder(command(
                        "python3",
                        "-c",
                        "import socket\n"
                                + "l = socket.socket()\n"
                                + "l.bind(('0.0.0.0', " + port + "))\n"
                                + "l.listen(64)\n"
                                + "print('listening', flush=True)\n"
                                + "while True:\n"
                                + "    c, _ = l.accept()\n"
                                + "    c.sendall(b'HTTP/1.1 400 Bad Request\\r\\n\\r\\n')\n"
                                + "    c.close()\n"))
                .redirectErrorStream(true)
                .start();
        String first = new java.io.BufferedReader(
                        new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))
                .readLine();
        if (!"listening".equals(first)) {
            p.destroyForcibly();
            throw new IllegalStateException("the plain server did not start: " + first);
        }
        servers.add(p);
        return p;
    }

    /** Takes the test host's side of the link down: its address then answers nothing (connects time out). */
    public void silence() {
        Shell.run("ip", "netns", "exec", namespace, "ip", "link", "set", peerSide, "down");
    }

    /**
     * Puts up the test host's firewall: an nftables table {@code inet rw} with an input chain, and each rule in
     * it, as {@code nft add rule inet rw input} takes it ("tcp dport 5432 drop").
     */
    public void firewall(String... rules) {
        run("nft", "add table inet rw");
        run("nft", "add chain inet rw input { type filter hook input priority 0 ; }");
        for (String rule : rules) {
            run("nft", "add rule inet rw input " + rule);
        }
    }

    /** The firewall as nft lists it, its counters included. */
    public String firewallListed() {
        return run("nft", "list table inet rw");
    }

    /** Takes the firewall down. */
    public void dropFirewall() {
        run("nft", "delete table inet rw");
    }

    /**
     * The test host's resolv.conf: the processes started on it after this ({@code ip netns exec} mounts
     * /etc/netns/NAME/resolv.conf over /etc/resolv.conf) ask {@code nameserver}, once, a second at most.
     */
    public void resolvesWith(String nameserver) {
        try {
            java.nio.file.Path dir = java.nio.file.Path.of("/etc/netns", namespace);
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.writeString(
                    dir.resolve("resolv.conf"), "nameserver " + nameserver + "\noptions timeout:1 attempts:1\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (Process p : servers) {
            p.destroyForcibly();
        }
        Shell.quietly("rm", "-rf", "/etc/netns/" + namespace);
        Shell.quietly("ip", "link", "del", hostSide);
        Shell.quietly("ip", "netns", "del", namespace);
        TAKEN.remove(n);
    }
}
