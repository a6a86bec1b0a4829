package io.rstwatch.instrument;

import io.rstwatch.plugin.ConnectFailure.Cause;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Receives what the connect advice saw (on the application's thread: quick, never throws), classifies failures
 * by cause, finds the calling code, and counts per endpoint in bounded tables.
 */
public final class ConnectRecorder implements Consumer<Object[]> {
    /** Where each counted failure goes besides the endpoint table (Port MBeans, JFR). */
    public interface Listener {
        void failed(InetSocketAddress endpoint, Cause cause, Callers.Caller caller);

        /** A failure already counted is now known to come from this caller. */
        void attributed(InetSocketAddress endpoint, Callers.Caller caller);
    }

    /** Why a connect failed. */
    static final int MAX_ENDPOINTS = 256;
    static final int MAX_PENDING = 4096;

    final AtomicLong refused = new AtomicLong();
    final AtomicLong timedOut = new AtomicLong();
    final AtomicLong unreachable = new AtomicLong();
    final AtomicLong other = new AtomicLong();
    private final Map<String, EndpointStats> endpoints = new LinkedHashMap<>();
    private final EndpointStats overflow = new EndpointStats("other endpoints");
    /** Non-blocking connects in flight: the caller is only on the stack when the connect starts. */
    private final Map<Object, Callers.Caller> pending = new LinkedHashMap<Object, Callers.Caller>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Callers.Caller> eldest) {
            return size() > MAX_PENDING;
        }
    };
    private final Callers callers;
    private final Listener listener;

    public ConnectRecorder(ClassLoader agentLoader, Listener listener) {
        this.callers = new Callers(agentLoader);
        this.listener = listener;
    }

    @Override
    public void accept(Object[] event) {
        try {
            if (ConnectAdvice.BIND.equals(event[0])) {
                bound(event[2], (Integer) event[4]);
                return;
            }
            handle((String) event[0], event[1], event[2], (Throwable) event[3], (Boolean) event[4]);
        } catch (RuntimeException | LinkageError e) {
            // never into the application
        }
    }

    private void handle(String kind, Object source, Object address, Throwable thrown, Boolean connected) {
        if (ConnectAdvice.HTTP_SEND.equals(kind)) {
            attributeHttp((java.net.http.HttpRequest) address, thrown);
            return;
        }
        if (ConnectAdvice.FINISH.equals(kind)) {
            Callers.Caller started;
            synchronized (pending) {
                started = pending.remove(source);
            }
            if (thrown != null) {
                failure(address, thrown, started != null ? started : callers.find());
            }
            return;
        }
        Callers.Caller caller = callers.find();
        if (caller == null) {
            return; // the agent's own, or JMX tooling's
        }
        if (thrown == null) {
            if (Boolean.FALSE.equals(connected) && ConnectAdvice.CHANNEL.equals(kind)) {
                synchronized (pending) {
                    pending.put(source, caller);
                }
            }
            return;
        }
        failure(address, thrown, caller);
    }

    /** The backlogs this JVM's listeners asked for, by port (bounded). */
    private final Map<Integer, Integer> backlogs = new LinkedHashMap<Integer, Integer>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Integer> eldest) {
            return size() > MAX_ENDPOINTS;
        }
    };

    private void bound(Object local, Integer backlog) {
        if (local instanceof InetSocketAddress) {
            synchronized (backlogs) {
                // 0 or less means the JDK's default of 50 (the kernel caps it at net.core.somaxconn)
                backlogs.put(((InetSocketAddress) local).getPort(), backlog < 1 ? 50 : backlog);
            }
        }
    }

    /** The backlog a listener of this JVM on the port asked for, or 0 when unknown. */
    public int backlog(int port) {
        synchronized (backlogs) {
            return backlogs.getOrDefault(port, 0);
        }
    }

    /** send() rethrew a connect failure on the application's thread: name the caller the worker could not. */
    private void attributeHttp(java.net.http.HttpRequest request, Throwable thrown) {
        if (!(thrown instanceof ConnectException || thrown instanceof java.net.http.HttpConnectTimeoutException)) {
            return;
        }
        java.net.URI uri = request.uri();
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        Callers.Caller caller = callers.find();
        if (caller == null || uri.getHost() == null) {
            return;
        }
        InetSocketAddress endpoint = new InetSocketAddress(uri.getHost(), port);
        String key = uri.getHost() + ":" + port;
        EndpointStats s;
        synchronized (endpoints) {
            s = endpoints.get(key);
        }
        if (s != null) {
            s.lastCaller = caller;
        }
        listener.attributed(endpoint, caller);
    }

    private void failure(Object address, Throwable thrown, Callers.Caller caller) {
        if (caller == null || !(address instanceof InetSocketAddress) || thrown instanceof ClosedChannelException) {
            return; // not the application's, not TCP/IP, or follow-up noise after a failure already counted
        }
        Cause cause = cause(thrown);
        switch (cause) {
            case REFUSED:
                refused.incrementAndGet();
                break;
            case TIMED_OUT:
                timedOut.incrementAndGet();
                break;
            case UNREACHABLE:
                unreachable.incrementAndGet();
                break;
            default:
                other.incrementAndGet();
                break;
        }
        InetSocketAddress endpoint = (InetSocketAddress) address;
        endpointStats(endpoint).record(cause, caller);
        listener.failed(endpoint, cause, caller);
    }

    static Cause cause(Throwable t) {
        String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        if (t instanceof SocketTimeoutException || m.contains("timed out")) {
            return Cause.TIMED_OUT;
        }
        if (t instanceof NoRouteToHostException || m.contains("unreachable") || m.contains("no route")) {
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
                if (endpoints.size() >= MAX_ENDPOINTS) {
                    return overflow;
                }
                s = new EndpointStats(key);
                endpoints.put(key, s);
            }
            return s;
        }
    }

    /** The endpoints with most failures first, then the overflow entry if used. */
    public List<EndpointStats> endpoints() {
        List<EndpointStats> out;
        synchronized (endpoints) {
            out = new ArrayList<>(endpoints.values());
        }
        out.sort((a, b) -> Long.compare(b.total(), a.total()));
        if (overflow.total() > 0) {
            out.add(overflow);
        }
        return out;
    }

    /** Counts for one endpoint, and the code that called last. */
    public static final class EndpointStats {
        final String endpoint;
        final AtomicLong[] byCause = {new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong()};
        volatile Callers.Caller lastCaller;

        EndpointStats(String endpoint) {
            this.endpoint = endpoint;
        }

        void record(Cause cause, Callers.Caller caller) {
            byCause[cause.ordinal()].incrementAndGet();
            lastCaller = caller;
        }

        public String endpoint() {
            return endpoint;
        }

        public long count(Cause cause) {
            return byCause[cause.ordinal()].get();
        }

        public long total() {
            long t = 0;
            for (AtomicLong c : byCause) {
                t += c.get();
            }
            return t;
        }

        public Callers.Caller lastCaller() {
            return lastCaller;
        }
    }
}
