package io.rstwatch.ports;

import io.rstwatch.common.Rates;
import io.rstwatch.common.Times;
import io.rstwatch.decode.Addresses;
import io.rstwatch.host.HostView;
import io.rstwatch.host.Services;
import io.rstwatch.jmx.ClientRow;
import io.rstwatch.jmx.ObjectNames;
import io.rstwatch.jmx.PortMXBean;
import io.rstwatch.jmx.WaitingRow;
import io.rstwatch.ports.PortStats.Counter;
import io.rstwatch.ports.PortStats.Rate;
import java.util.ArrayList;
import java.util.List;
import javax.management.ObjectName;

/**
 * Backs one Port MBean. Totals are read from the live counters; everything that needs formatting is cached by
 * {@link #refresh} once a second, so getters do no work.
 */
final class PortView implements PortMXBean {
    private static final int PEERS_SHOWN = 10;
    private static final int WAITING_SHOWN = 20;
    /** Processes named in the Diagnosis's "waiting now". */
    private static final int WAITING_IN_DIAGNOSIS = 3;
    /** Rows of Clients; the Diagnosis names the first {@link #CLIENTS_IN_DIAGNOSIS}. */
    private static final int CLIENTS_SHOWN = 5;

    private static final int CLIENTS_IN_DIAGNOSIS = 3;

    private final PortStats stats;
    private volatile String[] interfaces = new String[0];
    private volatile String[] topPeers = new String[0];
    private volatile String diagnosis = "";
    private volatile String address = "";
    private volatile boolean listening;
    private volatile String listener = "";
    private volatile String lastListener = "";
    private volatile String service = "";
    private volatile String[] jvmCallers = new String[0];
    private volatile WaitingRow[] waiting = new WaitingRow[0];
    private volatile ClientRow[] clients = new ClientRow[0];

    PortView(PortStats stats) {
        this.stats = stats;
    }

    PortStats stats() {
        return stats;
    }

    ObjectName objectName() {
        return ObjectNames.port(stats.scope(), stats.portKey());
    }

    /**
     * Once a second, on the publisher's thread.
     *
     * @param listenOverflowsPerSecond the kernel's ListenOverflows rate, for a full accept queue
     */
    void refresh(
            HostView host,
            ListenerLookup listeners,
            ClientLookup connecting,
            Services services,
            int window,
            double listenOverflowsPerSecond) {
        List<String> names = new ArrayList<>();
        for (int ifindex : stats.interfaceIndexes()) {
            names.add(ifindex < 0 ? "any" : host.interfaceName(ifindex));
        }
        interfaces = names.toArray(new String[0]);
        topPeers = stats.topPeers(PEERS_SHOWN).toArray(new String[0]);
        address = stats.firstSeen() == 0 ? "" : Addresses.format(stats.serviceHi(), stats.serviceLo());
        boolean local = stats.isNamedLocalPort();
        ListenerLookup.Listening now = local ? listeners.listeningOn(stats.port()) : null;
        ListenerLookup.Departure last = local ? listeners.lastOn(stats.port()) : null;
        listening = now != null;
        listener = now == null ? "" : now.owner();
        lastListener = last == null ? "" : last.owner() + ", gone since " + Times.timeOfDay(last.goneAtMillis());
        service = stats.isOther() ? "" : services.name(stats.port());
        jvmCallers = stats.jvmCallers().toArray(new String[0]);
        List<ListenerLookup.Waiting> pending = waitingHere(host, listeners);
        long nowMillis = System.currentTimeMillis();
        List<WaitingRow> rows = new ArrayList<>();
        List<String> named = new ArrayList<>();
        for (ListenerLookup.Waiting w : pending.subList(0, Math.min(WAITING_SHOWN, pending.size()))) {
            long age = Math.max(0, nowMillis - w.sinceMillis()) / 1000;
            rows.add(new WaitingRow(
                    w.pid(), w.command(), w.user(), Addresses.endpoint(w.hi(), w.lo(), w.port()), w.count(), age));
            if (named.size() < WAITING_IN_DIAGNOSIS) {
                named.add(w.owner() + " (" + w.count() + ", oldest " + age + " s)");
            }
        }
        if (pending.size() > WAITING_IN_DIAGNOSIS) {
            named.add("and " + (pending.size() - WAITING_IN_DIAGNOSIS) + " more");
        }
        waiting = rows.toArray(new WaitingRow[0]);
        String connectingNow = clients(connecting);
        diagnosis = Diagnosis.of(
                stats,
                new Diagnosis.Facts(
                        String.join(", ", names),
                        listeners.known(),
                        now,
                        last,
                        String.join(", ", named),
                        connectingNow,
                        listenOverflowsPerSecond,
                        window));
    }

    /**
     * Fills Clients from the processes whose connects here fail; the Diagnosis's clause for those failing now:
     * "pid 4242 `python3 poller.py` (user app), 2.00/s".
     */
    private String clients(ClientLookup connecting) {
        List<ClientLookup.Client> all = stats.isOther() ? List.of() : connecting.clientsOf(stats.scope(), stats.port());
        List<ClientRow> rows = new ArrayList<>();
        List<String> named = new ArrayList<>();
        int failingNow = 0;
        for (ClientLookup.Client c : all) {
            if (rows.size() < CLIENTS_SHOWN) {
                rows.add(new ClientRow(
                        c.pid(), c.command(), c.user(), c.container(), c.count(), Times.iso(c.lastSeenMillis())));
            }
            if (c.perSecond() > 0 && failingNow++ < CLIENTS_IN_DIAGNOSIS) {
                named.add(c.owner() + " (user " + c.user() + "), " + Rates.format(c.perSecond()) + "/s");
            }
        }
        if (failingNow > CLIENTS_IN_DIAGNOSIS) {
            named.add("and " + (failingNow - CLIENTS_IN_DIAGNOSIS) + " more");
        }
        clients = rows.toArray(new ClientRow[0]);
        return String.join(", ", named);
    }

    /** The connects waiting for this port: to this host's addresses for scope=local, others' for remote. */
    private List<ListenerLookup.Waiting> waitingHere(HostView host, ListenerLookup listeners) {
        if (stats.isOther()) {
            return List.of();
        }
        List<ListenerLookup.Waiting> out = new ArrayList<>();
        for (ListenerLookup.Waiting w : listeners.waitingFor(stats.port())) {
            if (host.scopeOf(w.hi(), w.lo()) == stats.scope()) {
                out.add(w);
            }
        }
        out.sort((a, b) -> Integer.compare(b.count(), a.count()));
        return out;
    }

    /**
     * For the alert, one cause's clause: "2.00/s are refused connections to 127.0.0.1:7211 on lo, where nothing
     * listens", "3.00/s are unanswered connects to 10.0.3.7:5432 on eth0", "1.00/s are unreachable connects to
     * 10.0.3.7:5433 on eth0 (admin-prohibited)".
     */
    String failureClause(PortRegistry.Cause cause, double perSecond) {
        StringBuilder sb = new StringBuilder(Rates.format(perSecond))
                .append(
                        cause == PortRegistry.Cause.REFUSED
                                ? "/s are refused connections to "
                                : "/s are " + cause.label() + " connects to ")
                .append(destination());
        String on = String.join(", ", interfaces);
        if (!on.isEmpty()) {
            sb.append(" on ").append(on);
        }
        switch (cause) {
            case REFUSED:
                if (stats.isNamedLocalPort()) {
                    sb.append(listening ? ", where something listens now" : ", where nothing listens");
                }
                break;
            case UNANSWERED:
                if (stats.isNamedLocalPort()) {
                    sb.append(
                            listening
                                    ? ", where " + listener + " listens (see its accept queue)"
                                    : ", where nothing listens: a local firewall drops them");
                }
                break;
            case UNREACHABLE:
                sb.append(" (")
                        .append(UnreachableCodes.name(stats.lastUnreachableCode()))
                        .append(')');
                break;
        }
        return sb.toString();
    }

    /**
     * For the alert without capture: "2.00/s are this JVM's failed connects to 127.0.0.1:7211, from
     * com.example.Poller.poll(Poller.java:42)".
     */
    String jvmFailureClause(double perSecond) {
        StringBuilder sb = new StringBuilder(Rates.format(perSecond))
                .append("/s are this JVM's failed connects to ")
                .append(destination());
        String[] callers = jvmCallers;
        if (callers.length > 0) {
            sb.append(", from ").append(callers[callers.length - 1]); // the most recent
        }
        return sb.toString();
    }

    /** "127.0.0.1:7211"; "other local ports" for the catch-all; "local port 7211" while no address is known. */
    private String destination() {
        if (stats.isOther()) {
            return "other " + stats.scope().label() + " ports";
        }
        if (stats.serviceHi() == 0 && stats.serviceLo() == 0) {
            return stats.scope().label() + " port " + stats.port();
        }
        return Addresses.endpoint(stats.serviceHi(), stats.serviceLo(), stats.port());
    }

    @Override
    public long getRefusedTotal() {
        return stats.total(Counter.REFUSED);
    }

    @Override
    public long getResetsTotal() {
        return stats.total(Rate.RESETS);
    }

    @Override
    public double getRefusedPerSecond() {
        return stats.perSecond(Rate.REFUSED);
    }

    @Override
    public long getUnansweredTotal() {
        return stats.total(Counter.UNANSWERED);
    }

    @Override
    public double getUnansweredPerSecond() {
        return stats.perSecond(Rate.UNANSWERED);
    }

    @Override
    public long getSlowTotal() {
        return stats.total(Counter.SLOW);
    }

    @Override
    public long getUnreachableTotal() {
        return stats.total(Counter.UNREACHABLE);
    }

    @Override
    public double getUnreachablePerSecond() {
        return stats.perSecond(Rate.UNREACHABLE);
    }

    @Override
    public double getResetsPerSecond() {
        return stats.perSecond(Rate.RESETS);
    }

    @Override
    public long getStaleResetsTotal() {
        return stats.total(Counter.STALE);
    }

    @Override
    public long getAbortResetsTotal() {
        return stats.total(Counter.ABORT);
    }

    @Override
    public long getResetsSentTotal() {
        return stats.total(Counter.RESETS_SENT);
    }

    @Override
    public long getResetsReceivedTotal() {
        return stats.total(Counter.RESETS_RECEIVED);
    }

    @Override
    public String getAddress() {
        return address;
    }

    @Override
    public String getFirstSeen() {
        return Times.iso(stats.firstSeen());
    }

    @Override
    public String getLastSeen() {
        return Times.iso(stats.lastSeen());
    }

    @Override
    public String[] getInterfaces() {
        return interfaces.clone();
    }

    @Override
    public String[] getTopPeers() {
        return topPeers.clone();
    }

    @Override
    public String getDiagnosis() {
        return diagnosis;
    }

    @Override
    public boolean isListening() {
        return listening;
    }

    @Override
    public String getListener() {
        return listener;
    }

    @Override
    public String getLastListener() {
        return lastListener;
    }

    @Override
    public WaitingRow[] getWaiting() {
        return waiting.clone();
    }

    @Override
    public ClientRow[] getClients() {
        return clients.clone();
    }

    @Override
    public String getService() {
        return service;
    }

    @Override
    public long getJvmFailuresTotal() {
        return stats.jvmFailuresTotal();
    }

    @Override
    public String[] getJvmCallers() {
        return jvmCallers.clone();
    }
}
