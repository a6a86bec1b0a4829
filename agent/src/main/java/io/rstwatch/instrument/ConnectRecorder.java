package io.rstwatch.instrument;

import io.rstwatch.common.DaemonThreads;
import io.rstwatch.common.DurationWindow;
import io.rstwatch.listeners.ListenBacklogs;
import io.rstwatch.plugin.ConnectFailure.Cause;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Receives what the connect advice saw (on the application's thread: quick, never throws), classifies failures
 * by cause, finds the calling code, and counts per endpoint in bounded tables.
 */
final class ConnectRecorder {
    /** Where each counted failure goes besides the endpoint table (Port MBeans, JFR, plugins). */
    interface Listener {
        void failed(InetSocketAddress endpoint, Cause cause, Callers.Caller caller);

        /** A connect failed because the name did not resolve, {@code why} in a sentence (after {@link #failed}). */
        default void unresolved(InetSocketAddress endpoint, String why, Callers.Caller caller) {}

        /** A TLS handshake failed, {@code why} in a sentence. */
        default void tlsFailed(InetSocketAddress endpoint, String why, Callers.Caller caller) {}
    }

    /** Endpoints with a row of their own; further ones share the overflow row. */
    static final int MAX_ENDPOINTS = 256;
    /** Non-blocking connects in flight whose caller is remembered. */
    static final int MAX_PENDING = 4096;

    /** Least recently failed first (access order): the first is the one to give way when the table is full. */
    private final Map<String, EndpointStats> endpoints = new LinkedHashMap<>(16, 0.75f, true);

    private final EndpointStats overflow;
    /**
     * Rows evicted lately, oldest first, not yet added to the overflow row: a thread that took one just before it
     * went may still be counting into it. After {@link #SETTLE_MILLIS} nobody is, and it is folded; while
     * {@link #MAX_ENDPOINTS} wait, no row is evicted and new endpoints share the overflow row. Guarded by the table's
     * lock, as the table is: a row is always in exactly one of the table, this list and the overflow row, so totals
     * read under that lock never go backwards.
     */
    private final ArrayDeque<EndpointStats> leaving = new ArrayDeque<>();

    private static final long SETTLE_MILLIS = 1000;
    /**
     * A non-blocking connect in flight: its caller, only on the stack as it starts (null for a native one), when it
     * started, and where to (for a native one: its finishConnect does not say).
     */
    private record Pending(Callers.Caller caller, long startNanos, SocketAddress remote) {}

    /** Non-blocking connects in flight, by channel or native socket. */
    private final Map<Object, Pending> pending = new LinkedHashMap<Object, Pending>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Pending> eldest) {
            return size() > MAX_PENDING;
        }
    };

    /** Reads this thread's stack for the caller ({@link Callers#find}); tests give answers of their own. */
    private final Supplier<Callers.Caller> stack;
    /**
     * The caller last found on each thread, for which address, and when. A thread that fails to connect to the
     * same address again within its window is taken to be the same code, so that a connect storm walks the stack
     * a few times a second per thread, not once per failure; the counts stay exact.
     */
    private final ThreadLocal<LastCaller> lastCaller = new ThreadLocal<>();

    /** The code that started connects other threads make. */
    private final Origins origins = new Origins();
    /** The same as {@link #lastCaller}, for the sockets each thread makes and the requests it sends. */
    private final ThreadLocal<LastCaller> lastMaker = new ThreadLocal<>();

    private final ThreadLocal<LastCaller> lastAsker = new ThreadLocal<>();
    /** The same, for the names each thread failed to look up (keyed by name); its record keeps their endpoint. */
    private final ThreadLocal<LastCaller> lastLookup = new ThreadLocal<>();
    /**
     * How long an address made unresolved waits for a connect to its endpoint before it counts as an attempt of its
     * own: a library makes several for one attempt (the JDK's HTTP client three), then connects within moments.
     */
    static final long MADE_SETTLE_NANOS = 1_000_000_000L;
    /** The most plugin events one endpoint's settled addresses make at once; the plugins' budget is far lower. */
    static final int MAX_SETTLED_EVENTS = 1000;
    /**
     * The origin of the native connect that failed last on this thread, and when: Netty reports that failure
     * with an exception it makes right after, on the same thread, and that exception names no socket.
     */
    private final ThreadLocal<NativeFailure> nativeFailure = new ThreadLocal<>();

    /** How soon the exception must follow its native failure to be taken as its report. */
    static final long NATIVE_REPORT_NANOS = 1_000_000_000L;

    private static final class NativeFailure {
        /** Who made the socket; null when not known. */
        final Callers.Caller origin;
        /** Where it connected, when the report will not say (io_uring's); else null. */
        final InetSocketAddress address;

        final long atNanos;
        /** How long the connect took to fail; -1 when not known. */
        final long tookNanos;

        NativeFailure(Callers.Caller origin, InetSocketAddress address, long atNanos, long tookNanos) {
            this.origin = origin;
            this.address = address;
            this.atNanos = atNanos;
            this.tookNanos = tookNanos;
        }
    }

    /** io_uring channels' fields that hold the socket and the address asked for, by channel class. */
    private final ClassValue<Field[]> ringFields = new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
            return ringFieldsOf(type);
        }
    };

    /** The key of {@link #lastMaker}: a thread's sockets are not told apart by destination. */
    private static final Object MADE = new Object();

    /**
     * The first window. Each walk that finds the same code again doubles it, up to {@link #SAME_CALLER_MAX_NANOS};
     * other code, or another address, starts it again. A walk is dear on the application's thread (the JDK's
     * stack walker runs seldom enough to stay slow), and a storm's threads would walk on every failure.
     */
    static final long SAME_CALLER_NANOS = 50_000_000;

    /** At most this long: a thread whose storm moves to other code shows the new caller within 1.6 s. */
    static final long SAME_CALLER_MAX_NANOS = 32 * SAME_CALLER_NANOS;

    /**
     * A thread's last caller (null when the connect was not the application's), and the address's row once a
     * failure was counted there, looked up again should that row have given its place away.
     */
    static final class LastCaller {
        /** The address connected to, the destination asked for, or {@link #MADE}. */
        final Object remote;

        final Callers.Caller caller;
        final long foundAtNanos;
        final long windowNanos;
        EndpointStats stats;
        /** For a failed look-up: the endpoint it is counted on, found anew with each walk. */
        InetSocketAddress endpoint;

        LastCaller(Object remote, Callers.Caller caller, long foundAtNanos, long windowNanos) {
            this.remote = remote;
            this.caller = caller;
            this.foundAtNanos = foundAtNanos;
            this.windowNanos = windowNanos;
        }

        boolean fresh(Object to, long nowNanos) {
            return nowNanos - foundAtNanos < windowNanos && remote.equals(to);
        }

        /**
         * What a thread knows after a walk found {@code found} for {@code to}, {@code before} being what it knew
         * (null at its first): the window doubled when it is the same code for the same address (the row kept),
         * the first window otherwise.
         */
        static LastCaller after(LastCaller before, Object to, Callers.Caller found, long nowNanos) {
            if (before == null || !before.remote.equals(to) || !Objects.equals(before.caller, found)) {
                return new LastCaller(to, found, nowNanos, SAME_CALLER_NANOS);
            }
            LastCaller next =
                    new LastCaller(to, found, nowNanos, Math.min(2 * before.windowNanos, SAME_CALLER_MAX_NANOS));
            next.stats = before.stats;
            return next;
        }
    }

    /** Host names the name service last failed to resolve, and why in a sentence; least recently failed first. */
    static final int MAX_NAMES = 256;

    private final Map<String, String> nameFailures = new LinkedHashMap<String, String>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_NAMES;
        }
    };
    /** Look-ups that reached the name service and failed. */
    private final LongAdder resolverFailures = new LongAdder();

    private final Listener listener;
    private final ListenBacklogs backlogs;
    private final long idleMillis;
    private final int windowSeconds;
    private final LongSupplier clockMillis;

    /** Every successful connect's time, whatever its endpoint. */
    private final DurationWindow connectTimes;
    /** {@link #connectTimes} as the sampler read it last. */
    private volatile DurationWindow.Figures connectFigures = DurationWindow.Figures.NONE;

    /** JSSE's handshakes, read once the agent opened sun.security.ssl to itself; null until then, or if it could not. */
    private volatile TlsContexts tls;

    /** The row of the endpoint this thread connected to last: a pool's connects look their row up once. */
    private final ThreadLocal<EndpointStats> lastConnected = new ThreadLocal<>();

    /**
     * @param idleSeconds {@code ports.idle}: an endpoint without connects this long may give its row away
     * @param windowSeconds {@code rate.window}: the connect times' window
     */
    ConnectRecorder(
            ClassLoader agentLoader, Listener listener, ListenBacklogs backlogs, int idleSeconds, int windowSeconds) {
        this(agentLoader, listener, backlogs, idleSeconds, windowSeconds, System::currentTimeMillis);
    }

    /** @param clockMillis the wall clock, epoch ms (tests move it) */
    ConnectRecorder(
            ClassLoader agentLoader,
            Listener listener,
            ListenBacklogs backlogs,
            int idleSeconds,
            int windowSeconds,
            LongSupplier clockMillis) {
        this(
                new Callers(agentLoader, ApplicationCode.ofThisJvm())::find,
                listener,
                backlogs,
                idleSeconds,
                windowSeconds,
                clockMillis);
    }

    /** @param stack what the stack of the calling thread says (tests decide) */
    ConnectRecorder(
            Supplier<Callers.Caller> stack,
            Listener listener,
            ListenBacklogs backlogs,
            int idleSeconds,
            int windowSeconds,
            LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
        this.stack = stack;
        this.listener = listener;
        this.backlogs = backlogs;
        this.idleMillis = idleSeconds * 1000L;
        this.windowSeconds = windowSeconds;
        this.connectTimes = new DurationWindow(windowSeconds);
        this.overflow = EndpointStats.overflow(0, windowSeconds);
    }

    /** The bridge's handles, bound to this recorder, in the order of its install method. */
    MethodHandle[] handles() throws ReflectiveOperationException {
        Class<?>[] finished = {Object.class, SocketAddress.class, Throwable.class, boolean.class};
        return new MethodHandle[] {
            bound("connectFailed", Object.class, SocketAddress.class, Throwable.class, long.class),
            bound("channelConnect", Object.class, SocketAddress.class, Throwable.class, boolean.class, long.class),
            bound("finishConnect", finished),
            bound("channelMade", Object.class),
            bound("asked", Object.class),
            bound("bound", SocketAddress.class, int.class),
            bound("socketException", Throwable.class),
            bound("resolverFailed", String.class, Throwable.class),
            bound("connected", Object.class, SocketAddress.class, long.class),
            bound("handshakeFailed", Object.class, String.class, boolean.class, Throwable.class),
            bound("handshakeDone", Object.class),
            bound("lookupFailed", String.class, Throwable.class),
            bound("addressUnresolved", Object.class)
        };
    }

    /**
     * The library bridge's handles, bound to this recorder: a native socket made, its connect failed, an io_uring
     * connect failed, a connect asked for, a native connect returned, a native connect finished.
     */
    MethodHandle[] libraryHandles() throws ReflectiveOperationException {
        return new MethodHandle[] {
            bound("channelMade", Object.class),
            bound("nativeConnectFailed", Object.class, Throwable.class),
            bound("ringConnectFailed", Object.class, int.class),
            bound("asked", Object.class),
            bound("nativeConnect", Object.class, SocketAddress.class, long.class, boolean.class),
            bound("nativeFinished", Object.class)
        };
    }

    /** This recorder's void method {@code name}, bound to it. */
    private MethodHandle bound(String name, Class<?>... parameters) throws ReflectiveOperationException {
        return MethodHandles.lookup()
                .findVirtual(ConnectRecorder.class, name, MethodType.methodType(void.class, parameters))
                .bindTo(this);
    }

    /** This thread's record of the code connecting to {@code remote}, found again once its window has passed. */
    private LastCaller callerOf(SocketAddress remote) {
        return callerOf(lastCaller, remote, stack);
    }

    /** This thread's record in {@code records} for {@code key}, read from {@code walk} once its window has passed. */
    private LastCaller callerOf(ThreadLocal<LastCaller> records, Object key, Supplier<Callers.Caller> walk) {
        long now = System.nanoTime();
        LastCaller last = records.get();
        if (last == null || !last.fresh(key, now)) {
            last = LastCaller.after(last, key, walk.get(), now);
            records.set(last);
        }
        return last;
    }

    /**
     * A socket or channel whose connect another thread may make was created on this thread: its code is
     * remembered (walked at most once a window per thread), unless this thread is only a library's.
     */
    void channelMade(Object socket) {
        try {
            Callers.Caller caller = callerOf(lastMaker, MADE, stack).caller;
            if (caller != null && !caller.thread) {
                origins.made(socket, caller, System.nanoTime());
            }
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /**
     * A client is about to connect to {@code destination} (an HttpRequest, a URI, or Netty's address) for the code
     * on this thread: remembered by destination. A thread whose last walk found only libraries is not walked again
     * for {@link #SAME_CALLER_NANOS}, whatever it asks for: a proxy's event loop asks for a new destination with
     * every connect, and its walks would name nobody (a thread that runs both a library's callbacks and the
     * application's code may go unremembered that long).
     */
    void asked(Object destination) {
        try {
            String key = destinationKey(destination);
            if (key == null) {
                return;
            }
            LastCaller before = lastAsker.get();
            if (before != null
                    && before.caller != null
                    && before.caller.thread
                    && System.nanoTime() - before.foundAtNanos < SAME_CALLER_NANOS) {
                return; // a library's own thread (an event loop connecting onwards, for a proxy): nobody to remember
            }
            LastCaller last = callerOf(lastAsker, key, stack);
            // Within a window the record is the one kept at the walk that started it, and remembered then.
            if (last != before && last.caller != null && !last.caller.thread) {
                origins.asked(key, last.caller);
            }
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /** "host:port" of what a client was asked to connect to, or null when it names no host. */
    private static String destinationKey(Object destination) {
        if (destination instanceof InetSocketAddress) {
            InetSocketAddress a = (InetSocketAddress) destination;
            return endpointKey(a.getHostString(), a.getPort());
        }
        URI uri = destination instanceof HttpRequest
                ? ((HttpRequest) destination).uri()
                : destination instanceof URI ? (URI) destination : null;
        if (uri == null || uri.getHost() == null) {
            return null;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return endpointKey(uri.getHost(), port);
    }

    /** A native socket's connect failed on this thread: the exception Netty makes next reports it. */
    void nativeConnectFailed(Object socket, Throwable thrown) {
        try {
            long now = System.nanoTime();
            Pending started;
            synchronized (pending) {
                started = pending.remove(socket);
            }
            nativeFailure.set(new NativeFailure(
                    origins.madeBy(socket, now), null, now, started != null ? now - started.startNanos : -1));
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /**
     * A native socket's connect to {@code remote}, called at {@code startNanos}, returned: connected (timed now), or
     * in progress (timed when {@link #nativeFinished}). No stack is read, as for the JDK's connects.
     */
    void nativeConnect(Object socket, SocketAddress remote, long startNanos, boolean connected) {
        try {
            if (!(remote instanceof InetSocketAddress) || DaemonThreads.onAgentThread()) {
                return;
            }
            if (connected) {
                long now = System.nanoTime();
                connected((InetSocketAddress) remote, now - startNanos, now);
            } else {
                synchronized (pending) {
                    pending.put(socket, new Pending(null, startNanos, remote));
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /** A native socket's pending connect finished, connected: timed from its start. */
    void nativeFinished(Object socket) {
        try {
            Pending started;
            synchronized (pending) {
                started = pending.remove(socket);
            }
            if (started != null && started.remote instanceof InetSocketAddress) {
                long now = System.nanoTime();
                connected((InetSocketAddress) started.remote, now - started.startNanos, now);
            }
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /**
     * An io_uring channel's connect completed with a negative errno on this thread: the ConnectException Netty
     * makes next reports it, without an address. The channel's own fields give the address asked for and the
     * socket (so its origin); where they cannot be read (a Netty on the module path, other field names), the
     * failure is not counted here.
     */
    void ringConnectFailed(Object channel, int errno) {
        try {
            Field[] f = ringFields.get(channel.getClass());
            if (f == null) {
                return;
            }
            Object remote = f[1].get(channel);
            if (!(remote instanceof InetSocketAddress)) {
                return;
            }
            long now = System.nanoTime();
            nativeFailure.set(
                    new NativeFailure(origins.madeBy(f[0].get(channel), now), (InetSocketAddress) remote, now, -1));
        } catch (RuntimeException | LinkageError | IllegalAccessException e) {
            // never into the application
        }
    }

    /** The fields "socket" and "requestedRemoteAddress" of Netty's AbstractIoUringChannel, readable; or null. */
    static Field[] ringFieldsOf(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().endsWith("io.netty.channel.uring.AbstractIoUringChannel")) {
                try {
                    Field socket = c.getDeclaredField("socket");
                    Field remote = c.getDeclaredField("requestedRemoteAddress");
                    socket.setAccessible(true);
                    remote.setAccessible(true);
                    return new Field[] {socket, remote};
                } catch (NoSuchFieldException | RuntimeException e) {
                    return null; // another version's fields, or a package not open to the agent
                }
            }
        }
        return null;
    }

    /**
     * The caller to count: the one found on this thread's stack, unless that names only the thread, and the
     * code that made {@code socket} (may be null) or last asked for {@code remote} is known.
     */
    private Callers.Caller originOf(Callers.Caller found, Object socket, SocketAddress remote) {
        if (found == null || !found.thread) {
            return found;
        }
        Callers.Caller origin = socket == null ? null : origins.madeBy(socket, System.nanoTime());
        if (origin == null && remote instanceof InetSocketAddress) {
            InetSocketAddress a = (InetSocketAddress) remote;
            origin = origins.askedBy(endpointKey(a.getHostString(), a.getPort()));
        }
        return origin != null ? origin : found;
    }

    /** java.net.Socket.connect, called at {@code startNanos}, threw. */
    void connectFailed(Object socket, SocketAddress remote, Throwable thrown, long startNanos) {
        try {
            LastCaller last = callerOf(remote);
            failure(remote, thrown, originOf(last.caller, socket, remote), last, System.nanoTime() - startNanos);
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /**
     * A channel's connect, called at {@code startNanos}, threw, or left the connect pending (its caller and start
     * are remembered for finishConnect).
     */
    void channelConnect(Object channel, SocketAddress remote, Throwable thrown, boolean connected, long startNanos) {
        try {
            LastCaller last = callerOf(remote);
            Callers.Caller caller = originOf(last.caller, channel, remote);
            if (caller == null) {
                return; // the agent's own, or JMX tooling's
            }
            if (thrown != null) {
                failure(remote, thrown, caller, last, System.nanoTime() - startNanos);
            } else if (!connected) {
                synchronized (pending) {
                    pending.put(channel, new Pending(caller, startNanos, null));
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /**
     * A pending connect ended: counted with the caller that started it when it failed, timed from its start when it
     * connected.
     */
    void finishConnect(Object channel, SocketAddress remote, Throwable thrown, boolean connected) {
        try {
            Pending started;
            synchronized (pending) {
                started = pending.remove(channel);
            }
            long now = System.nanoTime();
            if (thrown != null) {
                Callers.Caller caller = started != null ? started.caller : originOf(stack.get(), channel, remote);
                failure(remote, thrown, caller, null, started != null ? now - started.startNanos : -1);
            } else if (started != null && remote instanceof InetSocketAddress) {
                connected((InetSocketAddress) remote, now - started.startNanos, now);
            }
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /**
     * A SocketException was made. Most are none of ours and cost a look at their class's name. Netty's are:
     * <ul>
     * <li>an {@code AnnotatedConnectException} or {@code AnnotatedNoRouteToHostException} that wraps a native
     *     transport's error: Netty made it on its event loop, with the address in its message, after its JNI
     *     connect failed. One that wraps the JDK's own exception (the NIO transport) was counted already where
     *     the JDK threw it, and its message shows it: a native error's reads "connect(..) failed ..." (or is
     *     empty, for no route), the JDK's "Connection refused" or "No route to host";
     * <li>a {@code ConnectTimeoutException}: Netty's own connect timeout, which no transport throws.
     * </ul>
     * Shaded copies count too: the names are matched by their ends. The caller is the code that made the failed
     * socket, when the native connect's failure just came through {@link #nativeConnectFailed}.
     */
    void socketException(Throwable made) {
        try {
            String type = made.getClass().getName();
            if (type.startsWith("java.net.")) {
                ringReport(made);
                return;
            }
            boolean timeout = type.endsWith(".channel.ConnectTimeoutException");
            if (!timeout
                    && !type.endsWith(".channel.AbstractChannel$AnnotatedConnectException")
                    && !type.endsWith(".channel.AbstractChannel$AnnotatedNoRouteToHostException")) {
                return;
            }
            String message = made.getMessage();
            if (message == null || !(timeout || message.contains("(..) failed") || message.startsWith("null: "))) {
                return;
            }
            InetSocketAddress endpoint = NettyAddresses.endpointAtEnd(message);
            if (endpoint != null) {
                NativeFailure f = reported();
                Callers.Caller caller =
                        f != null && f.origin != null ? f.origin : originOf(stack.get(), null, endpoint);
                failure(endpoint, made, caller, null, f != null ? f.tookNanos : -1);
            }
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /**
     * The name service failed to resolve {@code host}: why is kept for the connects that fail for that name, now
     * and while the JVM's cache answers for it (networkaddress.cache.negative.ttl) without asking again.
     */
    void resolverFailed(String host, Throwable thrown) {
        try {
            resolverFailures.increment();
            String why = NameFailure.of(thrown).explain(thrown);
            synchronized (nameFailures) {
                nameFailures.put(host.toLowerCase(Locale.ROOT), why);
            }
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /**
     * An InetSocketAddress was made with a name that did not resolve. Most code then connects to it, and that
     * connect, which throws for the name, is the attempt; some never does (a Kafka client checks its bootstrap
     * servers so): an address no connect to its endpoint followed within {@link #MADE_SETTLE_NANOS} is an attempt
     * of its own ({@link #settleMadeUnresolved}).
     */
    void addressUnresolved(Object made) {
        try {
            if (!(made instanceof InetSocketAddress) || DaemonThreads.onAgentThread()) {
                return;
            }
            InetSocketAddress endpoint = (InetSocketAddress) made;
            LastCaller last = callerOf(endpoint);
            Callers.Caller caller = originOf(last.caller, null, endpoint);
            if (caller == null) {
                return; // the agent's own, or JMX tooling's
            }
            if (last.stats == null || last.stats.evicted) {
                last.stats = endpointStats(endpoint);
            }
            last.stats.madeUnresolved(endpoint, caller, System.nanoTime());
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /**
     * InetAddress.getAllByName({@code host}) failed, from the resolver or from the JVM's cache of failed names:
     * counted as an attempt that failed for its name, on the endpoint the code was after. One made by
     * InetSocketAddress's constructor is left to that address ({@link #addressUnresolved}).
     * The port is that of the destination last asked for under this name (Netty's Bootstrap, the HTTP clients),
     * else that of the endpoint of this name the JVM used last (a driver that looks its host up itself, then connects),
     * else 0: a name looked up before any port was known.
     */
    void lookupFailed(String host, Throwable thrown) {
        try {
            if (host == null
                    || host.isEmpty()
                    || !(thrown instanceof UnknownHostException)
                    || DaemonThreads.onAgentThread()) {
                return;
            }
            if (Callers.insideAddressConstructor()) {
                return;
            }
            LastCaller last = callerOf(lastLookup, host, stack);
            if (last.caller == null) {
                return; // the agent's own, or JMX tooling's
            }
            if (last.endpoint == null) {
                last.endpoint = lookedUpFor(host);
            }
            if (last.stats == null || last.stats.evicted || !last.stats.connectedTo(last.endpoint)) {
                last.stats = endpointStats(last.endpoint);
            }
            unresolved(last.stats, last.endpoint, originOf(last.caller, null, last.endpoint));
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /** The endpoint a look-up of {@code host} was for, as {@link #lookupFailed} tells. */
    private InetSocketAddress lookedUpFor(String host) {
        int port = origins.askedPort(host);
        if (port < 0) {
            synchronized (endpoints) {
                for (EndpointStats s : endpoints.values()) {
                    if (s.host().equalsIgnoreCase(host)) {
                        port = s.portNumber(); // the last match: the table is in order of use
                    }
                }
            }
        }
        return InetSocketAddress.createUnresolved(host, Math.max(port, 0));
    }

    /** Why {@code host} did not resolve, as the name service said last; "other" when it was not seen. */
    private String nameFailure(String host) {
        synchronized (nameFailures) {
            String why = nameFailures.get(host.toLowerCase(Locale.ROOT));
            return why != null ? why : NameFailure.OTHER.word;
        }
    }

    /** Look-ups that reached the name service and failed, since the agent started. */
    long resolverFailures() {
        return resolverFailures.sum();
    }

    /** A server socket of this JVM was bound. */
    void bound(SocketAddress local, int backlog) {
        if (local instanceof InetSocketAddress) {
            backlogs.bound(((InetSocketAddress) local).getPort(), backlog);
        }
    }

    /**
     * The JDK's own exceptions are counted where the JDK throws them, with one exception: Netty's io_uring
     * transport makes a plain ConnectException ("io_uring connect(..) failed ...") for a failure the ring reported,
     * which {@link #ringConnectFailed} announced on this thread with its address.
     */
    private void ringReport(Throwable made) {
        NativeFailure f = nativeFailure.get();
        if (f == null || f.address == null) {
            return; // the common case: one ThreadLocal read for every SocketException the JDK makes
        }
        String message = made.getMessage();
        if (message == null || !message.contains("(..) failed")) {
            return;
        }
        nativeFailure.set(null);
        if (System.nanoTime() - f.atNanos < NATIVE_REPORT_NANOS) {
            failure(f.address, made, f.origin != null ? f.origin : originOf(stack.get(), null, f.address), null, -1);
        }
    }

    /** The native failure this thread announced just now, which Netty reports now; or null. */
    private NativeFailure reported() {
        NativeFailure f = nativeFailure.get();
        if (f == null) {
            return null;
        }
        nativeFailure.set(null);
        return System.nanoTime() - f.atNanos < NATIVE_REPORT_NANOS ? f : null;
    }

    /**
     * Counts a failure, which took {@code tookNanos} from the connect's start (-1: not known). {@code last}, when
     * given, is this thread's record for {@code address}, fresh: the row it keeps saves the table's lock.
     */
    private void failure(
            SocketAddress address, Throwable thrown, Callers.Caller caller, LastCaller last, long tookNanos) {
        if (caller == null || !(address instanceof InetSocketAddress) || thrown instanceof ClosedChannelException) {
            return; // not the application's, not TCP/IP, or follow-up noise after a failure already counted
        }
        InetSocketAddress endpoint = (InetSocketAddress) address;
        EndpointStats stats;
        if (last != null) {
            if (last.stats == null || last.stats.evicted) {
                last.stats = endpointStats(endpoint);
            }
            stats = last.stats;
        } else {
            stats = endpointStats(endpoint);
        }
        if (tookNanos >= 0) {
            stats.failedAfter(tookNanos);
        }
        if (thrown instanceof UnknownHostException || thrown instanceof UnresolvedAddressException) {
            // Its name did not resolve: the look-up failed, now or (cached) before. (An unresolved address alone
            // says nothing: Netty's failures name their endpoint so, never looked up.)
            stats.connectedUnresolved();
            unresolved(stats, endpoint, caller);
            return;
        }
        Cause cause = cause(thrown);
        stats.record(endpoint, cause, caller, clockMillis.getAsLong());
        listener.failed(endpoint, cause, caller);
    }

    /** Counts a connect that failed because its name did not resolve; plugins see it as a failure too, as before. */
    private void unresolved(EndpointStats stats, InetSocketAddress endpoint, Callers.Caller caller) {
        unresolved(stats, endpoint, caller, 1);
    }

    private void unresolved(EndpointStats stats, InetSocketAddress endpoint, Callers.Caller caller, long attempts) {
        String why = nameFailure(endpoint.getHostString());
        stats.recordUnresolved(endpoint, why, caller, clockMillis.getAsLong(), attempts);
        for (long i = Math.min(attempts, MAX_SETTLED_EVENTS); i > 0; i--) {
            listener.failed(endpoint, Cause.OTHER, caller);
            listener.unresolved(endpoint, why, caller);
        }
    }

    /**
     * Counts the addresses made unresolved that no connect to their endpoint followed ({@link #addressUnresolved});
     * every second, on the sampler's thread.
     */
    void settleMadeUnresolved(long nowNanos) {
        List<EndpointStats> rows;
        synchronized (endpoints) {
            rows = new ArrayList<>(endpoints.values());
            rows.add(overflow);
        }
        for (EndpointStats s : rows) {
            long attempts = s.takeMadeUnresolved(nowNanos, MADE_SETTLE_NANOS);
            if (attempts > 0) {
                unresolved(s, s.madeAddress(), s.madeBy(), attempts);
            }
        }
    }

    /**
     * A socket's or a channel's connect, called at {@code startNanos}, connected: timed on its endpoint's row. The
     * agent's own threads (plugins') are left out; no stack is read.
     */
    void connected(Object socket, SocketAddress remote, long startNanos) {
        try {
            if (remote instanceof InetSocketAddress && !DaemonThreads.onAgentThread()) {
                long now = System.nanoTime();
                connected((InetSocketAddress) remote, now - startNanos, now);
            }
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    private void connected(InetSocketAddress endpoint, long tookNanos, long nowNanos) {
        EndpointStats stats = lastConnected.get();
        if (stats == null || stats.evicted || !stats.connectedTo(endpoint)) {
            stats = endpointStats(endpoint);
            lastConnected.set(stats);
        }
        stats.recordConnected(tookNanos, nowNanos, clockMillis.getAsLong());
        connectTimes.record(tookNanos, nowNanos);
    }

    /** Reads the connect times of every endpoint, for the Connects MBean too; the sampler's thread only. */
    DurationWindow.Figures sampleConnectTimes(long nowNanos) {
        DurationWindow.Figures f = connectTimes.sample(nowNanos);
        connectFigures = f;
        return f;
    }

    /** The connect times of every endpoint, as the sampler read them last. */
    DurationWindow.Figures connectFigures() {
        return connectFigures;
    }

    /** Successful connects, whatever their endpoint, since the agent started. */
    long connectedTotal() {
        return sum(EndpointStats::connected);
    }

    /** Reads JSSE's handshakes with {@code contexts} from now on. */
    void readTlsWith(TlsContexts contexts) {
        tls = contexts;
    }

    /**
     * A TLS handshake failed: JSSE's first fatal alert on a connection not yet negotiated, {@code alert} its name,
     * {@code fromPeer} whether the peer sent it, {@code thrown} what the application gets. Counted on the peer's row
     * with its reason and the calling code; a server's handshakes (this JVM accepting) are not.
     */
    void handshakeFailed(Object context, String alert, boolean fromPeer, Throwable thrown) {
        try {
            TlsContexts t = tls;
            if (t == null || !t.isClient(context)) {
                return;
            }
            InetSocketAddress peer = t.peer(context);
            if (peer == null) {
                return;
            }
            Callers.Caller caller = originOf(callerOf(peer).caller, null, peer);
            if (caller == null) {
                return; // the agent's own, or JMX tooling's
            }
            String why = TlsFailure.of(alert, fromPeer, thrown).explain(alert, thrown);
            endpointStats(peer).recordTlsFailure(peer, why, caller, clockMillis.getAsLong());
            listener.tlsFailed(peer, why, caller);
        } catch (RuntimeException | LinkageError | IllegalAccessException e) {
            // never into the application
        }
    }

    /** A TLS handshake completed: a client's keeps its peer's certificate's end of validity on the peer's row. */
    void handshakeDone(Object context) {
        try {
            TlsContexts t = tls;
            if (t == null || DaemonThreads.onAgentThread() || !t.isClient(context)) {
                return;
            }
            InetSocketAddress peer = t.peer(context);
            java.security.cert.X509Certificate certificate = peer == null ? null : t.peerCertificate(context);
            if (certificate != null) {
                endpointStats(peer).certificate(certificate.getNotAfter().getTime());
            }
        } catch (RuntimeException | LinkageError | IllegalAccessException e) {
            // never into the application
        }
    }

    /** TLS handshakes that failed, over every endpoint. */
    long tlsFailedTotal() {
        return sum(EndpointStats::tlsFailed);
    }

    /** "host:port", the host as the application gave it: the key of an endpoint's row and of its askers. */
    static String endpointKey(String host, int port) {
        return host + ":" + port;
    }

    /** Why a connect failed, from what it threw. */
    static Cause cause(Throwable t) {
        if (t instanceof ConnectException && "Connection refused".equals(t.getMessage())) {
            return Cause.REFUSED; // the JDK's words on Linux: a loop on a closed port needs no lower-casing
        }
        String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        if (t instanceof SocketTimeoutException || m.contains("timed out")) {
            return Cause.TIMED_OUT;
        }
        // EACCES ("Permission denied") is how Linux fails a connect whose SYN drew an ICMPv6 administratively
        // prohibited: a firewall's REJECT, unreachable by policy, as its IPv4 twin (EHOSTUNREACH) is.
        if (t instanceof NoRouteToHostException
                || m.contains("unreachable")
                || m.contains("no route")
                || m.contains("permission denied")) {
            return Cause.UNREACHABLE;
        }
        if (t instanceof ConnectException && m.contains("refused")) {
            return Cause.REFUSED;
        }
        return Cause.OTHER;
    }

    private EndpointStats endpointStats(InetSocketAddress endpoint) {
        String key = endpointKey(endpoint.getHostString(), endpoint.getPort());
        synchronized (endpoints) {
            EndpointStats s = endpoints.get(key);
            if (s == null) {
                if (endpoints.size() >= MAX_ENDPOINTS && !evictIdle()) {
                    return overflow;
                }
                s = new EndpointStats(
                        key,
                        endpoint.getHostString(),
                        Integer.toString(endpoint.getPort()),
                        clockMillis.getAsLong(),
                        windowSeconds);
                endpoints.put(key, s);
            }
            return s;
        }
    }

    /** Folds the least recently failed endpoint into the overflow row if it has been idle for ports.idle. */
    private boolean evictIdle() {
        long now = clockMillis.getAsLong();
        foldSettled(now);
        if (leaving.size() >= MAX_ENDPOINTS) {
            return false;
        }
        Map.Entry<String, EndpointStats> eldest =
                endpoints.entrySet().iterator().next();
        if (now - eldest.getValue().lastActiveMillis() < idleMillis) {
            return false;
        }
        EndpointStats gone = endpoints.remove(eldest.getKey());
        gone.evicted = true;
        gone.evictedAtMillis = now;
        leaving.add(gone);
        return true;
    }

    /** Adds the rows evicted at least {@link #SETTLE_MILLIS} ago to the overflow row. */
    private void foldSettled(long nowMillis) {
        while (!leaving.isEmpty() && nowMillis - leaving.peek().evictedAtMillis >= SETTLE_MILLIS) {
            overflow.absorb(leaving.poll());
        }
    }

    /** The endpoints with most failures first (those only connected to last), then the overflow entry if used. */
    List<EndpointStats> endpoints() {
        List<EndpointStats> out;
        EndpointStats rest;
        synchronized (endpoints) {
            out = new ArrayList<>(endpoints.values());
            rest = rest();
        }
        out.sort((a, b) -> Long.compare(b.total(), a.total()));
        if (rest.total() > 0 || rest.connected() > 0 || rest.tlsFailed() > 0) {
            out.add(rest);
        }
        return out;
    }

    /** Failures of one cause over every endpoint (the overflow row included): the rows are the one count. */
    long total(Cause cause) {
        return sum(s -> s.count(cause));
    }

    /** Connects that failed because their name did not resolve, over every endpoint. */
    long unresolvedTotal() {
        return sum(EndpointStats::unresolved);
    }

    private long sum(ToLongFunction<EndpointStats> count) {
        synchronized (endpoints) {
            long sum = count.applyAsLong(rest());
            for (EndpointStats s : endpoints.values()) {
                sum += count.applyAsLong(s);
            }
            return sum;
        }
    }

    /**
     * The overflow row together with the rows leaving the table, as the table's last row shows them; the caller
     * holds the table's lock, so that no row is counted twice or not at all.
     */
    private EndpointStats rest() {
        foldSettled(clockMillis.getAsLong());
        EndpointStats rest = EndpointStats.overflow(overflow.lastActiveMillis(), windowSeconds);
        rest.absorb(overflow);
        rest.copyCallers(overflow);
        rest.shareConnectTimes(overflow);
        for (EndpointStats s : leaving) {
            rest.absorb(s);
        }
        return rest;
    }
}
