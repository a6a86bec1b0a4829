package io.rstwatch.instrument.bridge;

import java.lang.invoke.MethodHandle;
import java.net.SocketAddress;
import java.util.function.BiConsumer;

/**
 * Where a library's instrumented classes (Netty's native socket, shaded or not) meet the agent. Like
 * {@link ConnectHook}, its bytes are renamed into java.base's jdk.internal.misc, which no application module can
 * link against; a library class reaches it without linking, as {@code (BiConsumer) Class.forName(NAME, false,
 * null).getEnumConstants()[0]}, through a JDK interface.
 *
 * <p>So the application's code can reach it too. What it passes is therefore taken as a hint: "a socket was made on
 * this thread", "its connect failed on this thread" (the address then is read from the channel itself), "the code on
 * this thread asked to connect there", "its connect returned, or finished". No failure is counted on a hint: those
 * come from the JDK's connect code and the exceptions it makes. The worst a forged hint does is name one of the
 * application's own frames as the origin of one of its own connects, give the port one of its own failed look-ups
 * is counted under, or add a connect that never was to an endpoint's times (a native connect's success is known
 * from Netty's socket alone).
 */
public enum LibraryHook implements BiConsumer<Object, Object> {
    INSTANCE;

    private static volatile MethodHandle made;
    private static volatile MethodHandle failed;
    private static volatile MethodHandle ringFailed;
    private static volatile MethodHandle asked;
    private static volatile MethodHandle connect;
    private static volatile MethodHandle finished;

    /** The second argument of a library's "the code on this thread asked to connect to this address". */
    public static final String ASKED = "asked";

    /**
     * Installs the handles, once: later calls change nothing and return false.
     *
     * @param onMade (Object socket)void
     * @param onFailed (Object socket, Throwable thrown)void
     * @param onRingFailed (Object channel, int errno)void
     * @param onAsked (Object destination)void
     * @param onConnect (Object socket, SocketAddress remote, long startNanos, boolean connected)void
     * @param onFinished (Object socket)void
     */
    static synchronized boolean install(
            MethodHandle onMade,
            MethodHandle onFailed,
            MethodHandle onRingFailed,
            MethodHandle onAsked,
            MethodHandle onConnect,
            MethodHandle onFinished) {
        if (made != null) {
            return false;
        }
        failed = onFailed;
        ringFailed = onRingFailed;
        asked = onAsked;
        connect = onConnect;
        finished = onFinished;
        made = onMade; // last: it marks the hook installed
        return true;
    }

    /**
     * {@code hint} null: {@code socket} was made on this thread. A Throwable: the connect of {@code socket}
     * failed on this thread with it. An Integer: the connect of the io_uring channel {@code socket} completed on
     * this thread with that negative errno. {@link #ASKED}: the code on this thread asked the library to connect to
     * the address {@code socket} (Netty's Bootstrap), which may be resolved and connected on another thread. An
     * Object[] {SocketAddress remote, Long startNanos, Boolean connected}: the connect of {@code socket} to remote,
     * called at startNanos, returned, connected or in progress. {@link Boolean#TRUE}: the connect of {@code socket}
     * in progress finished, connected. Anything else is ignored. Never throws.
     */
    @Override
    public void accept(Object socket, Object hint) {
        try {
            if (hint == null) {
                MethodHandle h = made;
                if (h != null) {
                    h.invokeExact(socket);
                }
            } else if (hint instanceof Throwable) {
                MethodHandle h = failed;
                if (h != null) {
                    h.invokeExact(socket, (Throwable) hint);
                }
            } else if (hint instanceof Object[]) {
                Object[] c = (Object[]) hint;
                MethodHandle h = connect;
                if (h != null && c.length == 3 && c[1] instanceof Long && c[2] instanceof Boolean) {
                    SocketAddress remote = c[0] instanceof SocketAddress ? (SocketAddress) c[0] : null;
                    h.invokeExact(socket, remote, ((Long) c[1]).longValue(), ((Boolean) c[2]).booleanValue());
                }
            } else if (Boolean.TRUE.equals(hint)) {
                MethodHandle h = finished;
                if (h != null) {
                    h.invokeExact(socket);
                }
            } else if (ASKED.equals(hint)) {
                MethodHandle h = asked;
                if (h != null) {
                    h.invokeExact(socket);
                }
            } else if (hint instanceof Integer) {
                MethodHandle h = ringFailed;
                if (h != null) {
                    h.invokeExact(socket, ((Integer) hint).intValue());
                }
            }
        } catch (Throwable ignored) {
            // never into the library
        }
    }
}
