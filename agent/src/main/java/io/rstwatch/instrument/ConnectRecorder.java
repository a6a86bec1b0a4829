package io.rstwatch.instrument;

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
import java.net.http.HttpRequest;
import java.nio.channels.ClosedChannelException;
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

/**
 * Receives what the connect advice saw (on the application's thread: quick, never throws), classifies failures
 * by cause, finds the calling code, and counts per endpoint in bounded tables.
 */
final class ConnectRecorder {
    /** Where each counted failure goes besides the endpoint table (Port MBeans, JFR, plugins). */
    interface Listener {
        void failed(InetSocketAddress endpoint, Cause cause, Callers.Caller caller);
    }

    /** Endpoints with a row of their own; further ones share the overflow row. */
    static final int MAX_ENDPOINTS = 256;
    /** Non-blocking connects in flight whose caller is remembered. */
    static final int MAX_PENDING = 4096;

    /** Least recently failed first (access order): the first is the one to give way when the table is full. */
    private final Map<String, EndpointStats> endpoints = new LinkedHashMap<>(16, 0.75f, true);

    private final EndpointStats overflow = EndpointStats.overflow(0);
    /**
     * Rows evicted lately, oldest first, not yet added to the overflow row: a thread that took one just before it
     * went may still be counting into it. After {@link #SETTLE_MILLIS} nobody is, and it is folded; while
     * {@link #MAX_ENDPOINTS} wait, no row is evicted and new endpoints share the overflow row. Guarded by the table's
     * lock, as the table is: a row is always in exactly one of the table, this list and the overflow row, so totals
     * read under that lock never go backwards.
     */
    private final ArrayDeque<EndpointStats> leaving = new ArrayDeque<>();

    private static final long SETTLE_MILLIS = 1000;
    /** Non-blocking connects in flight: the caller is only on the stack when the connect starts. */
    private final Map<Object, Callers.Caller> pending = new LinkedHashMap<Object, Callers.Caller>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Callers.Caller> eldest) {
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

        NativeFailure(Callers.Caller origin, InetSocketAddress address, long atNanos) {
            this.origin = origin;
            this.address = address;
            this.atNanos = atNanos;
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

    private final Listener listener;
    private final ListenBacklogs backlogs;
    private final long idleMillis;
    private final LongSupplier clockMillis;

    /** @param idleSeconds {@code ports.idle}: an endpoint without failures this long may give its row away */
    ConnectRecorder(ClassLoader agentLoader, Listener listener, ListenBacklogs backlogs, int idleSeconds) {
        this(agentLoader, listener, backlogs, idleSeconds, System::currentTimeMillis);
    }

    /** @param clockMillis the wall clock, epoch ms (tests move it) */
    ConnectRecorder(
            ClassLoader agentLoader,
            Listener listener,
            ListenBacklogs backlogs,
            int idleSeconds,
            LongSupplier clockMillis) {
        this(new Callers(agentLoader, ApplicationCode.ofThisJvm())::find, listener, backlogs, idleSeconds, clockMillis);
    }

    /** @param stack what the stack of the calling thread says (tests decide) */
    ConnectRecorder(
            Supplier<Callers.Caller> stack,
            Listener listener,
            ListenBacklogs backlogs,
            int idleSeconds,
            LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
        this.stack = stack;
        this.listener = listener;
        this.backlogs = backlogs;
        this.idleMillis = idleSeconds * 1000L;
    }

    /** The bridge's handles, bound to this recorder, in the order of its install method. */
    MethodHandle[] handles() throws ReflectiveOperationException {
        Class<?>[] connect = {Object.class, SocketAddress.class, Throwable.class};
        Class<?>[] pendingConnect = {Object.class, SocketAddress.class, Throwable.class, boolean.class};
        return new MethodHandle[] {
            bound("connectFailed", connect),
            bound("channelConnect", pendingConnect),
            bound("finishConnect", pendingConnect),
            bound("channelMade", Object.class),
            bound("asked", Object.class),
            bound("bound", SocketAddress.class, int.class),
            bound("socketException", Throwable.class)
        };
    }

    /** The library bridge's handles, bound to this recorder: a native socket made, and its connect failed. */
    MethodHandle[] libraryHandles() throws ReflectiveOperationException {
        return new MethodHandle[] {
            bound("channelMade", Object.class),
            bound("nativeConnectFailed", Object.class, Throwable.class),
            bound("ringConnectFailed", Object.class, int.class)
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
        return callerOf(lastCaller, remote);
    }

    /** This thread's record in {@code records} for {@code key}, walked again once its window has passed. */
    private LastCaller callerOf(ThreadLocal<LastCaller> records, Object key) {
        long now = System.nanoTime();
        LastCaller last = records.get();
        if (last == null || !last.fresh(key, now)) {
            last = LastCaller.after(last, key, stack.get(), now);
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
            Callers.Caller caller = callerOf(lastMaker, MADE).caller;
            if (caller != null && !caller.thread) {
                origins.made(socket, caller, System.nanoTime());
            }
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /**
     * A client is about to connect to {@code destination} (an HttpRequest or a URI) for the code on this thread:
     * remembered by destination.
     */
    void asked(Object destination) {
        try {
            URI uri = destination instanceof HttpRequest
                    ? ((HttpRequest) destination).uri()
                    : destination instanceof URI ? (URI) destination : null;
            if (uri == null || uri.getHost() == null) {
                return;
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            String key = endpointKey(uri.getHost(), port);
            LastCaller before = lastAsker.get();
            LastCaller last = callerOf(lastAsker, key);
            // Within a window the record is the one kept at the walk that started it, and remembered then.
            if (last != before && last.caller != null && !last.caller.thread) {
                origins.asked(key, last.caller);
            }
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /** A native socket's connect failed on this thread: the exception Netty makes next reports it. */
    void nativeConnectFailed(Object socket, Throwable thrown) {
        try {
            long now = System.nanoTime();
            Callers.Caller origin = origins.madeBy(socket, now);
            nativeFailure.set(origin == null ? null : new NativeFailure(origin, null, now));
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
                    new NativeFailure(origins.madeBy(f[0].get(channel), now), (InetSocketAddress) remote, now));
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

    /** java.net.Socket.connect threw. */
    void connectFailed(Object socket, SocketAddress remote, Throwable thrown) {
        try {
            LastCaller last = callerOf(remote);
            failure(remote, thrown, originOf(last.caller, socket, remote), last);
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /** A channel's connect threw, or left the connect pending (its caller is remembered for finishConnect). */
    void channelConnect(Object channel, SocketAddress remote, Throwable thrown, boolean connected) {
        try {
            LastCaller last = callerOf(remote);
            Callers.Caller caller = originOf(last.caller, channel, remote);
            if (caller == null) {
                return; // the agent's own, or JMX tooling's
            }
            if (thrown != null) {
                failure(remote, thrown, caller, last);
            } else if (!connected) {
                synchronized (pending) {
                    pending.put(channel, caller);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /** A pending connect ended: counted with the caller that started it when it failed. */
    void finishConnect(Object channel, SocketAddress remote, Throwable thrown, boolean connected) {
        try {
            Callers.Caller started;
            synchronized (pending) {
                started = pending.remove(channel);
            }
            if (thrown != null) {
                failure(remote, thrown, started != null ? started : originOf(stack.get(), channel, remote), null);
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
                failure(endpoint, made, reportedBy(endpoint), null);
            }
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
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
            failure(f.address, made, f.origin != null ? f.origin : originOf(stack.get(), null, f.address), null);
        }
    }

    /** The caller of a native failure Netty reports now, on this thread. */
    private Callers.Caller reportedBy(InetSocketAddress endpoint) {
        NativeFailure f = nativeFailure.get();
        if (f != null) {
            nativeFailure.set(null);
            if (System.nanoTime() - f.atNanos < NATIVE_REPORT_NANOS) {
                return f.origin;
            }
        }
        return originOf(stack.get(), null, endpoint);
    }

    /**
     * Counts a failure. {@code last}, when given, is this thread's record for {@code address}, fresh: the row it
     * keeps saves the table's lock.
     */
    private void failure(SocketAddress address, Throwable thrown, Callers.Caller caller, LastCaller last) {
        if (caller == null || !(address instanceof InetSocketAddress) || thrown instanceof ClosedChannelException) {
            return; // not the application's, not TCP/IP, or follow-up noise after a failure already counted
        }
        Cause cause = cause(thrown);
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
        stats.record(endpoint, cause, caller, clockMillis.getAsLong());
        listener.failed(endpoint, cause, caller);
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
                        key, endpoint.getHostString(), Integer.toString(endpoint.getPort()), clockMillis.getAsLong());
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
        if (now - eldest.getValue().lastMillis < idleMillis) {
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

    /** The endpoints with most failures first, then the overflow entry if used. */
    List<EndpointStats> endpoints() {
        List<EndpointStats> out;
        EndpointStats rest;
        synchronized (endpoints) {
            out = new ArrayList<>(endpoints.values());
            rest = rest();
        }
        out.sort((a, b) -> Long.compare(b.total(), a.total()));
        if (rest.total() > 0) {
            out.add(rest);
        }
        return out;
    }

    /** Failures of one cause over every endpoint (the overflow row included): the rows are the one count. */
    long total(Cause cause) {
        synchronized (endpoints) {
            long sum = rest().count(cause);
            for (EndpointStats s : endpoints.values()) {
                sum += s.count(cause);
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
        EndpointStats rest = EndpointStats.overflow(overflow.lastMillis);
        rest.absorb(overflow);
        rest.copyCallers(overflow);
        for (EndpointStats s : leaving) {
            rest.absorb(s);
        }
        return rest;
    }

    /**
     * Counts for one endpoint, and the code that called last. The application's threads write here at once in a
     * connect storm: counts are striped, and the other fields written only when they change, so that the threads
     * do not pass one cache line between cores on every failure.
     */
    static final class EndpointStats {
        /** Callers kept per endpoint, the most recent last. */
        static final int MAX_CALLERS = 5;
        /** The host and port of the row for all endpoints beyond the table. */
        static final String OTHER = "other";

        private final String endpoint;
        /** As the application gave it: a name, or an address literal. */
        private final String host;
        /** A number, or {@link #OTHER}. */
        private final String port;

        private final LongAdder[] byCause = new LongAdder[Cause.values().length];
        /** The caller of the latest failure, and its count here. */
        private volatile CallerFailures current;
        /** The latest callers, most recent last; guarded by itself, changed only when the caller changes. */
        private final LinkedHashMap<Callers.Caller, CallerFailures> callers = new LinkedHashMap<>();
        /** The address the last failure had, resolved by whoever connected. */
        private volatile InetSocketAddress address;

        private volatile long lastMillis;
        /** Folded into the overflow row: a thread that kept it must look its endpoint up again. */
        volatile boolean evicted;
        /** When it left the table, epoch ms; under the table's lock. */
        long evictedAtMillis;

        EndpointStats(String endpoint, String host, String port, long createdMillis) {
            this.endpoint = endpoint;
            this.host = host;
            this.port = port;
            this.lastMillis = createdMillis;
            for (int i = 0; i < byCause.length; i++) {
                byCause[i] = new LongAdder();
            }
        }

        void record(InetSocketAddress to, Cause cause, Callers.Caller caller, long nowMillis) {
            byCause[cause.ordinal()].increment();
            CallerFailures c = current;
            if (c == null || !c.caller.equals(caller)) {
                c = switchTo(caller);
            }
            c.failures.increment();
            if (!to.equals(address)) {
                address = to;
            }
            if (lastMillis != nowMillis) {
                lastMillis = nowMillis;
            }
        }

        /** {@code caller} is now the latest: the oldest of more than {@link #MAX_CALLERS} goes. */
        private CallerFailures switchTo(Callers.Caller caller) {
            synchronized (callers) {
                CallerFailures c = callers.remove(caller);
                if (c == null) {
                    c = new CallerFailures(caller);
                }
                callers.put(caller, c);
                if (callers.size() > MAX_CALLERS) {
                    callers.remove(callers.keySet().iterator().next());
                }
                current = c;
                return c;
            }
        }

        /** Shows {@code from}'s callers and their counts as this row's (the row for all others, read anew). */
        void copyCallers(EndpointStats from) {
            synchronized (from.callers) {
                for (CallerFailures c : from.callers.values()) {
                    CallerFailures copy = new CallerFailures(c.caller);
                    copy.failures.add(c.failures.sum());
                    callers.put(c.caller, copy);
                    current = copy;
                }
            }
        }

        /** Takes over an evicted row's counts (this is the overflow row): the totals never go backwards. */
        void absorb(EndpointStats gone) {
            for (int i = 0; i < byCause.length; i++) {
                byCause[i].add(gone.byCause[i].sum());
            }
        }

        /** The row for every endpoint beyond the table. */
        static EndpointStats overflow(long createdMillis) {
            return new EndpointStats("other endpoints", OTHER, OTHER, createdMillis);
        }

        String endpoint() {
            return endpoint;
        }

        String host() {
            return host;
        }

        String port() {
            return port;
        }

        /** The address the latest failure had, or null. */
        InetSocketAddress address() {
            return address;
        }

        /** When the latest failure was (or the row was made), epoch ms. */
        long lastMillis() {
            return lastMillis;
        }

        /** The latest callers and how many of the failures here each made, most recent last. */
        Map<String, Long> callerFailures() {
            Map<String, Long> out = new LinkedHashMap<>();
            synchronized (callers) {
                for (CallerFailures c : callers.values()) {
                    out.put(c.caller.toString(), c.failures.sum());
                }
            }
            return out;
        }

        long count(Cause cause) {
            return byCause[cause.ordinal()].sum();
        }

        long total() {
            long t = 0;
            for (LongAdder c : byCause) {
                t += c.sum();
            }
            return t;
        }

        Callers.Caller lastCaller() {
            CallerFailures c = current;
            return c == null ? null : c.caller;
        }
    }

    /** One caller's failures to one endpoint. */
    private static final class CallerFailures {
        final Callers.Caller caller;
        final LongAdder failures = new LongAdder();

        CallerFailures(Callers.Caller caller) {
            this.caller = caller;
        }
    }
}
