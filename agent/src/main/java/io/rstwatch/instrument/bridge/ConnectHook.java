package io.rstwatch.instrument.bridge;

import java.lang.invoke.MethodHandle;
import java.net.SocketAddress;

/**
 * The one place where the JDK's connect code (instrumented) meets the agent. Its bytes are renamed to
 * {@code jdk.internal.misc.RstwatchConnectHook} and defined in java.base, so that advice inlined into
 * java.net.Socket, sun.nio.ch.SocketChannelImpl and the HTTP client (java.net.http, to which java.base exports
 * that package) can call it; it is never loaded under this name. Libraries' classes reach the agent through
 * {@link LibraryHook} instead.
 *
 * <p>Why there: java.base exports jdk.internal.misc to no application module, so application code can neither
 * call these methods (to feed false events) nor read or replace the handles, even by reflection; only
 * {@code --add-opens java.base/jdk.internal.misc} would change that, and a JVM started so has given its code the
 * run of the JDK anyway. {@link #install} is package-private and write-once: the agent calls it through the private
 * lookup it defined the class with, right after defining it.
 *
 * <p>Each event method forwards to a method handle bound to the agent's recorder: a JDK type whose bound values
 * cannot be reached by reflection from outside java.base. Nothing here ever throws into the application.
 */
public final class ConnectHook {
    private static volatile MethodHandle connectFailed;
    private static volatile MethodHandle channelConnect;
    private static volatile MethodHandle finishConnect;
    private static volatile MethodHandle channelMade;
    private static volatile MethodHandle asked;
    private static volatile MethodHandle bound;
    private static volatile MethodHandle socketException;
    private static volatile MethodHandle resolverFailed;
    private static volatile MethodHandle lookupFailed;
    private static volatile MethodHandle addressUnresolved;
    private static volatile MethodHandle connected;
    private static volatile MethodHandle handshakeFailed;
    private static volatile MethodHandle handshakeDone;

    private ConnectHook() {}

    /**
     * Installs the handles, once: later calls change nothing and return false.
     *
     * @param onConnectFailed (Object socket, SocketAddress remote, Throwable thrown, long startNanos)void
     * @param onChannelConnect (Object channel, SocketAddress remote, Throwable thrown, boolean connected, long
     *     startNanos)void
     * @param onFinishConnect (Object channel, SocketAddress remote, Throwable thrown, boolean connected)void
     * @param onChannelMade (Object channel)void
     * @param onAsked (Object destination)void
     * @param onBound (SocketAddress local, int backlog)void
     * @param onSocketException (Throwable made)void
     * @param onResolverFailed (String host, Throwable thrown)void
     * @param onConnected (Object socket, SocketAddress remote, long startNanos)void
     * @param onHandshakeFailed (Object context, String alert, boolean fromPeer, Throwable thrown)void
     * @param onHandshakeDone (Object context)void
     * @param onLookupFailed (String host, Throwable thrown)void
     * @param onAddressUnresolved (Object address)void
     */
    static synchronized boolean install(
            MethodHandle onConnectFailed,
            MethodHandle onChannelConnect,
            MethodHandle onFinishConnect,
            MethodHandle onChannelMade,
            MethodHandle onAsked,
            MethodHandle onBound,
            MethodHandle onSocketException,
            MethodHandle onResolverFailed,
            MethodHandle onConnected,
            MethodHandle onHandshakeFailed,
            MethodHandle onHandshakeDone,
            MethodHandle onLookupFailed,
            MethodHandle onAddressUnresolved) {
        if (bound != null) {
            return false;
        }
        socketException = onSocketException;
        resolverFailed = onResolverFailed;
        lookupFailed = onLookupFailed;
        addressUnresolved = onAddressUnresolved;
        connected = onConnected;
        handshakeFailed = onHandshakeFailed;
        handshakeDone = onHandshakeDone;
        connectFailed = onConnectFailed;
        channelConnect = onChannelConnect;
        finishConnect = onFinishConnect;
        channelMade = onChannelMade;
        asked = onAsked;
        bound = onBound; // last: it marks the hook installed
        return true;
    }

    /** java.net.Socket.connect threw; it was called at {@code startNanos} (System.nanoTime). */
    public static void connectFailed(Object socket, SocketAddress remote, Throwable thrown, long startNanos) {
        MethodHandle h = connectFailed;
        if (h != null) {
            try {
                h.invokeExact(socket, remote, thrown, startNanos);
            } catch (Throwable ignored) {
                // never into the application
            }
        }
    }

    /** A channel's connect, called at {@code startNanos}, threw, or returned with the connect still pending. */
    public static void channelConnect(
            Object channel, SocketAddress remote, Throwable thrown, boolean connected, long startNanos) {
        MethodHandle h = channelConnect;
        if (h != null) {
            try {
                h.invokeExact(channel, remote, thrown, connected, startNanos);
            } catch (Throwable ignored) {
                // never into the application
            }
        }
    }

    /** A socket's or a channel's connect, called at {@code startNanos}, connected. */
    public static void connected(Object socket, SocketAddress remote, long startNanos) {
        MethodHandle h = connected;
        if (h != null) {
            try {
                h.invokeExact(socket, remote, startNanos);
            } catch (Throwable ignored) {
                // never into the application
            }
        }
    }

    /**
     * JSSE's TransportContext {@code context} (an SSLSocket's or SSLEngine's) met its first fatal alert before its
     * handshake completed: the handshake failed.
     */
    public static void handshakeFailed(Object context, String alert, boolean fromPeer, Throwable thrown) {
        MethodHandle h = handshakeFailed;
        if (h != null) {
            try {
                h.invokeExact(context, alert, fromPeer, thrown);
            } catch (Throwable ignored) {
                // never into the application
            }
        }
    }

    /** JSSE's TransportContext {@code context} completed a handshake. */
    public static void handshakeDone(Object context) {
        MethodHandle h = handshakeDone;
        if (h != null) {
            try {
                h.invokeExact(context);
            } catch (Throwable ignored) {
                // never into the application
            }
        }
    }

    /** A pending connect ended: finishConnect threw or returned true. */
    public static void finishConnect(Object channel, SocketAddress remote, Throwable thrown, boolean connected) {
        MethodHandle h = finishConnect;
        if (h != null) {
            try {
                h.invokeExact(channel, remote, thrown, connected);
            } catch (Throwable ignored) {
                // never into the application
            }
        }
    }

    /** A client SocketChannel was made on this thread: its connect may finish on another (Netty's NIO). */
    public static void channelMade(Object channel) {
        MethodHandle h = channelMade;
        if (h != null) {
            try {
                h.invokeExact(channel);
            } catch (Throwable ignored) {
                // never into the application
            }
        }
    }

    /**
     * A client is about to connect to {@code destination}, on the thread that asked for it: an HttpRequest that
     * java.net.http sends, or the URI a client asks the default ProxySelector about.
     */
    public static void asked(Object destination) {
        MethodHandle h = asked;
        if (h != null) {
            try {
                h.invokeExact(destination);
            } catch (Throwable ignored) {
                // never into the application
            }
        }
    }

    /**
     * A java.net.SocketException (or a subclass) was made: how a connect that the JDK's code never saw fails,
     * such as one of Netty's native transports, becomes known.
     */
    public static void socketException(Throwable made) {
        MethodHandle h = socketException;
        if (h != null) {
            try {
                h.invokeExact(made);
            } catch (Throwable ignored) {
                // never into the application
            }
        }
    }

    /**
     * The name service (the resolver, not the JVM's cache) failed to resolve {@code host}: InetAddress's look-up
     * threw {@code thrown}, whose message carries the resolver's reason.
     */
    public static void resolverFailed(String host, Throwable thrown) {
        MethodHandle h = resolverFailed;
        if (h != null) {
            try {
                h.invokeExact(host, thrown);
            } catch (Throwable ignored) {
                // never into the application
            }
        }
    }

    /**
     * InetAddress.getAllByName({@code host}), behind getByName too, threw {@code thrown}: from the resolver or from
     * the JVM's cache of failed names.
     */
    public static void lookupFailed(String host, Throwable thrown) {
        MethodHandle h = lookupFailed;
        if (h != null) {
            try {
                h.invokeExact(host, thrown);
            } catch (Throwable ignored) {
                // never into the application
            }
        }
    }

    /** An InetSocketAddress was made with a name that did not resolve. */
    public static void addressUnresolved(Object address) {
        MethodHandle h = addressUnresolved;
        if (h != null) {
            try {
                h.invokeExact(address);
            } catch (Throwable ignored) {
                // never into the application
            }
        }
    }

    /** A server socket of this JVM was bound, asking for {@code backlog}. */
    public static void bound(SocketAddress local, int backlog) {
        MethodHandle h = bound;
        if (h != null) {
            try {
                h.invokeExact(local, backlog);
            } catch (Throwable ignored) {
                // never into the application
            }
        }
    }
}
