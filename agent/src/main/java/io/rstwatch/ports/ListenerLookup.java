package io.rstwatch.ports;

import java.util.List;

/**
 * What the Port entries need to know about this host's sockets, answered by the listener inventory (which sits
 * above this package and implements it): who listens on a port and how full its accept queue is, who listened
 * there last, who is waiting for a connect to a port, and, for the capture threads, whether a port listens or
 * listened lately.
 */
public interface ListenerLookup {
    /** The command of an owner /proc would not name. */
    String UNKNOWN = "unknown";

    /** No listener information (the inventory is not running): nothing listens, nothing went. */
    ListenerLookup NONE = new ListenerLookup() {
        @Override
        public Listening listeningOn(int port) {
            return null;
        }

        @Override
        public List<Waiting> waitingFor(int port) {
            return List.of();
        }

        @Override
        public Departure lastOn(int port) {
            return null;
        }

        @Override
        public boolean listensOrListenedRecently(int port) {
            return false;
        }

        @Override
        public boolean known() {
            return false;
        }
    };

    /** A listener that went away: who it was ("pid 4242 `java -jar collector.jar`") and when it went. */
    record Departure(String owner, long goneAtMillis) {}

    /**
     * A listener now: who it is, how many connections wait in its accept queue, and the most it holds (its
     * backlog, capped by net.core.somaxconn), known for this JVM's own listeners only, else 0.
     */
    record Listening(String owner, int acceptQueue, int backlog) {
        /** The kernel drops new SYNs once the queue holds more than the backlog. */
        public boolean queueFull() {
            return backlog > 0 && acceptQueue > backlog;
        }
    }

    /**
     * Connects on this host waiting for an answer from one address and port, of one process: how many, and
     * since when the oldest waits.
     *
     * @param pid the process, 0 when it is not known or not to be shown ({@code command} then says which)
     * @param command its command line as {@code listeners.cmdline} allows
     * @param user the sockets' user name
     * @param sinceMillis when the oldest of them began, at the latest (epoch ms)
     */
    record Waiting(long hi, long lo, int port, int pid, String command, String user, int count, long sinceMillis) {
        public String owner() {
            return ListenerLookup.owner(pid, command);
        }
    }

    /**
     * "pid 4242 `java -jar collector.jar`", or "an unknown process" when /proc would not say, or the reason it is
     * not shown (the command then holds that reason).
     */
    static String owner(int pid, String command) {
        return pid > 0 ? "pid " + pid + " `" + command + "`" : UNKNOWN.equals(command) ? "an unknown process" : command;
    }

    /** Who listens on the port now, on any address, or null. */
    Listening listeningOn(int port);

    /** The connects on this host waiting for an answer from {@code port} (on any address), as last read. */
    List<Waiting> waitingFor(int port);

    /** Who listened on the port last and when it went, or null when no listener was seen to go. */
    Departure lastOn(int port);

    /**
     * Listening now, or at any refresh in the last five minutes: resets often come just after a service died,
     * when its port no longer shows as listening. Read per packet: no lock, no allocation.
     */
    boolean listensOrListenedRecently(int port);

    /**
     * Whether the answers above are known: false before the first read of the listening sockets and whenever
     * they cannot be read (a masked /proc, gVisor). Then nobody can say that nothing listens.
     */
    boolean known();
}
