package io.rstwatch.listeners;

import io.rstwatch.decode.Addresses;

/** One LISTEN socket: where, its accept queue now, and who owns it (pid 0 and "unknown" when not known). */
public final class Listener {
    final long addrHi;
    final long addrLo;
    final int port;
    final long inode;
    final int acceptQueue;
    final int pid;
    final String command;

    Listener(long addrHi, long addrLo, int port, long inode, int acceptQueue, int pid, String command) {
        this.addrHi = addrHi;
        this.addrLo = addrLo;
        this.port = port;
        this.inode = inode;
        this.acceptQueue = acceptQueue;
        this.pid = pid;
        this.command = command;
    }

    Listener withOwner(int ownerPid, String ownerCommand) {
        return new Listener(addrHi, addrLo, port, inode, acceptQueue, ownerPid, ownerCommand);
    }

    Listener withQueue(int queue) {
        return new Listener(addrHi, addrLo, port, inode, queue, pid, command);
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

    /** "pid 4242 `java -jar collector.jar`", or "an unknown process" when /proc would not say. */
    public String owner() {
        return pid > 0 ? "pid " + pid + " `" + command + "`" : "an unknown process";
    }
}
