package io.rstwatch.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.config.CommandLineDisclosure;
import io.rstwatch.host.Services;
import io.rstwatch.ports.ListenerLookup;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inventory on a fake /proc: LISTEN lines, fd links to socket inodes, command lines. */
class ListenerInventoryTest {
    private static final String HEADER =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt" + "   uid  timeout inode\n";
    /** The test's JVM runs as uid 1000 on the fake host. */
    private static final long OWN_UID = 1000;

    static ListenerInventory inventory(Path proc, LongSupplier clock, int fdBudget, CommandLineDisclosure disclosure) {
        return new ListenerInventory(
                proc,
                new OwnerResolver(proc, proc.resolve("passwd"), disclosure, OWN_UID, fdBudget),
                new PendingConnects(() -> -1, () -> 0),
                new ListenBacklogs(),
                null,
                clock);
    }

    static ListenerInventory inventory(Path proc, CommandLineDisclosure disclosure) {
        return inventory(proc, System::currentTimeMillis, OwnerResolver.MAX_FD_LINKS_PER_REFRESH, disclosure);
    }

    /** One listener on 127.0.0.1:7211 of uid {@code uid}, owned by pid 4242 with these arguments. */
    private static void listenerOwnedBy(Path proc, int uid, String... argv) throws Exception {
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(
                proc.resolve("net/tcp"),
                HEADER + "   0: 0100007F:1C2B 00000000:0000 0A 00000000:00000000 00:00000000 00000000  " + uid
                        + "        0 4711 1\n");
        Path fd = Files.createDirectories(proc.resolve("4242/fd"));
        Files.createSymbolicLink(fd.resolve("3"), Paths.get("socket:[4711]"));
        Files.write(proc.resolve("4242/cmdline"), (String.join("\0", argv) + "\0").getBytes(StandardCharsets.UTF_8));
        Files.writeString(proc.resolve("passwd"), "root:x:0:0::/root:/bin/sh\npostgres:x:999:999::/var/lib:/bin/sh\n");
    }

    @Test
    void secretsInCommandLinesAreRedactedByDefault(@TempDir Path proc) throws Exception {
        listenerOwnedBy(
                proc,
                999,
                "/usr/bin/server",
                "--password=hunter2",
                "--db",
                "postgres://app:s3cret@db:5432/x",
                "-Djavax.net.ssl.keyStorePassword=changeit",
                "--token",
                "abc123",
                "--port=7211",
                "-Dapp.name=billing");
        ListenerInventory inventory = inventory(proc, CommandLineDisclosure.REDACTED);
        inventory.refresh();
        assertEquals(
                "pid 4242 `/usr/bin/server --password=*** --db postgres://app:***@db:5432/x"
                        + " -Djavax.net.ssl.keyStorePassword=*** --token *** --port=7211 -Dapp.name=billing`",
                ownerOn(inventory, 7211));
        assertEquals("postgres", inventory.userName(listenerOn(inventory, 7211).uid()));
        assertEquals("12345", inventory.userName(12345), "a uid without a name shows as its number");
    }

    @Test
    void fullShowsEverythingAndOffOnlyTheExecutable(@TempDir Path proc) throws Exception {
        listenerOwnedBy(proc, 999, "/usr/bin/server", "--password=hunter2");
        ListenerInventory full = inventory(proc, CommandLineDisclosure.FULL);
        full.refresh();
        assertEquals("pid 4242 `/usr/bin/server --password=hunter2`", ownerOn(full, 7211));
        ListenerInventory off = inventory(proc, CommandLineDisclosure.OFF);
        off.refresh();
        assertEquals("pid 4242 `server`", ownerOn(off, 7211));
    }

    /** Security row "other local users": a root agent must not show what hidepid hides from them. */
    @Test
    void underHidepidOnlyTheJvmsOwnUsersOwnersAreNamed(@TempDir Path proc) throws Exception {
        listenerOwnedBy(proc, 999, "/usr/bin/server", "--secret-flag");
        Files.writeString(
                proc.resolve("mounts"),
                "sysfs /sys sysfs rw 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime,hidepid=invisible 0 0\n");
        ListenerInventory inventory = inventory(proc, CommandLineDisclosure.FULL);
        inventory.refresh();
        Listener l = listenerOn(inventory, 7211);
        assertEquals(0, l.pid());
        assertEquals(OwnerResolver.HIDDEN_BY_HIDEPID, ownerOn(inventory, 7211));
        assertEquals("postgres", inventory.userName(l.uid()), "the socket's user is public in /proc/net/tcp");

        Files.writeString(
                proc.resolve("net/tcp"),
                Files.readString(proc.resolve("net/tcp")).replace("  999  ", "  1000  "));
        ListenerInventory own = inventory(proc, CommandLineDisclosure.FULL);
        own.refresh();
        assertEquals("pid 4242 `/usr/bin/server --secret-flag`", ownerOn(own, 7211), "the JVM's own user's sockets");

        Files.writeString(proc.resolve("mounts"), "proc /proc proc rw,hidepid=0 0 0\n");
        ListenerInventory open = inventory(proc, CommandLineDisclosure.FULL);
        open.refresh();
        assertEquals(4242, listenerOn(open, 7211).pid());
    }

    @Test
    void ownersAreFoundByInodeAndRememberedWhenTheyGo(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("net"));
        // 127.0.0.1:7211 listening with 3 waiting in its accept queue, inode 4711; an established socket ignored.
        Files.writeString(
                proc.resolve("net/tcp"),
                HEADER
                        + "   0: 0100007F:1C2B 00000000:0000 0A 00000000:00000003 00:00000000 00000000  1000        0 4711 1\n"
                        + "   1: 0100007F:1C2C 0100007F:A000 01 00000000:00000000 00:00000000 00000000  1000        0 4712 1\n");
        // [::1]:8080 listening, inode 4800, owner not findable
        Files.writeString(
                proc.resolve("net/tcp6"),
                HEADER
                        + "   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A"
                        + " 00000000:00000000 00:00000000 00000000  1000        0 4800 1\n");
        Path pid = Files.createDirectories(proc.resolve("4242/fd"));
        Files.createSymbolicLink(pid.resolve("3"), Paths.get("socket:[4711]"));
        Files.createSymbolicLink(pid.resolve("4"), Paths.get("/dev/null"));
        Files.write(proc.resolve("4242/cmdline"), "java\0-jar\0collector.jar\0".getBytes());

        long[] now = {1_000_000};
        ListenerInventory inventory =
                inventory(proc, () -> now[0], OwnerResolver.MAX_FD_LINKS_PER_REFRESH, CommandLineDisclosure.REDACTED);
        inventory.refresh();
        assertEquals(2, inventory.current().size());
        Listener l = listenerOn(inventory, 7211);
        assertEquals("127.0.0.1", l.address());
        assertEquals(3, l.acceptQueue());
        assertEquals("pid 4242 `java -jar collector.jar`", ownerOn(inventory, 7211));
        assertEquals("::1", listenerOn(inventory, 8080).address());
        assertEquals("an unknown process", ownerOn(inventory, 8080));
        assertTrue(inventory.listensOrListenedRecently(7211));
        assertFalse(inventory.listensOrListenedRecently(7212), "an established socket's port does not listen");

        Files.writeString(proc.resolve("net/tcp"), HEADER);
        now[0] += 2000;
        inventory.refresh();
        assertNull(ownerOn(inventory, 7211));
        ListenerLookup.Departure gone = inventory.lastOn(7211);
        assertEquals(new ListenerLookup.Departure("pid 4242 `java -jar collector.jar`", now[0]), gone);
        assertEquals(1, inventory.gone(20).size());
        assertTrue(inventory.listensOrListenedRecently(7211), "a service that just died still owns its resets");

        now[0] += ListenerHistory.RECENT_MILLIS;
        inventory.refresh();
        assertTrue(inventory.listensOrListenedRecently(7211), "five minutes to the millisecond: still recent");
        now[0] += 1;
        inventory.refresh();
        assertFalse(inventory.listensOrListenedRecently(7211), "gone for longer than five minutes");
        assertEquals(gone, inventory.lastOn(7211), "the history itself is kept");
    }

    /** Who listens on the port now, as the Port entries see it ("pid 4242 `java -jar collector.jar`"), or null. */
    private static String ownerOn(ListenerInventory inventory, int port) {
        ListenerLookup.Listening l = inventory.listeningOn(port);
        return l == null ? null : l.owner();
    }

    private static Listener listenerOn(ListenerInventory inventory, int port) {
        return inventory.current().stream()
                .filter(l -> l.port() == port)
                .findFirst()
                .orElseThrow();
    }

    /** Fault-matrix row: a process with a huge command line; a host with thousands of listeners. */
    @Test
    void aHugeCommandLineIsReadToItsLimitAndTheTableShowsItsFirstRowsOnly(@TempDir Path proc) throws Exception {
        listenerOwnedBy(proc, 999, "/usr/bin/server", "-D" + "x".repeat(10 << 20));
        StringBuilder tcp = new StringBuilder(Files.readString(proc.resolve("net/tcp"))); // 7211, with its owner
        for (int port = 1; port < ListenersView.MAX_ROWS + 500; port++) {
            tcp.append("   0: 0100007F:")
                    .append(String.format("%04X", port))
                    .append(" 00000000:0000 0A 00000000:00000000 00:00000000 00000000  999        0 ")
                    .append(100_000 + port)
                    .append(" 1\n");
        }
        Files.writeString(proc.resolve("net/tcp"), tcp);
        ListenerInventory inventory = inventory(proc, CommandLineDisclosure.FULL);
        inventory.refresh();
        String owner = ownerOn(inventory, 7211);
        assertTrue(owner.length() < OwnerResolver.MAX_CMDLINE_BYTES + 100, owner.length() + " characters");
        ListenersView view = new ListenersView(inventory, Services.read(proc.resolve("no-services")));
        assertEquals(ListenersView.MAX_ROWS, view.getListeners().length);
        assertEquals(1, view.getListeners()[0].port(), "lowest ports first");
        assertEquals(ListenersView.MAX_ROWS + 500, view.getListenersTotal());
    }

    /** A long command is cut in the middle: its program at the head, a JVM's main class at the tail. */
    @Test
    void aLongCommandKeepsItsProgramAndItsMainClass(@TempDir Path proc) throws Exception {
        listenerOwnedBy(proc, 999, "/usr/bin/java", "-cp", "/opt/app/lib/x.jar:".repeat(40), "com.example.Main");
        ListenerInventory inventory = inventory(proc, CommandLineDisclosure.REDACTED);
        inventory.refresh();
        String owner = ownerOn(inventory, 7211);
        assertTrue(owner.startsWith("pid 4242 `/usr/bin/java -cp /opt/app/lib/x.jar:"), owner);
        assertTrue(owner.contains(" ... ") && owner.endsWith("x.jar: com.example.Main`"), owner);
        assertTrue(owner.length() < 230, owner.length() + " characters");
    }

    /** A process with many listeners is read once, and its listeners share one command string. */
    @Test
    void theListenersOfOneProcessShareOneCommandString(@TempDir Path proc) throws Exception {
        listenerOwnedBy(proc, 999, "/usr/bin/server", "--port=7211");
        StringBuilder tcp = new StringBuilder(Files.readString(proc.resolve("net/tcp")));
        for (int i = 1; i <= 3; i++) {
            tcp.append("   0: 0100007F:")
                    .append(String.format("%04X", 8000 + i))
                    .append(" 00000000:0000 0A 00000000:00000000 00:00000000 00000000  999        0 ")
                    .append(5000 + i)
                    .append(" 1\n");
            Files.createSymbolicLink(proc.resolve("4242/fd/" + (10 + i)), Paths.get("socket:[" + (5000 + i) + "]"));
        }
        Files.writeString(proc.resolve("net/tcp"), tcp);
        ListenerInventory inventory = inventory(proc, CommandLineDisclosure.REDACTED);
        inventory.refresh();
        String command = listenerOn(inventory, 7211).command();
        for (int i = 1; i <= 3; i++) {
            assertSame(command, listenerOn(inventory, 8000 + i).command(), "port " + (8000 + i));
        }
    }

    @Test
    void historyIsBounded(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("net"));
        ListenerInventory inventory = inventory(proc, CommandLineDisclosure.REDACTED);
        for (int port = 1; port <= ListenerHistory.MAX_HISTORY + 50; port++) {
            Files.writeString(
                    proc.resolve("net/tcp"),
                    HEADER + "   0: 0100007F:" + String.format("%04X", port)
                            + " 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 " + (9000 + port)
                            + " 1\n");
            inventory.refresh();
        }
        Files.writeString(proc.resolve("net/tcp"), HEADER);
        inventory.refresh();
        assertEquals(
                ListenerHistory.MAX_HISTORY, inventory.gone(Integer.MAX_VALUE).size());
        assertNull(inventory.lastOn(1), "the oldest went first");
    }

    @Test
    void withoutReadableSocketTablesTheAnswersAreUnknownNotEmpty(@TempDir Path proc) throws Exception {
        ListenerInventory inventory = inventory(proc, CommandLineDisclosure.REDACTED);
        assertFalse(inventory.known(), "not read yet");
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(
                proc.resolve("net/tcp"),
                HEADER
                        + "   0: 0100007F:1C2B 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4711 1\n");
        inventory.refresh();
        assertTrue(inventory.known());
        Files.delete(proc.resolve("net/tcp")); // masked, or gVisor
        inventory.refresh();
        assertFalse(inventory.known());
        assertTrue(inventory.listensOrListenedRecently(7211), "the last snapshot is kept for the reset rules");
    }

    /**
     * Fault matrix: more fd links than one refresh may read. Each refresh goes on where the last one stopped,
     * so an owner far down the process list is found within a few refreshes instead of never.
     */
    @Test
    void theFdLinkBudgetResumesWhereTheLastRefreshStopped(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(
                proc.resolve("net/tcp"),
                HEADER
                        + "   0: 0100007F:1C2B 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4711 1\n");
        for (int pid : new int[] {100, 200, 300}) {
            Path fd = Files.createDirectories(proc.resolve(pid + "/fd"));
            for (int n = 0; n < 3; n++) {
                Files.createSymbolicLink(fd.resolve(Integer.toString(n)), Path.of("/dev/null"));
            }
            Files.write(proc.resolve(pid + "/cmdline"), ("server-" + pid + "\0").getBytes());
        }
        Files.delete(proc.resolve("300/fd/2"));
        Files.createSymbolicLink(proc.resolve("300/fd/2"), Path.of("socket:[4711]"));
        ListenerInventory inventory = inventory(proc, System::currentTimeMillis, 4, CommandLineDisclosure.REDACTED);
        inventory.refresh(); // pid 100 whole, one link of pid 200
        assertEquals("an unknown process", ownerOn(inventory, 7211));
        inventory.refresh(); // pid 200 again, whole, then one link of pid 300
        inventory.refresh(); // pid 300
        assertEquals("pid 300 `server-300`", ownerOn(inventory, 7211));
    }

    /**
     * Fault-matrix row: a host with a million sockets. A refresh streams /proc/net/tcp and allocates per listener:
     * measured with the thread's allocation counter (bytes, not time), 200 listeners among 10^6 sockets.
     */
    @Test
    void aMillionSocketsCostARefreshMemoryPerListenerNotPerSocket(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("net"));
        try (BufferedWriter w = Files.newBufferedWriter(proc.resolve("net/tcp"), StandardCharsets.US_ASCII)) {
            w.write(ProcNetTcpReaderTest.HEADER);
            for (int i = 0; i < 1_000_000; i++) {
                w.write(ProcNetTcpReaderTest.v4(
                        i % 10000, 1024 + i % 60000, i % 5000 == 0 ? "0A" : "01", 0, 100000L + i));
            }
        }
        ListenerInventory inventory = inventory(proc, CommandLineDisclosure.REDACTED);
        inventory.refresh(); // warm: classes loaded, buffers made
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        inventory.refresh();
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertEquals(200, inventory.current().size());
        assertTrue(allocated < 1024 * 1024, "a refresh of 10^6 sockets allocated " + allocated + " bytes");
    }

    /** A SYN_SENT line to 10.0.3.7:5432 with {@code retransmits} SYNs sent again, of uid {@code uid}. */
    private static String pending(int slot, int uid, long inode, int retransmits) {
        return String.format(
                "%4d: 0100007F:%04X 0703000A:1538 02 00000001:00000000 01:00000064 %08X %5d        0 %d 1\n",
                slot, 40000 + slot, retransmits, uid, inode);
    }

    /**
     * Issue 13, Waiting: pending connects grouped by destination and process, the oldest's age at least what its
     * SYN retransmissions say (1+2+4 s for three), else since first seen; another user's owner hidden under hidepid.
     */
    @Test
    void pendingConnectsAreGroupedByProcessWithTheOldestAge(@TempDir Path proc) throws Exception {
        listenerOwnedBy(proc, 1000, "java", "-jar", "billing.jar", "--password=x");
        Files.writeString(
                proc.resolve("net/tcp"),
                HEADER + pending(1, 1000, 6001, 0) + pending(2, 1000, 6002, 3) + pending(3, 999, 6003, 0));
        Path fd = proc.resolve("4242/fd");
        Files.createSymbolicLink(fd.resolve("7"), Paths.get("socket:[6001]"));
        Files.createSymbolicLink(fd.resolve("8"), Paths.get("socket:[6002]"));
        Files.writeString(proc.resolve("mounts"), "proc /proc proc rw,hidepid=2 0 0\n");
        long[] now = {1_000_000};
        ListenerInventory inventory =
                inventory(proc, () -> now[0], OwnerResolver.MAX_FD_LINKS_PER_REFRESH, CommandLineDisclosure.REDACTED);
        inventory.refresh();
        List<ListenerLookup.Waiting> waiting = inventory.waitingFor(5432);
        assertEquals(2, waiting.size(), waiting.toString());
        ListenerLookup.Waiting billing = waiting.get(0);
        assertEquals("pid 4242 `java -jar billing.jar --password=***`", billing.owner());
        assertEquals("10.0.3.7", io.rstwatch.decode.Addresses.format(billing.hi(), billing.lo()));
        assertEquals(2, billing.count());
        assertEquals(now[0] - 7000, billing.sinceMillis(), "three retransmissions: 1 + 2 + 4 s at least");
        assertEquals(OwnerResolver.HIDDEN_BY_HIDEPID, waiting.get(1).owner());
        assertEquals("postgres", waiting.get(1).user());
        assertTrue(inventory.waitingFor(5433).isEmpty());

        now[0] += 9000; // the young one still waits, first seen 9 s ago
        Files.writeString(proc.resolve("net/tcp"), HEADER + pending(1, 1000, 6001, 1));
        inventory.refresh();
        assertEquals(1_000_000, inventory.waitingFor(5432).get(0).sinceMillis());
        Files.writeString(proc.resolve("net/tcp"), HEADER);
        inventory.refresh();
        assertTrue(inventory.waitingFor(5432).isEmpty(), "answered or given up: gone");
    }

    /** Fault matrix: a SYN flood from this host; at most MAX_CONNECTING pending connects are followed. */
    @Test
    void pendingConnectsAreBounded(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("net"));
        StringBuilder sb = new StringBuilder(HEADER);
        for (int i = 0; i < PendingConnects.MAX_CONNECTING + 1000; i++) {
            sb.append(pending(i % 20000, 1000, 70000 + i, 0));
        }
        Files.writeString(proc.resolve("net/tcp"), sb.toString());
        ListenerInventory inventory = inventory(proc, CommandLineDisclosure.REDACTED);
        inventory.refresh();
        assertEquals(
                PendingConnects.MAX_CONNECTING,
                inventory.waitingFor(5432).stream()
                        .mapToInt(ListenerLookup.Waiting::count)
                        .sum());
    }

    /**
     * Issue 14: listing the SYN_SENT sockets walks the kernel's whole connection table, so they are asked for only
     * when a connect may be waiting: at the first refresh, while the last one found any, and when the kernel has
     * sent a SYN again since (a connect that waits does within 1 s); always when the counter cannot be read.
     */
    @Test
    void connectsAreListedOnlyWhenOneMayBeWaiting(@TempDir Path proc) throws Exception {
        listenerOwnedBy(proc, 1000, "server");
        long[] synRetransmissions = {40};
        List<Boolean> asked = new java.util.ArrayList<>();
        boolean[] waitingNow = {false};
        ListenerInventory inventory = withNetlink(
                proc,
                (sink, connects) -> {
                    asked.add(connects);
                    sink.listener(new Listener(0, 1, 8080, 4711, 0, 128, 1000, 0, Listener.UNKNOWN));
                    if (connects && waitingNow[0]) {
                        sink.connecting(new Connecting(0, 0x0A000307L, 5432, 1000, 4711, 1));
                    }
                    return true;
                },
                () -> synRetransmissions[0]);
        inventory.refresh(); // the first: asked
        inventory.refresh(); // none found, no SYN sent again: not asked
        assertEquals(List.of(true, false), asked);
        assertEquals(new ListenerLookup.Listening("pid 4242 `server`", 0, 128), inventory.listeningOn(8080));

        waitingNow[0] = true;
        synRetransmissions[0] = 41; // a connect's SYN went again
        inventory.refresh();
        assertEquals(1, inventory.waitingFor(5432).size(), "found once asked");
        inventory.refresh(); // the counter stands still, but the last refresh found one: asked, still there
        assertEquals(1, inventory.waitingFor(5432).size());
        waitingNow[0] = false;
        inventory.refresh(); // asked, gone
        assertTrue(inventory.waitingFor(5432).isEmpty());
        inventory.refresh(); // not asked
        assertEquals(List.of(true, false, true, true, true, false), asked);

        synRetransmissions[0] = -1; // not readable, or an older kernel without the column
        inventory.refresh();
        inventory.refresh();
        assertEquals(List.of(true, false, true, true, true, false, true, true), asked, "no counter: always asked");
    }

    /**
     * Issue 14: a walk for connects costs what the kernel's connection table holds (5 ms a second under a storm of
     * retried connects on a host full of TIME_WAIT sockets). The next waits a thousand times its CPU time, at most
     * 30 s; the connects found stay shown meanwhile, with when they were first seen; a clock stepped back does not
     * hold the walks off.
     */
    @Test
    void walksForConnectsAreSpacedToAThousandthOfACore(@TempDir Path proc) throws Exception {
        listenerOwnedBy(proc, 1000, "server");
        long[] now = {1_000_000};
        long[] cpu = {0};
        long[] walkNanos = {10_000_000}; // 10 ms: the next walk 10 s later
        long[] synRetransmissions = {40};
        List<Long> askedAt = new java.util.ArrayList<>();
        ListenerInventory inventory = withNetlink(
                proc,
                (sink, connects) -> {
                    sink.listener(new Listener(0, 1, 8080, 4711, 0, 128, 1000, 0, Listener.UNKNOWN));
                    if (connects) {
                        askedAt.add(now[0]);
                        cpu[0] += walkNanos[0];
                        sink.connecting(new Connecting(0, 0x0A000307L, 5432, 1000, 4711, 0));
                    }
                    return true;
                },
                () -> synRetransmissions[0]++, // SYNs go again all the time: a connect always may wait
                () -> now[0],
                () -> cpu[0]);
        for (int i = 0; i < 12; i++) {
            inventory.refresh();
            assertEquals(1, inventory.waitingFor(5432).size(), "the waiting connect stays shown, at " + now[0]);
            assertEquals(1_000_000, inventory.waitingFor(5432).get(0).sinceMillis());
            now[0] += 2000;
        }
        assertEquals(List.of(1_000_000L, 1_010_000L, 1_020_000L), askedAt, "every 10 s, not every 2 s");
        assertEquals(new ListenerLookup.Listening("pid 4242 `server`", 0, 128), inventory.listeningOn(8080));

        walkNanos[0] = 5_000_000_000L; // a walk of 5 s: the next no later than 30 s after it
        askedAt.clear();
        now[0] = 2_000_000;
        for (int i = 0; i < 20; i++) {
            inventory.refresh();
            now[0] += 2000;
        }
        assertEquals(List.of(2_000_000L, 2_030_000L), askedAt, "30 s at most");

        now[0] = 1_000; // the clock stepped back by much more than 30 s: the walk is due
        askedAt.clear();
        inventory.refresh();
        assertEquals(List.of(1_000L), askedAt);
    }

    /** An inventory of the fake /proc whose netlink answers as {@code netlink} says. */
    private static ListenerInventory withNetlink(Path proc, ListenerInventory.SocketDump netlink) {
        return withNetlink(proc, netlink, () -> -1);
    }

    /** The same, with the kernel's TCPSynRetrans as {@code synRetransmissions} says. */
    private static ListenerInventory withNetlink(
            Path proc, ListenerInventory.SocketDump netlink, java.util.function.LongSupplier synRetransmissions) {
        return withNetlink(proc, netlink, synRetransmissions, System::currentTimeMillis, () -> 0);
    }

    /** The same, on this clock, the scanner's CPU time as {@code threadCpuNanos} says. */
    private static ListenerInventory withNetlink(
            Path proc,
            ListenerInventory.SocketDump netlink,
            java.util.function.LongSupplier synRetransmissions,
            LongSupplier clock,
            LongSupplier threadCpuNanos) {
        return new ListenerInventory(
                proc,
                new OwnerResolver(
                        proc,
                        proc.resolve("passwd"),
                        CommandLineDisclosure.REDACTED,
                        OWN_UID,
                        OwnerResolver.MAX_FD_LINKS_PER_REFRESH),
                new PendingConnects(synRetransmissions, threadCpuNanos),
                new ListenBacklogs(),
                netlink,
                clock);
    }

    /**
     * Fault matrix: a netlink dump that breaks off after handing on part of the sockets (a truncated reply, an
     * error message) is thrown away and /proc/net/tcp read instead; a whole one is used as it is, backlogs and all.
     */
    @Test
    void aNetlinkDumpThatBreaksOffIsReplacedByProc(@TempDir Path proc) throws Exception {
        listenerOwnedBy(proc, 1000, "server");
        Listener ghost = new Listener(0, 1, 9999, 1, 0, 0, 1000, 0, Listener.UNKNOWN);
        ListenerInventory broken = withNetlink(proc, (sink, connects) -> {
            sink.listener(ghost);
            return false;
        });
        broken.refresh();
        assertEquals(
                List.of(7211), broken.current().stream().map(Listener::port).toList(), "/proc's, not the ghost");
        ListenerInventory whole = withNetlink(proc, (sink, connects) -> {
            sink.listener(new Listener(0, 1, 8080, 4711, 3, 128, 1000, 0, Listener.UNKNOWN));
            return true;
        });
        whole.refresh();
        assertEquals(new ListenerLookup.Listening("pid 4242 `server`", 3, 128), whole.listeningOn(8080));
        assertNull(whole.listeningOn(7211), "netlink's answer, not /proc's");
    }
}
