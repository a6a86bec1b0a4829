package io.rstwatch.instrument;

import io.rstwatch.listeners.ListenBacklogs;
import io.rstwatch.plugin.ConnectFailure.Cause;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
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

/**
 * Receives what the connect advice saw (on the application's thread: quick, never throws), classifies failures
 * by cause, finds the calling code, and counts per endpoint in bounded tables.
 */
final class ConnectRecorder {
    /** Where each counted failure goes besides the endpoint table (Port MBeans, JFR, plugins). */
    interface Listener {
        void failed(InetSocketAddress endpoint, Cause cause, Callers.Caller caller);

        /** A failure already counted is now known to come from this caller. */
        void attributed(InetSocketAddress endpoint, Callers.Caller caller);
    }

    /** Endpoints with a row of their own; further ones share the overflow row. */
    static final int MAX_ENDPOINTS = 256;
    /** Non-blocking connects in flight whose caller is remembered. */
    static final int MAX_PENDING = 4096;

    /** Least recently failed first (access order): the first is the one to give way when the table is full. */
    private final Map<String, EndpointStats> endpoints = new LinkedHashMap<>(16, 0.75f, true);

    private final EndpointStats overflow = new EndpointStats("other endpoints", 0);
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

    private final Callers callers;
    /**
     * The caller last found on each thread, for which address, and when. A thread that fails to connect to the
     * same address again within its window is taken to be the same code, so that a connect storm walks the stack
     * a few times a second per thread, not once per failure; the counts stay exact.
     */
    private final ThreadLocal<LastCaller> lastCaller = new ThreadLocal<>();

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
        final SocketAddress remote;
        final Callers.Caller caller;
        final long foundAtNanos;
        final long windowNanos;
        EndpointStats stats;

        LastCaller(SocketAddress remote, Callers.Caller caller, long foundAtNanos, long windowNanos) {
            this.remote = remote;
            this.caller = caller;
            this.foundAtNanos = foundAtNanos;
            this.windowNanos = windowNanos;
        }

        boolean fresh(SocketAddress to, long nowNanos) {
            return nowNanos - foundAtNanos < windowNanos && remote.equals(to);
        }

        /**
         * What a thread knows after a walk found {@code found} for {@code to}, {@code before} being what it knew
         * (null at its first): the window doubled when it is the same code for the same address (the row kept),
         * the first window otherwise.
         */
        static LastCaller after(LastCaller before, SocketAddress to, Callers.Caller found, long nowNanos) {
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
        this.clockMillis = clockMillis;
        this.callers = new Callers(agentLoader, ApplicationCode.ofThisJvm());
        this.listener = listener;
        this.backlogs = backlogs;
        this.idleMillis = idleSeconds * 1000L;
    }

    /** The bridge's handles, bound to this recorder, in the order of its install method. */
    MethodHandle[] handles() throws ReflectiveOperationException {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodType connect = MethodType.methodType(void.class, Object.class, SocketAddress.class, Throwable.class);
        MethodType pendingConnect = connect.appendParameterTypes(boolean.class);
        return new MethodHandle[] {
            lookup.findVirtual(ConnectRecorder.class, "connectFailed", connect).bindTo(this),
            lookup.findVirtual(ConnectRecorder.class, "channelConnect", pendingConnect)
                    .bindTo(this),
            lookup.findVirtual(ConnectRecorder.class, "finishConnect", pendingConnect)
                    .bindTo(this),
            lookup.findVirtual(
                            ConnectRecorder.class,
                            "httpSendFailed",
                            MethodType.methodType(void.class, Object.class, Throwable.class))
                    .bindTo(this),
            lookup.findVirtual(
                            ConnectRecorder.class,
                            "bound",
                            MethodType.methodType(void.class, SocketAddress.class, int.class))
                    .bindTo(this),
            lookup.findVirtual(
                            ConnectRecorder.class,
                            "socketException",
                            MethodType.methodType(void.class, Throwable.class))
                    .bindTo(this)
        };
    }

    /** This thread's record of the code connecting to {@code remote}, found again once its window has passed. */
    private LastCaller callerOf(SocketAddress remote) {
        long now = System.nanoTime();
        LastCaller last = lastCaller.get();
        if (last == null || !last.fresh(remote, now)) {
            last = LastCaller.after(last, remote, callers.find(), now);
            lastCaller.set(last);
        }
        return last;
    }

    /** java.net.Socket.connect threw. */
    void connectFailed(Object socket, SocketAddress remote, Throwable thrown) {
        try {
            LastCaller last = callerOf(remote);
            failure(remote, thrown, last.caller, last);
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /** A channel's connect threw, or left the connect pending (its caller is remembered for finishConnect). */
    void channelConnect(Object channel, SocketAddress remote, Throwable thrown, boolean connected) {
        try {
            LastCaller last = callerOf(remote);
            Callers.Caller caller = last.caller;
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
                failure(remote, thrown, started != null ? started : callers.find(), null);
            }
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    /** send() rethrew a connect failure on the application's thread: name the caller the worker could not. */
    void httpSendFailed(Object request, Throwable thrown) {
        try {
            if (request instanceof HttpRequest
                    && (thrown instanceof ConnectException || thrown instanceof HttpConnectTimeoutException)) {
                attributeHttp(((HttpRequest) request).uri());
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
     * Shaded copies count too: the names are matched by their ends.
     */
    void socketException(Throwable made) {
        try {
            String type = made.getClass().getName();
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
                failure(endpoint, made, callers.find(), null);
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

    private void attributeHttp(URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        Callers.Caller caller = callers.find();
        if (caller == null || uri.getHost() == null) {
            return;
        }
        // The worker thread's failure is counted already, under this key and with its resolved address: no name
        // is looked up here, on the application's thread.
        String key = uri.getHost() + ":" + port;
        EndpointStats s;
        synchronized (endpoints) {
            s = endpoints.get(key);
        }
        if (s == null || s.address == null) {
            return;
        }
        s.lastCaller = caller;
        listener.attributed(s.address, caller);
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
        String key = endpoint.getHostString() + ":" + endpoint.getPort();
        synchronized (endpoints) {
            EndpointStats s = endpoints.get(key);
            if (s == null) {
                if (endpoints.size() >= MAX_ENDPOINTS && !evictIdle()) {
                    return overflow;
                }
                s = new EndpointStats(key, clockMillis.getAsLong());
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
        EndpointStats rest = new EndpointStats(overflow.endpoint(), 0);
        rest.absorb(overflow);
        rest.lastCaller = overflow.lastCaller;
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
        private final String endpoint;
        private final LongAdder[] byCause = new LongAdder[Cause.values().length];
        private volatile Callers.Caller lastCaller;
        /** The address the last failure had, resolved by whoever connected. */
        private volatile InetSocketAddress address;

        private volatile long lastMillis;
        /** Folded into the overflow row: a thread that kept it must look its endpoint up again. */
        volatile boolean evicted;
        /** When it left the table, epoch ms; under the table's lock. */
        long evictedAtMillis;

        EndpointStats(String endpoint, long createdMillis) {
            this.endpoint = endpoint;
            this.lastMillis = createdMillis;
            for (int i = 0; i < byCause.length; i++) {
                byCause[i] = new LongAdder();
            }
        }

        void record(InetSocketAddress to, Cause cause, Callers.Caller caller, long nowMillis) {
            byCause[cause.ordinal()].increment();
            if (!caller.equals(lastCaller)) {
                lastCaller = caller;
            }
            if (!to.equals(address)) {
                address = to;
            }
            if (lastMillis != nowMillis) {
                lastMillis = nowMillis;
            }
        }

        /** Takes over an evicted row's counts (this is the overflow row): the totals never go backwards. */
        void absorb(EndpointStats gone) {
            for (int i = 0; i < byCause.length; i++) {
                byCause[i].add(gone.byCause[i].sum());
            }
        }

        String endpoint() {
            return endpoint;
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
            return lastCaller;
        }
    }
}
