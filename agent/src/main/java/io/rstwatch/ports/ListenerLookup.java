package io.rstwatch.ports;

/**
 * What the Port entries need to know about listening sockets, answered by the listener inventory (which sits
 * above this package and implements it): who listens on a port, who listened there last, and, for the capture
 * threads, whether a port listens or listened lately.
 */
public interface ListenerLookup {
    /** No listener information (the inventory is not running): nothing listens, nothing went. */
    ListenerLookup NONE = new ListenerLookup() {
        @Override
        public String ownerOn(int port) {
            return null;
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

    /** Who listens on the port now, on any address ("pid 4242 `java -jar collector.jar`"), or null. */
    String ownerOn(int port);

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
