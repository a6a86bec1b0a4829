package io.rstwatch.listeners;

import io.rstwatch.common.ProcFiles;
import io.rstwatch.config.CommandLineDisclosure;
import io.rstwatch.config.ConfigFiles;
import io.rstwatch.ports.ListenerLookup;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Every LISTEN socket of the JVM's network namespace (/proc/net/tcp and tcp6), its owner found through the
 * socket inode in /proc/PID/fd, and a bounded history of listeners that went away; and the connects waiting for an
 * answer (SYN_SENT sockets, at most {@link #MAX_CONNECTING}) with their owners, for the Port entries' Waiting.
 * Refreshed in the background; readers get immutable snapshots. Owner lookup is incremental: only new inodes are
 * looked for, and one refresh reads at most {@link #MAX_FD_LINKS_PER_REFRESH} fd links, so a host with many
 * processes costs bounded work.
 *
 * <p>Other users' secrets stay theirs: command lines are shown as {@code listeners.cmdline} says
 * ({@link CommandLines}), and when /proc is mounted with {@code hidepid} the agent, even as root, names the owner
 * (pid and command line) of no socket but its own user's: it shows what that user could see, and the socket's
 * user, which /proc/net/tcp shows everyone anyway.
 */
public final class ListenerInventory implements ListenerLookup {
    static final int MAX_HISTORY = 1024;
    static final int MAX_FD_LINKS_PER_REFRESH = 50_000;
    /** How long a port that stopped listening still counts as a listening port for the reset rules. */
    static final long RECENT_MILLIS = 300_000;

    private static final int MAX_COMMAND = 200;
    /** Command lines can be megabytes (a JVM with a long class path): only this much is read. */
    static final int MAX_CMDLINE_BYTES = 4096;

    private static final int PORTS = 65536;

    /** Pending connects followed in one refresh: a SYN flood from this host has no more owners worth naming. */
    static final int MAX_CONNECTING = 4096;
    /** Linux's initial SYN retransmission timeout (TCP_TIMEOUT_INIT): a SYN sent again n times is 2^n - 1 s old. */
    private static final long INITIAL_RTO_MILLIS = 1000;

    static final String HIDDEN_BY_HIDEPID = "a process of another user, not shown: /proc is mounted with hidepid";
    private static final long MOUNTS_REREAD_MILLIS = 60_000;

    private final Path proc;
    private final CommandLines commandLines;
    private final UserNames users;
    /** The JVM's effective uid: under hidepid, only its sockets' owners are named. */
    private final long ownUid;

    private final ListenBacklogs backlogs;
    /** The kernel's cap on any listen backlog, re-read with the mounts. */
    private volatile int somaxconn = Integer.MAX_VALUE;

    private volatile boolean hidepid;
    private long mountsReadAt = Long.MIN_VALUE;
    /** Streams /proc/net/tcp{,6}: a refresh allocates per listener, not per socket. */
    private final ProcNetTcpReader reader = new ProcNetTcpReader();
    /**
     * Asks the kernel for the two states only, when this inventory reads the real /proc (null for a test's fake
     * one): a host full of connections or TIME_WAIT sockets is then not formatted as text.
     */
    private final SocketDump netlink;

    /** TcpExt TCPSynRetrans now, -1 when it cannot be read (then connects are always listed). */
    private final LongSupplier synRetransmissionsNow;

    /**
     * The kernel's count of SYNs sent again at the last refresh, and whether that refresh found a connect waiting:
     * the SYN_SENT sockets are asked for only when one of the two says a connect may be waiting now. Listeners
     * come from the kernel's small listening table; connects do not, and listing them walks the host's whole
     * connection table, TIME_WAIT sockets and all (bench/listener-scan), twice every {@code listeners.interval}. A connect that waits sends its SYN again after 1 s, so it is listed at most one
     * second plus one interval later than before.
     */
    private long synRetransmissionsSeen = Long.MIN_VALUE;

    private boolean connectsSeen = true;

    /**
     * A walk for connects waits this many times its own CPU time after the one before, so that the walks take a
     * thousandth of a core at most, however big the table, even under a storm of connects whose SYNs go again (a
     * full accept queue). On a quiet host a walk is short, and the connects are listed every interval as before.
     */
    static final long CONNECTS_SPACING = 1000;

    /** The longest wait between walks for connects: a connect that waits is still seen before it gives up. */
    static final long CONNECTS_SPACING_MAX_MILLIS = 30_000;

    /** The earliest time (clock, ms) of the next walk for connects. */
    private long connectsDueMillis = Long.MIN_VALUE;

    /** The scanner thread's CPU time, ns, to measure what a walk for connects cost. */
    private final LongSupplier threadCpuNanos;

    private final long ownPid = ProcessHandle.current().pid();
    private volatile List<Listener> current = List.of();
    /** The same listeners by port (one per port), for the Port MBeans' once-a-second lookups. */
    private volatile Map<Integer, Listener> byPort = Map.of();
    /** The pending connects by destination port, grouped by address and process. */
    private volatile Map<Integer, List<Waiting>> waitingByPort = Map.of();
    /** Pending connects' owners once found, and when each was first seen: kept while the socket is. */
    private final Map<Long, Owner> connectingOwners = new HashMap<>();

    private final Map<Long, Long> connectingSince = new HashMap<>();

    private volatile long refreshedAt;
    /** Whether the last refresh could read /proc/net/tcp or tcp6 (not under gVisor or a masked /proc). */
    private volatile boolean readable;
    /** Ports listening now or gone within {@link #RECENT_MILLIS}, as a 65536-bit set: read per packet. */
    private volatile long[] recentBits = new long[PORTS / 64];

    private final Map<Integer, GoneListener> gone =
            Collections.synchronizedMap(new LinkedHashMap<Integer, GoneListener>(64, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, GoneListener> eldest) {
                    return size() > MAX_HISTORY;
                }
            });
    private final Map<Long, Listener> byInode = new HashMap<>();
    /** Inodes a whole pass over /proc did not find (not permitted, or in another namespace): not looked for again. */
    private final Set<Long> unresolvable = new HashSet<>();
    /** fd links read at most in one refresh. */
    private final int fdBudget;
    /** Where the current pass over the processes stands: the last pid read, -1 at the start of a pass. */
    private long resumeAfter = -1;
    /** The inodes wanted when the current pass began: those still unfound when it ends are unresolvable. */
    private Set<Long> passWanted;

    /** A listener that went away: who it was and when it went. */
    public static final class GoneListener {
        final Listener listener;
        final long goneAtMillis;

        GoneListener(Listener listener, long goneAtMillis) {
            this.listener = listener;
            this.goneAtMillis = goneAtMillis;
        }

        public Listener listener() {
            return listener;
        }

        public long goneAtMillis() {
            return goneAtMillis;
        }
    }

    /** Lists the kernel's sockets of two states over netlink. */
    @FunctionalInterface
    interface SocketDump {
        /**
         * Hands the LISTEN sockets, and the SYN_SENT ones when {@code connects}, to {@code sink}; false when it
         * could not in full.
         */
        boolean read(ProcNetTcpReader.Sink sink, boolean connects);
    }

    /** A socket's process: pid 0 when not known or not shown, and then the command says which. */
    private record Owner(int pid, String command) {}

    private final LongSupplier clock;

    /**
     * @param backlogs the backlogs this JVM's own listeners asked for
     * @param synRetransmissions the kernel's TcpExt TCPSynRetrans of this namespace now, -1 when unknown
     */
    public ListenerInventory(
            Path proc, CommandLineDisclosure disclosure, ListenBacklogs backlogs, LongSupplier synRetransmissions) {
        this(
                proc,
                Paths.get("/etc/passwd"),
                disclosure,
                ConfigFiles.effectiveUid(proc),
                System::currentTimeMillis,
                MAX_FD_LINKS_PER_REFRESH,
                backlogs,
                // Netlink answers for the JVM's own namespace: only when that is the /proc being read.
                proc.equals(Paths.get("/proc")) ? new SockDiag()::read : null,
                synRetransmissions,
                ListenerInventory::threadCpuNanos);
    }

    /** This thread's CPU time, or the monotonic clock where the JVM does not measure it. */
    private static long threadCpuNanos() {
        long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        return cpu >= 0 ? cpu : System.nanoTime();
    }

    /**
     * @param passwd where user names come from
     * @param ownUid the JVM's effective uid
     * @param clock milliseconds since the epoch; tests move it
     * @param fdBudget fd links read at most in one refresh
     * @param netlink asks the kernel for the LISTEN sockets, and the SYN_SENT ones when told, false when it could
     *     not (then /proc is read); null to read /proc only
     * @param synRetransmissions the kernel's TcpExt TCPSynRetrans now, -1 when unknown
     * @param threadCpuNanos the calling thread's CPU time in ns (tests move it)
     */
    ListenerInventory(
            Path proc,
            Path passwd,
            CommandLineDisclosure disclosure,
            long ownUid,
            LongSupplier clock,
            int fdBudget,
            ListenBacklogs backlogs,
            SocketDump netlink,
            LongSupplier synRetransmissions,
            LongSupplier threadCpuNanos) {
        this.proc = proc;
        this.threadCpuNanos = threadCpuNanos;
        this.netlink = netlink;
        this.synRetransmissionsNow = synRetransmissions;
        this.backlogs = backlogs;
        this.users = new UserNames(passwd);
        this.commandLines = new CommandLines(disclosure);
        this.ownUid = ownUid;
        this.clock = clock;
        this.fdBudget = fdBudget;
    }

    /** The user name of a socket's uid, from the last read of the passwd file. */
    public String userName(long uid) {
        return users.name(uid);
    }

    /** Whether /proc is mounted with hidepid (as of the last minute). */
    boolean hidepid() {
        return hidepid;
    }

    /**
     * Reads the LISTEN and SYN_SENT sockets, resolves new owners, records the listeners that went. One thread
     * only.
     */
    public synchronized void refresh() {
        long startedAt = clock.getAsLong();
        users.refresh(startedAt);
        readMounts(startedAt);
        Map<Long, Listener> seen = new LinkedHashMap<>();
        List<Connecting> connecting = new ArrayList<>();
        ProcNetTcpReader.Sink sink = new ProcNetTcpReader.Sink() {
            @Override
            public void listener(Listener l) {
                Listener known = byInode.get(l.inode);
                seen.put(l.inode, known != null ? known.withQueue(l) : hiddenOrAsIs(l));
            }

            @Override
            public void connecting(Connecting c) {
                if (connecting.size() < MAX_CONNECTING) {
                    connecting.add(c);
                }
            }
        };
        long synRetransmissions = synRetransmissionsNow.getAsLong(); // -1 when unknown: connects always listed
        boolean mayWait = connectsSeen || synRetransmissions < 0 || synRetransmissions != synRetransmissionsSeen;
        // A clock stepped back by more than the longest wait makes the walk due, not late by the step.
        boolean due = startedAt >= connectsDueMillis || connectsDueMillis - startedAt > CONNECTS_SPACING_MAX_MILLIS;
        boolean askConnects = mayWait && due;
        long cpuBefore = askConnects ? threadCpuNanos.getAsLong() : 0;
        boolean read = netlink != null && netlink.read(sink, askConnects);
        if (askConnects) {
            long spacingMillis = (threadCpuNanos.getAsLong() - cpuBefore) * CONNECTS_SPACING / 1_000_000;
            connectsDueMillis = startedAt + Math.max(0, Math.min(spacingMillis, CONNECTS_SPACING_MAX_MILLIS));
        }
        // Connects are known now unless netlink left them out while a walk was not yet due: then the last ones
        // stand, with the times they were first seen.
        boolean connectsKnown = !read || askConnects || !mayWait;
        if (!read) {
            seen.clear(); // a netlink dump that broke off may have handed on part: /proc says it all again
            connecting.clear();
            for (String file : new String[] {"net/tcp", "net/tcp6"}) {
                try {
                    reader.read(proc.resolve(file), sink);
                    read = true;
                } catch (IOException | RuntimeException e) {
                    // tcp6 is absent when IPv6 is disabled
                }
            }
        }
        readable = read;
        if (!read) {
            return; // keep the last snapshot; the Port diagnoses say it is unknown now
        }
        if (connectsKnown) {
            synRetransmissionsSeen = synRetransmissions;
            connectsSeen = !connecting.isEmpty();
        }
        Set<Long> wanted = new HashSet<>();
        for (Listener l : seen.values()) {
            if (l.pid == 0 && Listener.UNKNOWN.equals(l.command)) {
                wanted.add(l.inode);
            }
        }
        Set<Long> connectingInodes = new HashSet<>();
        for (Connecting c : connecting) {
            connectingInodes.add(c.inode());
            if (!connectingOwners.containsKey(c.inode())) {
                if (hiddenByHidepid(c.uid() & 0xFFFF_FFFFL)) {
                    connectingOwners.put(c.inode(), new Owner(0, HIDDEN_BY_HIDEPID));
                } else {
                    wanted.add(c.inode());
                }
            }
        }
        Set<Long> present = new HashSet<>(seen.keySet());
        present.addAll(connectsKnown ? connectingInodes : connectingSince.keySet());
        for (Map.Entry<Long, Owner> found : resolveOwners(wanted, present).entrySet()) {
            Listener l = seen.get(found.getKey());
            if (l != null) {
                seen.put(
                        found.getKey(),
                        l.withOwner(found.getValue().pid(), found.getValue().command()));
            } else {
                connectingOwners.put(found.getKey(), found.getValue());
            }
        }
        long now = clock.getAsLong();
        if (connectsKnown) {
            waitingByPort = waiting(connecting, connectingInodes, now);
        }
        long[] bits = new long[PORTS / 64];
        Map<Integer, Listener> onPort = new HashMap<>();
        for (Listener l : seen.values()) {
            bits[l.port >>> 6] |= 1L << (l.port & 63);
            onPort.putIfAbsent(l.port, l);
            gone.remove(l.port);
        }
        for (Listener old : byInode.values()) {
            if (!onPort.containsKey(old.port)) {
                gone.remove(old.port); // re-inserted last, so the oldest entry is the one evicted
                gone.put(old.port, new GoneListener(old, now));
            }
        }
        byInode.clear();
        byInode.putAll(seen);
        synchronized (gone) {
            for (GoneListener g : gone.values()) {
                if (now - g.goneAtMillis <= RECENT_MILLIS) {
                    bits[g.listener.port >>> 6] |= 1L << (g.listener.port & 63);
                }
            }
        }
        recentBits = bits;
        current = List.copyOf(seen.values());
        byPort = Map.copyOf(onPort);
        refreshedAt = now;
    }

    /**
     * The pending connects grouped by destination and process. The oldest one's start is when it was first seen,
     * or earlier when its SYN was sent again more often than that allows: SYN retransmissions back off from 1 s.
     */
    private Map<Integer, List<Waiting>> waiting(List<Connecting> connecting, Set<Long> inodes, long now) {
        connectingOwners.keySet().retainAll(inodes);
        connectingSince.keySet().retainAll(inodes);
        record Key(long hi, long lo, int port, int pid, String command, int uid) {}
        Map<Key, Waiting> groups = new LinkedHashMap<>();
        for (Connecting c : connecting) {
            long seenAt = connectingSince.computeIfAbsent(c.inode(), i -> now);
            long since = Math.min(seenAt, now - INITIAL_RTO_MILLIS * ((1L << Math.min(c.retransmits(), 20)) - 1));
            Owner o = connectingOwners.getOrDefault(c.inode(), new Owner(0, Listener.UNKNOWN));
            Key key = new Key(c.remoteHi(), c.remoteLo(), c.remotePort(), o.pid(), o.command(), c.uid());
            groups.merge(
                    key,
                    new Waiting(
                            c.remoteHi(),
                            c.remoteLo(),
                            c.remotePort(),
                            o.pid(),
                            o.command(),
                            users.name(c.uid() & 0xFFFF_FFFFL),
                            1,
                            since),
                    (a, b) -> new Waiting(
                            a.hi(),
                            a.lo(),
                            a.port(),
                            a.pid(),
                            a.command(),
                            a.user(),
                            a.count() + 1,
                            Math.min(a.sinceMillis(), b.sinceMillis())));
        }
        Map<Integer, List<Waiting>> byDestination = new HashMap<>();
        for (Waiting w : groups.values()) {
            byDestination.computeIfAbsent(w.port(), p -> new ArrayList<>()).add(w);
        }
        byDestination.replaceAll((port, list) -> List.copyOf(list));
        return Map.copyOf(byDestination);
    }

    /** Under hidepid, another user's socket is never looked up: its owner stays hidden. */
    private Listener hiddenOrAsIs(Listener l) {
        return hiddenByHidepid(l.uid()) ? l.withOwner(0, HIDDEN_BY_HIDEPID) : l;
    }

    /** Whether a socket of this user has an owner the agent must not name: another user's, under hidepid. */
    private boolean hiddenByHidepid(long uid) {
        return hidepid && uid != ownUid;
    }

    /**
     * Whether /proc (this view of it) is mounted with hidepid other than 0/off, and net.core.somaxconn; re-read
     * once a minute.
     */
    private void readMounts(long now) {
        if (mountsReadAt != Long.MIN_VALUE && now - mountsReadAt < MOUNTS_REREAD_MILLIS) {
            return;
        }
        mountsReadAt = now;
        try {
            somaxconn = Integer.parseInt(
                    ProcFiles.read(proc.resolve("sys/net/core/somaxconn")).trim());
        } catch (IOException | RuntimeException e) {
            // unreadable: no cap known
        }
        boolean found = false;
        try {
            for (String line :
                    ProcFiles.readAtMost(proc.resolve("mounts"), 4 << 20).split("\n")) {
                String[] f = line.split(" ");
                if (f.length >= 4 && f[2].equals("proc") && f[1].equals("/proc")) {
                    for (String option : f[3].split(",")) {
                        if (option.startsWith("hidepid=")
                                && !option.equals("hidepid=0")
                                && !option.equals("hidepid=off")) {
                            found = true;
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: keep the last answer
            return;
        }
        hidepid = found;
    }

    @Override
    public boolean listensOrListenedRecently(int port) {
        return (recentBits[port >>> 6] & 1L << (port & 63)) != 0;
    }

    @Override
    public Listening listeningOn(int port) {
        Listener l = byPort.get(port);
        return l == null ? null : new Listening(l.owner(), l.acceptQueue(), backlog(l));
    }

    /**
     * The most connections the listener's accept queue holds: the kernel's figure when netlink gave it, else for
     * this JVM's own listeners the backlog they asked for, capped by net.core.somaxconn; else 0 (/proc/net/tcp
     * does not show it).
     */
    int backlog(Listener l) {
        if (l.backlog > 0) {
            return l.backlog; // the kernel's own figure, from netlink
        }
        int asked = l.pid() == ownPid ? backlogs.backlog(l.port()) : 0;
        return asked == 0 ? 0 : Math.min(somaxconn, asked);
    }

    @Override
    public List<Waiting> waitingFor(int port) {
        return waitingByPort.getOrDefault(port, List.of());
    }

    @Override
    public Departure lastOn(int port) {
        GoneListener g = gone.get(port); // insertion-ordered: a get does not reorder the history
        return g == null ? null : new Departure(g.listener.owner(), g.goneAtMillis);
    }

    public List<Listener> current() {
        return current;
    }

    /** The listeners that went away, most recent first, at most {@code limit}. */
    public List<GoneListener> gone(int limit) {
        List<GoneListener> out;
        synchronized (gone) {
            out = new ArrayList<>(gone.values());
        }
        out.sort((a, b) -> Long.compare(b.goneAtMillis, a.goneAtMillis));
        return out.subList(0, Math.min(limit, out.size()));
    }

    @Override
    public boolean known() {
        return readable;
    }

    public long refreshedAtMillis() {
        return refreshedAt;
    }

    /**
     * Finds the owners of sockets not seen before, reading at most {@code fdBudget} fd links a refresh. The
     * processes are read in pid order, and a refresh goes on where the last one stopped, so on a host with more
     * links than one budget every owner is found within a few refreshes. An inode still unfound after a whole
     * pass over every process (another namespace, not permitted) is not looked for again.
     *
     * @param wanted the inodes whose owners are not known yet
     * @param present every inode of interest in this refresh
     * @return the owners found
     */
    private Map<Long, Owner> resolveOwners(Set<Long> wanted, Set<Long> present) {
        wanted.removeAll(unresolvable);
        unresolvable.retainAll(present);
        Map<Long, Owner> found = new HashMap<>();
        if (wanted.isEmpty()) {
            return found;
        }
        int[] budget = {fdBudget};
        scanProcess(ownPid, wanted, found, budget); // this JVM's own sockets first, every time
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path p : dirs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid != ownPid) {
                    pids.add(pid);
                }
            }
        } catch (IOException | RuntimeException e) {
            return found;
        }
        pids.sort(null);
        if (passWanted == null) {
            passWanted = new HashSet<>(wanted);
        }
        int i = 0;
        while (i < pids.size() && pids.get(i) <= resumeAfter) {
            i++;
        }
        boolean wrapped = false;
        boolean first = true;
        while (!wanted.isEmpty() && budget[0] > 0) {
            if (i == pids.size()) { // a whole pass over every process is done
                passWanted.retainAll(wanted);
                unresolvable.addAll(passWanted);
                wanted.removeAll(passWanted);
                passWanted = new HashSet<>(wanted);
                resumeAfter = -1;
                i = 0;
                if (wrapped || pids.isEmpty()) {
                    break; // at most one pass a refresh
                }
                wrapped = true;
                continue;
            }
            long pid = pids.get(i);
            boolean complete = scanProcess(pid, wanted, found, budget);
            if (complete || first) {
                resumeAfter = pid; // a process with more links than a whole budget is passed over
            }
            if (!complete) {
                break;
            }
            first = false;
            i++;
        }
        return found;
    }

    /** Reads one process's fd links within the budget; true when all of them were read. */
    private boolean scanProcess(long pid, Set<Long> wanted, Map<Long, Owner> found, int[] budget) {
        Path pidDir = proc.resolve(Long.toString(pid));
        Owner owner = null; // one per process, read once, shared by all its sockets
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(pidDir.resolve("fd"))) {
            for (Path fd : fds) {
                if (budget[0] <= 0) {
                    return false;
                }
                budget[0]--;
                String target = Files.readSymbolicLink(fd).toString();
                if (target.startsWith("socket:[")) {
                    long inode = Long.parseLong(target.substring(8, target.length() - 1));
                    if (wanted.remove(inode)) {
                        if (owner == null) {
                            owner = new Owner((int) pid, command(pidDir));
                        }
                        found.put(inode, owner);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not permitted, or the process is gone: its sockets stay "unknown" for now
        }
        return true;
    }

    /** The process's command line, as much as {@code listeners.cmdline} allows, on one line. */
    private String command(Path pidDir) {
        try {
            String raw = ProcFiles.readAtMost(pidDir.resolve("cmdline"), MAX_CMDLINE_BYTES);
            List<String> argv = new ArrayList<>();
            for (String arg : raw.split("\0")) {
                // An argument may hold line breaks or escapes: single spaces, for one-line sentences.
                String a = arg.replaceAll("[\\x00-\\x1F\\x7F\\s]+", " ").trim();
                if (!a.isEmpty()) {
                    argv.add(a);
                }
            }
            String s = commandLines.shown(argv);
            // The head names the program; the tail, for a JVM, its main class after a long class path.
            return s.length() > MAX_COMMAND
                    ? s.substring(0, MAX_COMMAND / 2) + " ... " + s.substring(s.length() - MAX_COMMAND / 2)
                    : s;
        } catch (IOException e) {
            return Listener.UNKNOWN;
        }
    }
}
