package io.rstwatch.ports;

import io.rstwatch.common.Rates;
import io.rstwatch.common.Times;
import io.rstwatch.decode.Addresses;
import io.rstwatch.jmx.ObjectNames;
import io.rstwatch.jmx.PortMXBean;
import java.util.ArrayList;
import java.util.List;
import javax.management.ObjectName;

/**
 * Backs one Port MBean. Totals are read from the live counters; everything that needs formatting is cached by
 * {@link #refresh} once a second, so getters do no work.
 */
final class PortView implements PortMXBean {
    private static final int PEERS_SHOWN = 10;

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

    PortView(PortStats stats) {
        this.stats = stats;
    }

    PortStats stats() {
        return stats;
    }

    ObjectName objectName() {
        return ObjectNames.port(stats.scope(), stats.portKey());
    }

    /** Once a second, on the publisher's thread. */
    void refresh(HostView host, ListenerLookup listeners, Services services, int window) {
        List<String> names = new ArrayList<>();
        for (int ifindex : stats.interfaceIndexes()) {
            names.add(ifindex < 0 ? "any" : host.interfaceName(ifindex));
        }
        interfaces = names.toArray(new String[0]);
        topPeers = stats.topPeers(PEERS_SHOWN).toArray(new String[0]);
        address = stats.firstSeen() == 0 ? "" : Addresses.format(stats.serviceHi(), stats.serviceLo());
        boolean local = stats.isNamedLocalPort();
        String now = local ? listeners.ownerOn(stats.port()) : null;
        ListenerLookup.Departure last = local ? listeners.lastOn(stats.port()) : null;
        listening = now != null;
        listener = now == null ? "" : now;
        lastListener = last == null ? "" : last.owner() + ", gone since " + Times.timeOfDay(last.goneAtMillis());
        service = stats.isOther() ? "" : services.name(stats.port());
        jvmCallers = stats.jvmCallers().toArray(new String[0]);
        diagnosis = Diagnosis.of(stats, String.join(", ", names), listeners.known(), now, last, window);
    }

    /** For the alert: "2.00/s are refused connections to 127.0.0.1:7211 on lo, where nothing listens". */
    String refusalClause() {
        StringBuilder sb = new StringBuilder(Rates.format(stats.refusedLocalClientsPerSecond()))
                .append("/s are refused connections to ")
                .append(
                        stats.isOther()
                                ? "other " + stats.scope().label() + " ports"
                                : Addresses.endpoint(stats.serviceHi(), stats.serviceLo(), stats.port()));
        String on = String.join(", ", interfaces);
        if (!on.isEmpty()) {
            sb.append(" on ").append(on);
        }
        if (stats.isNamedLocalPort()) {
            sb.append(listening ? ", where something listens now" : ", where nothing listens");
        }
        return sb.toString();
    }

    @Override
    public long getRefusedTotal() {
        return stats.refusedTotal();
    }

    @Override
    public long getResetsTotal() {
        return stats.resetsTotal();
    }

    @Override
    public double getRefusedPerSecond() {
        return stats.refusedPerSecond();
    }

    @Override
    public long getUnansweredTotal() {
        return stats.unansweredTotal();
    }

    @Override
    public double getUnansweredPerSecond() {
        return stats.unansweredPerSecond();
    }

    @Override
    public long getSlowTotal() {
        return stats.slowTotal();
    }

    @Override
    public long getUnreachableTotal() {
        return stats.unreachableTotal();
    }

    @Override
    public double getUnreachablePerSecond() {
        return stats.unreachablePerSecond();
    }

    @Override
    public double getResetsPerSecond() {
        return stats.resetsPerSecond();
    }

    @Override
    public long getStaleResetsTotal() {
        return stats.staleTotal();
    }

    @Override
    public long getAbortResetsTotal() {
        return stats.abortTotal();
    }

    @Override
    public long getResetsSentTotal() {
        return stats.resetsSentTotal();
    }

    @Override
    public long getResetsReceivedTotal() {
        return stats.resetsReceivedTotal();
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
