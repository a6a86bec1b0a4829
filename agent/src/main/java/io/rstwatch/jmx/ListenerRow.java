package io.rstwatch.jmx;

/**
 * One row of the Listeners MBean: a LISTEN socket, its owner (pid 0 and "unknown" when /proc does not say, or
 * the reason it is not shown), the socket's user, its accept queue now, the service name, and its backlog (the
 * kernel's, over netlink; without netlink only this JVM's own listeners', asked for; 0 when unknown).
 */
public record ListenerRow(
        int port, String address, int pid, String command, String user, int acceptQueue, String service, int backlog) {}
