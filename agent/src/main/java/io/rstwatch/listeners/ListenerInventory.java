package io.rstwatch.listeners;

import io.rstwatch.common.ProcFiles;
import io.rstwatch.config.CommandLineDisclosure;
import io.rstwatch.config.ConfigFiles;
import io.rstwatch.listeners.ListenerHistory.GoneListener;
import io.rstwatch.listeners.OwnerResolver.Owner;
import io.rstwatch.ports.ListenerLookup;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Every LISTEN socket of the JVM's network namespace, and the connects waiting for an answer: each refresh asks
 * the kernel over netlink (or reads /proc/net/tcp and tcp6), has the {@link OwnerResolver} name the owners of
 * sockets not seen before, and hands what changed to the {@link ListenerHistory} and the {@link PendingConnects}.
 * Refreshed in the background; readers get immutable snapshots.
 */
public final class ListenerInventory implements ListenerLookup {
    private static final long SOMAXCONN_REREAD_MILLIS = 60_000;

    private final Path proc;
    private final OwnerResolver owners;
    private final PendingConnects connects;
    private final ListenerHistory history = new ListenerHistory();
    private final ListenBacklogs backlogs;
    private final LongSupplier clock;
    /** Streams /proc/net/tcp{,6}: a refresh allocates per listener, not per socket. */
    private final ProcNetTcpReader reader = new ProcNetTcpReader();
    /**
     * Asks the kernel for the two states only, when this inventory reads the real /proc (null for a test's fake
     * one): a host full of connections or TIME_WAIT sockets is then not formatted as text.
     */
    private final SocketDump netlink;

    private final long ownPid = ProcessHandle.current().pid();
    /** The kernel's cap on any listen backlog, re-read once a minute. */
    private volatile int somaxconn = Integer.MAX_VALUE;

    private long somaxconnReadAt = Long.MIN_VALUE;
    private volatile List<Listener> current = List.of();
    /** The same listeners by port (one per port), for the Port MBeans' once-a-second lookups. */
    private volatile Map<Integer, Listener> byPort = Map.of();

    private final Map<Long, Listener> byInode = new HashMap<>();
    private volatile long refreshedAt;
    /** Whether the last refresh could read /proc/net/tcp or tcp6 (not under gVisor or a masked /proc). */
    private volatile boolean readable;

    /** Lists the kernel's sockets of two states over netlink. */
    @FunctionalInterface
    interface SocketDump {
        /**
         * Hands the LISTEN sockets, and the SYN_SENT ones when {@code connects}, to {@code sink}; false when it
         * could not in full.
         */
        boolean read(ProcNetTcpReader.Sink sink, boolean connects);
    }

    /**
     * @param backlogs the backlogs this JVM's own listeners asked for
     * @param synRetransmissions the kernel's TcpExt TCPSynRetrans of this namespace now, -1 when unknown
     */
    public ListenerInventory(
            Path proc, CommandLineDisclosure disclosure, ListenBacklogs backlogs, LongSupplier synRetransmissions) {
        this(
                proc,
                new OwnerResolver(
                        proc,
                        Paths.get("/etc/passwd"),
                        disclosure,
                        ConfigFiles.effectiveUid(proc),
                        OwnerResolver.MAX_FD_LINKS_PER_REFRESH),
                new PendingConnects(synRetransmissions, ListenerInventory::threadCpuNanos),
                backlogs,
                // Netlink answers for the JVM's own namespace: only when that is the /proc being read.
                proc.equals(Paths.get("/proc")) ? new SockDiag()::read : null,
                System::currentTimeMillis);
    }

    /** This thread's CPU time, or the monotonic clock where the JVM does not measure it. */
    private static long threadCpuNanos() {
        long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        return cpu >= 0 ? cpu : System.nanoTime();
    }

    /**
     * @param netlink asks the kernel for the LISTEN sockets, and the SYN_SENT ones when told, false when it could
     *     not (then /proc is read); null to read /proc only
     * @param clock milliseconds since the epoch; tests move it
     */
    ListenerInventory(
            Path proc,
            OwnerResolver owners,
            PendingConnects connects,
            ListenBacklogs backlogs,
            SocketDump netlink,
            LongSupplier clock) {
        this.proc = proc;
        this.owners = owners;
        this.connects = connects;
        this.backlogs = backlogs;
        this.netlink = netlink;
        this.clock = clock;
    }

    /** Who owns what: for the connecting clients, on the scanner thread this inventory's refresh runs on. */
    OwnerResolver owners() {
        return owners;
    }

    /** The user name of a socket's uid, from the last read of the passwd file. */
    public String userName(long uid) {
        return owners.userName(uid);
    }

    /**
     * Reads the LISTEN and SYN_SENT sockets, resolves new owners, records the listeners that went. One thread
     * only.
     */
    public synchronized void refresh() {
        long startedAt = clock.getAsLong();
        owners.refresh(startedAt);
        readSomaxconn(startedAt);
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
                if (connecting.size() < PendingConnects.MAX_CONNECTING) {
                    connecting.add(c);
                }
            }
        };
        boolean askConnects = connects.ask(startedAt);
        boolean read = netlink != null && netlink.read(sink, askConnects);
        connects.asked(startedAt, read);
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
        Set<Long> wanted = new HashSet<>();
        for (Listener l : seen.values()) {
            if (l.pid == 0 && Listener.UNKNOWN.equals(l.command)) {
                wanted.add(l.inode);
            }
        }
        Set<Long> present = new HashSet<>(seen.keySet());
        connects.take(connecting, owners, wanted, present);
        for (Map.Entry<Long, Owner> found : owners.resolve(wanted, present).entrySet()) {
            Listener l = seen.get(found.getKey());
            if (l != null) {
                seen.put(
                        found.getKey(),
                        l.withOwner(found.getValue().pid(), found.getValue().command()));
            } else {
                connects.found(found.getKey(), found.getValue());
            }
        }
        long now = clock.getAsLong();
        connects.publish(connecting, owners, now);
        Map<Integer, Listener> onPort = new HashMap<>();
        for (Listener l : seen.values()) {
            onPort.putIfAbsent(l.port, l);
        }
        history.update(byInode.values(), onPort, now);
        byInode.clear();
        byInode.putAll(seen);
        current = List.copyOf(seen.values());
        byPort = Map.copyOf(onPort);
        refreshedAt = now;
    }

    /** Under hidepid, another user's socket is never looked up: its owner stays hidden. */
    private Listener hiddenOrAsIs(Listener l) {
        return owners.hidden(l.uid()) ? l.withOwner(0, OwnerResolver.HIDDEN_BY_HIDEPID) : l;
    }

    /** net.core.somaxconn, once a minute. */
    private void readSomaxconn(long now) {
        if (somaxconnReadAt != Long.MIN_VALUE && now - somaxconnReadAt < SOMAXCONN_REREAD_MILLIS) {
            return;
        }
        somaxconnReadAt = now;
        try {
            somaxconn = Integer.parseInt(
                    ProcFiles.read(proc.resolve("sys/net/core/somaxconn")).trim());
        } catch (IOException | RuntimeException e) {
            // unreadable: no cap known
        }
    }

    @Override
    public boolean listensOrListenedRecently(int port) {
        return history.listensOrListenedRecently(port);
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
        return connects.waitingFor(port);
    }

    @Override
    public Departure lastOn(int port) {
        GoneListener g = history.lastOn(port);
        return g == null ? null : new Departure(g.listener().owner(), g.goneAtMillis());
    }

    public List<Listener> current() {
        return current;
    }

    /** The listeners that went away, most recent first, at most {@code limit}. */
    List<GoneListener> gone(int limit) {
        return history.gone(limit);
    }

    @Override
    public boolean known() {
        return readable;
    }

    public long refreshedAtMillis() {
        return refreshedAt;
    }
}
