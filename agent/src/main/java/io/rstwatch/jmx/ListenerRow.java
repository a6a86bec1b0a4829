package io.rstwatch.jmx;

import javax.management.ConstructorParameters;

/** One row of rstwatch:type=Listeners (an open-type CompositeData in JMX clients). */
public final class ListenerRow {
    private final int port;
    private final String address;
    private final int pid;
    private final String command;
    private final int acceptQueue;
    private final String service;
    private final int backlog;

    @ConstructorParameters({"port", "address", "pid", "command", "acceptQueue", "service", "backlog"})
    public ListenerRow(int port, String address, int pid, String command, int acceptQueue, String service,
            int backlog) {
        this.backlog = backlog;
        this.port = port;
        this.address = address;
        this.pid = pid;
        this.command = command;
        this.acceptQueue = acceptQueue;
        this.service = service;
    }

    public int getPort() {
        return port;
    }

    public String getAddress() {
        return address;
    }

    public int getPid() {
        return pid;
    }

    public String getCommand() {
        return command;
    }

    public int getAcceptQueue() {
        return acceptQueue;
    }

    public String getService() {
        return service;
    }

    /** The backlog this JVM asked for when it owns the listener (capped by net.core.somaxconn); 0 otherwise. */
    public int getBacklog() {
        return backlog;
    }
}
