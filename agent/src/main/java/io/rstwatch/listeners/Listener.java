package io.rstwatch.listeners;

import io.rstwatch.decode.Addresses;
import io.rstwatch.ports.ListenerLookup;

/**
 * One LISTEN socket: where, its accept queue now, the socket's user (the uid /proc/net/tcp shows everyone), and
 * who owns it (pid 0 and "unknown" when not known, or not to be shown: see {@link ListenerInventory}).
 */
public final class Listener {
    static final String UNKNOWN = ListenerLookup.UNKNOWN;

    final long addrHi;
    final long addrLo;
    final int port;
    final long inode;
    final int acceptQueue;
    /** The most the accept queue holds (its backlog, as the kernel capped it), or 0 when not known. */
    final int backlog;
    /** Unsigned. */
    final int uid;

    final int pid;
    final String command;

    Listener(
            long addrHi,
            long addrLo,
            int port,
            long inode,
            int acceptQueue,
            int backlog,
            int uid,
            int pid,
            String command) {
        this.addrHi = addrHi;
        this.addrLo = addrLo;
        this.port = port;
        this.inode = inode;
        this.acceptQueue = acceptQueue;
        this.backlog = backlog;
        this.uid = uid;
        this.pid = pid;
        this.command = command;
    }

    Listener withOwner(int ownerPid, String ownerCommand) {
        return new Listener(addrHi, addrLo, port, inode, acceptQueue, backlog, uid, ownerPid, ownerCommand);
    }

    /** The same socket as read again: its queue now, and its backlog when this read knows it. */
    Listener withQueue(Listener now) {
        return new Listener(
                addrHi,
                addrLo,
                port,
                inode,
                now.acceptQueue,
                now.backlog > 0 ? now.backlog : backlog,
                uid,
                pid,
                command);
    }

    public long uid() {
        return uid & 0xFFFF_FFFFL;
    }

    public int port() {
        return port;
    }

    public String address() {
        return Addresses.format(addrHi, addrLo);
    }

    public int acceptQueue() {
        return acceptQueue;
    }

    public int pid() {
        return pid;
    }

    public String command() {
        return command;
    }

    /**
     * "pid 4242 `java -jar collector.jar`", or "an unknown process" when /proc would not say, or the reason it is
     * not shown.
     */
    public String owner() {
        return ListenerLookup.owner(pid, command);
    }
}
