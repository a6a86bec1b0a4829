package io.rstwatch.instrument;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The code that started a connect which another thread finishes: an event loop of Netty's (NIO or native), the
 * JDK HttpClient's workers; and the port a name was looked up for. When a failure's own stack shows only a thread ({@link Callers.Caller#thread}), the
 * origin names the application instead. Two kinds, each recorded on the thread that started the work:
 * <ul>
 * <li><b>made</b>: the socket object was created there. Netty creates its channel, and with it the JDK's
 *     SocketChannel or its own native socket, on the thread that calls {@code Bootstrap.connect} or
 *     {@code register} (so do gRPC, Lettuce and Reactor Netty), then connects on the event loop.
 * <li><b>asked</b>: a connect to that destination was asked for there ({@code HttpClient.sendAsync}, whose exchange
 *     runs on the client's executor from the start; Netty's {@code Bootstrap.connect}).
 * </ul>
 * Both are bounded and hold no socket: a socket is known by its identity hash, in a table of fixed size whose
 * newest entry wins a slot, and an entry is trusted for {@link #MAX_AGE_NANOS} only. The destinations are the
 * {@link #MAX_DESTINATIONS} asked last.
 */
final class Origins {
    /** Sockets in flight remembered at once; a busy pool's collisions cost an origin, never a count. */
    static final int SOCKETS = 1024;

    static final int MAX_DESTINATIONS = 256;
    /** A connect starts within moments of its socket's creation; an entry older than this is another's. */
    static final long MAX_AGE_NANOS = 60_000_000_000L;

    private static final class Made {
        final int identity;
        final Callers.Caller caller;
        final long atNanos;

        Made(int identity, Callers.Caller caller, long atNanos) {
            this.identity = identity;
            this.caller = caller;
            this.atNanos = atNanos;
        }
    }

    private final AtomicReferenceArray<Made> made = new AtomicReferenceArray<>(SOCKETS);

    private final Map<String, Callers.Caller> asked = new LinkedHashMap<String, Callers.Caller>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Callers.Caller> eldest) {
            return size() > MAX_DESTINATIONS;
        }
    };

    /** {@code socket} was created by {@code caller}, just now. */
    void made(Object socket, Callers.Caller caller, long nowNanos) {
        int identity = System.identityHashCode(socket);
        made.set(slot(identity), new Made(identity, caller, nowNanos));
    }

    /** Who created {@code socket}, or null when not known (or no longer). */
    Callers.Caller madeBy(Object socket, long nowNanos) {
        int identity = System.identityHashCode(socket);
        Made m = made.get(slot(identity));
        return m != null && m.identity == identity && nowNanos - m.atNanos < MAX_AGE_NANOS ? m.caller : null;
    }

    /** {@code caller} sent a request to {@code destination} ("host:port", the host as the application gave it). */
    void asked(String destination, Callers.Caller caller) {
        synchronized (asked) {
            asked.put(destination, caller);
        }
    }

    /** Who last sent a request to {@code destination}, or null. */
    Callers.Caller askedBy(String destination) {
        synchronized (asked) {
            return asked.get(destination);
        }
    }

    /**
     * The port of the destination last asked for under {@code host} (as the application gave it, in any case), or
     * -1: what a look-up of that name was for.
     */
    int askedPort(String host) {
        int port = -1;
        synchronized (asked) {
            for (String destination : asked.keySet()) { // in order of use: the last match wins
                int colon = host.length();
                if (destination.length() > colon + 1
                        && destination.charAt(colon) == ':'
                        && destination.regionMatches(true, 0, host, 0, colon)) {
                    port = portOf(destination, colon + 1, port);
                }
            }
        }
        return port;
    }

    /** The digits of {@code destination} from {@code from} as a number, or {@code otherwise} if they are not one. */
    private static int portOf(String destination, int from, int otherwise) {
        int port = 0;
        for (int i = from; i < destination.length(); i++) {
            char c = destination.charAt(i);
            if (c < '0' || c > '9' || port > 65535) {
                return otherwise;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535 ? port : otherwise;
    }

    /** Spreads identity hashes, whose low bits are not all random, over the slots. */
    private static int slot(int identity) {
        int h = identity * 0x9E3779B9;
        return (h ^ (h >>> 16)) & (SOCKETS - 1);
    }
}
