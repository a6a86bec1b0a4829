package io.rstwatch.jmx;

@Description("The TCP listeners of this JVM's network namespace (from /proc/net/tcp and tcp6), with their owners"
        + " (through the socket inode in /proc/PID/fd), and the ones that went away.")
public interface ListenersMXBean {
    @Description("The LISTEN sockets now, lowest ports first (at most 1024 rows; ListenersTotal counts all): port,"
            + " address, owner pid and command line (pid 0 and unknown when /proc does not say; secrets redacted"
            + " and owners hidden as listeners.cmdline and hidepid say), the socket's user, connections"
            + " waiting in the accept queue, the service name, and the backlog the queue is measured against (the"
            + " kernel's, read over netlink; without netlink only this JVM's own listeners', 0 when unknown).")
    ListenerRow[] getListeners();

    @Description("How many LISTEN sockets there are now.")
    int getListenersTotal();

    @Description("Listeners that went away, most recent first: port, address, who it was and when it went"
            + " (the last 20 of a bounded history).")
    String[] getGone();

    @Description("When the listeners were last read (ISO-8601, UTC); every listeners.interval seconds.")
    String getRefreshedAt();
}
