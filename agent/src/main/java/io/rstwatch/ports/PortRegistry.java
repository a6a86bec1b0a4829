package io.rstwatch.ports;

import io.rstwatch.common.AgentContext;
import io.rstwatch.common.EventSink;
import io.rstwatch.common.Part;
import io.rstwatch.common.TaskThread;
import io.rstwatch.common.TopPeers;
import io.rstwatch.decode.Addresses;
import io.rstwatch.host.HostView;
import io.rstwatch.host.Services;
import io.rstwatch.jmx.MBeans;
import io.rstwatch.jmx.ObjectNames;
import io.rstwatch.jmx.PortMXBean;
import io.rstwatch.jmx.ScansMXBean;
import io.rstwatch.plugin.Scope;
import io.rstwatch.ports.PortStats.Counter;
import io.rstwatch.ports.PortStats.Rate;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * The Port as a service: the one place that owns the bounded port table, creates, publishes and refreshes the
 * Port MBeans, takes what the sources saw ({@link #intake()}) and this JVM's failed connects
 * ({@link #recordJvmFailure}), and answers the alert's question: which refused ports explain AttemptFails.
 * It works with or without capture: in-JVM failures get their Port entries either way.
 */
public final class PortRegistry implements Part {
    private static final long HOST_REFRESH_SECONDS = 2;
    /** Clients per port handed to the alert, which names the top ones over all ports. */
    private static final int CLIENTS_NAMED = 3;

    /** What fails the connects of clients on this host, as captured: each is in the kernel's AttemptFails. */
    public enum Cause {
        REFUSED("refused", Rate.REFUSED_LOCAL_CLIENTS),
        /** The attempts the kernel gives up: it counts them in AttemptFails one timeout later. */
        UNANSWERED("unanswered", Rate.GIVEN_UP_LOCAL_CLIENTS),
        UNREACHABLE("unreachable", Rate.UNREACHABLE_LOCAL_CLIENTS);

        private final String label;
        /** The rate of this cause's failures whose clients are on this host. */
        private final Rate localClients;

        Cause(String label, Rate localClients) {
            this.label = label;
            this.localClients = localClients;
        }

        /** "refused", as the alert names the cause. */
        public String label() {
            return label;
        }
    }

    /**
     * One port's failed connects of one cause whose clients are on this host, for the alert: the rate, the clause
     * naming the port, and its top clients.
     */
    public record LocalFailure(Cause cause, double perSecond, String clause, List<TopPeers.Peer> clients) {}

    /** One port's failed connects made by this JVM: the rate, and the clause naming the endpoint and its caller. */
    public record JvmFailure(double perSecond, String clause) {}

    /**
     * The table's bounds, from the options.
     *
     * @param maxPorts {@code ports.max}
     * @param rateWindow {@code rate.window}, seconds
     * @param idleSeconds {@code ports.idle}
     * @param scanPorts {@code scan.ports}, 0 for no scanner detection
     */
    public record Limits(int maxPorts, int rateWindow, int idleSeconds, int scanPorts) {
        /**
         * The heap the two scopes' full tables may take, of the agent's own budget: a port scan or a flood fills
         * them, and the agent rides in applications with small heaps. Larger {@code ports.max} is refused.
         */
        public static final long TABLE_BUDGET_BYTES = 16L << 20;

        /** The heap both scopes' full tables take at these limits, at most. */
        public long tableBytes() {
            return 2L * (maxPorts + 1) * PortStats.bytes(rateWindow);
        }

        /** These limits, with {@code ports.max} lowered so that full tables fit {@link #TABLE_BUDGET_BYTES}. */
        public Limits inBudget() {
            if (tableBytes() <= TABLE_BUDGET_BYTES) {
                return this;
            }
            int fits = (int) (TABLE_BUDGET_BYTES / (2 * PortStats.bytes(rateWindow))) - 1;
            return new Limits(Math.max(1, fits), rateWindow, idleSeconds, scanPorts);
        }

        /** One sentence for the log when {@link #inBudget} lowered {@code ports.max}: what, why, how to fix it. */
        public String overBudget(Limits fitted) {
            return "ports.max=" + maxPorts + " would let the port tables take " + (tableBytes() >> 20)
                    + " MiB of the application's heap, more than rstwatch's budget of " + (TABLE_BUDGET_BYTES >> 20)
                    + " MiB for them: using ports.max=" + fitted.maxPorts() + "; set ports.max="
                    + fitted.maxPorts() + " or less to silence this";
        }
    }

    private final HostView host;
    private final ListenerLookup listeners;
    private final ClientLookup clients;
    private final Services services;
    private final int window;
    private final PortTable table;
    private final ResetClassifier classifier;
    private final FlowIntake intake;
    private final ScanDetector scans;
    private final ScansView scansView;
    private final Map<PortStats, PortView> views = new ConcurrentHashMap<>();
    /** The sampler, once started: new entries are published on it, never on the thread that created them. */
    private volatile TaskThread publisher;

    /** The kernel's ListenOverflows rate: a full accept queue's mark. */
    private final DoubleSupplier listenOverflows;

    /**
     * @param clients the processes on this host whose connects fail, for the Port entries' Clients
     * @param listenOverflows the kernel's ListenOverflows rate, per second, for the accept-queue diagnosis
     */
    public PortRegistry(
            HostView host,
            Limits limits,
            ListenerLookup listeners,
            ClientLookup clients,
            Services services,
            EventSink events,
            DoubleSupplier listenOverflows) {
        this.host = host;
        this.listenOverflows = listenOverflows;
        this.listeners = listeners;
        this.clients = clients;
        this.services = services;
        this.window = limits.rateWindow();
        this.table = new PortTable(
                limits.maxPorts(),
                limits.rateWindow(),
                limits.idleSeconds(),
                listeners::listensOrListenedRecently,
                new PortTable.Changes() {
                    @Override
                    public void added(PortStats entry) {
                        onPublisher("publishing a Port MBean", () -> publish(entry));
                    }

                    @Override
                    public void removed(PortStats entry) {
                        onPublisher("removing a Port MBean", () -> unpublish(entry));
                    }
                });
        this.scans = new ScanDetector(limits.scanPorts(), this::foldScanned);
        this.scansView = new ScansView(scans);
        this.classifier = new ResetClassifier(host, listeners, table, scans, events);
        this.intake = new FlowIntake(host, classifier);
    }

    @Override
    public String name() {
        return "port registry";
    }

    @Override
    public void start(AgentContext context) {
        publisher = context.sampler();
        for (PortStats s : table.entries()) {
            onPublisher("publishing a Port MBean", () -> publish(s)); // in-JVM failures while the parts started
        }
        scansView.refresh();
        MBeans.register(ObjectNames.SCANS, scansView, ScansMXBean.class);
        context.sampler().every("refreshing the Port MBeans", 1, TimeUnit.SECONDS, this::everySecond);
        context.scanner().every("reading this host's addresses", HOST_REFRESH_SECONDS, TimeUnit.SECONDS, host::refresh);
    }

    @Override
    public String status() {
        return ""; // nothing to say: its MBeans are the Port MBeans
    }

    /** This host's addresses and interfaces, as the capture needs them. */
    public HostView host() {
        return host;
    }

    /** Where every source hands what it saw. */
    public FlowIntake intake() {
        return intake;
    }

    /** The classifier behind the intake, for tests. */
    ResetClassifier classifier() {
        return classifier;
    }

    /** The table itself, for tests. */
    PortTable table() {
        return table;
    }

    /** The Scans MBean's view, for tests. */
    ScansView scans() {
        return scansView;
    }

    /**
     * Counts a failed connect seen inside this JVM on its Port entry (which it creates, capture or not), so the
     * Port MBean shows the calling code beside what capture saw. On the application's thread: no I/O.
     */
    public void recordJvmFailure(InetSocketAddress endpoint, String caller) {
        InetAddress a = endpoint.getAddress();
        if (a == null) {
            return; // unresolved: no address to scope
        }
        byte[] b = a.getAddress();
        long hi = Addresses.hi(b);
        long lo = Addresses.lo(b);
        Scope scope = host.isLocal(hi, lo) ? Scope.LOCAL : Scope.REMOTE;
        table.get(scope, endpoint.getPort()).recordJvmFailure(caller, table.nowMillis(), hi, lo);
    }

    /**
     * This JVM's own failed connects by port, most first: what the alert can still name when nothing is captured.
     * Each clause names the endpoint and the code that connected.
     */
    public List<JvmFailure> jvmFailures() {
        List<JvmFailure> out = new ArrayList<>();
        for (PortView v : views.values()) {
            double perSecond = v.stats().perSecond(Rate.JVM_FAILURES);
            if (perSecond > 0) {
                out.add(new JvmFailure(perSecond, v.jvmFailureClause(perSecond)));
            }
        }
        out.sort((a, b) -> Double.compare(b.perSecond(), a.perSecond()));
        return out;
    }

    /**
     * The ports whose connects by clients on this host fail, by cause, most first: the failures that appear in
     * this namespace's AttemptFails.
     */
    public List<LocalFailure> localClientFailures() {
        List<LocalFailure> out = new ArrayList<>();
        for (PortView v : views.values()) {
            PortStats s = v.stats();
            for (Cause cause : Cause.values()) {
                double perSecond = s.perSecond(cause.localClients);
                if (perSecond > 0) {
                    out.add(new LocalFailure(
                            cause, perSecond, v.failureClause(cause, perSecond), s.peers(CLIENTS_NAMED)));
                }
            }
        }
        out.sort((a, b) -> Double.compare(b.perSecond(), a.perSecond()));
        return out;
    }

    /**
     * Changes to the table happen on capture or application threads: the MBean server is only touched on the
     * sampler's thread. Before start, entries wait in the table and start() publishes them.
     */
    private void onPublisher(String what, Runnable task) {
        TaskThread t = publisher;
        if (t != null) {
            t.execute(what, task);
        }
    }

    private void publish(PortStats stats) {
        if (views.containsKey(stats) || !table.holds(stats)) {
            return; // published already, or removed before its turn came
        }
        PortView view = new PortView(stats);
        view.refresh(host, listeners, clients, services, window, listenOverflows.getAsDouble());
        views.put(stats, view);
        MBeans.register(view.objectName(), view, PortMXBean.class);
    }

    private void unpublish(PortStats stats) {
        PortView view = views.remove(stats);
        if (view != null) {
            MBeans.unregister(view.objectName());
        }
    }

    /**
     * A scanner was found (on a capture thread): the local ports it hit before, whose every event was its refusal,
     * are its own and not a service's problem. Their entries go, and their counts move to its row.
     */
    private void foldScanned(ScanDetector.Scanner scanner, int[] portsHit) {
        for (int port : portsHit) {
            PortStats s = table.find(Scope.LOCAL, port);
            if (s != null && s.onlyRefusalsFrom(scanner.hi, scanner.lo) && table.remove(s)) {
                scans.fold(scanner, port, s.total(Counter.REFUSED));
            }
        }
    }

    private void everySecond() {
        table.sampleRates(System.nanoTime());
        double overflows = listenOverflows.getAsDouble();
        for (PortView view : views.values()) {
            view.refresh(host, listeners, clients, services, window, overflows);
        }
        scansView.refresh();
    }
}
