package io.rstwatch.cli;

import io.rstwatch.common.Rates;
import io.rstwatch.jmx.CaptureMXBean;
import io.rstwatch.jmx.ClientRow;
import io.rstwatch.jmx.ConnectsMXBean;
import io.rstwatch.jmx.EndpointRow;
import io.rstwatch.jmx.ListenerRow;
import io.rstwatch.jmx.ListenersMXBean;
import io.rstwatch.jmx.ObjectNames;
import io.rstwatch.jmx.PortMXBean;
import io.rstwatch.jmx.TcpMXBean;
import io.rstwatch.plugin.Scope;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.Attribute;
import javax.management.JMException;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;

/**
 * What rstwatch sees, as text for a person, read from its MBeans through any MBeanServerConnection (another JVM
 * for {@code report}, this one for {@code watch}) with proxies of the agent's own MXBean interfaces: the alert,
 * the busiest ports, listeners, and calling code.
 */
final class Answer {
    static final int TOP_PORTS = 15;
    /** A longer command line is shown by both ends: the program, and for a JVM its main class or jar. */
    private static final int COMMAND_SHOWN = 72;

    private final MBeanServerConnection c;

    Answer(MBeanServerConnection c) {
        this.c = c;
    }

    private <T> T proxy(ObjectName name, Class<T> type) {
        return JMX.newMXBeanProxy(c, name, type);
    }

    /** The capture's state and counts, the alert and its explanation. */
    String header() throws IOException {
        StringBuilder sb = new StringBuilder();
        if (c.isRegistered(ObjectNames.CAPTURE)) {
            CaptureMXBean capture = proxy(ObjectNames.CAPTURE, CaptureMXBean.class);
            sb.append(String.format(
                    Locale.ROOT,
                    "Capture: %s; %d packets, %d dropped by the kernel, %d malformed, %d spoofed, %d forwarded%n",
                    capture.getStatus(),
                    capture.getPacketsTotal(),
                    capture.getDroppedTotal(),
                    capture.getMalformedTotal(),
                    capture.getSpoofedTotal(),
                    capture.getForwardedTotal()));
        }
        if (c.isRegistered(ObjectNames.TCP)) {
            TcpMXBean tcp = proxy(ObjectNames.TCP, TcpMXBean.class);
            sb.append("Alert: ")
                    .append(tcp.getAlertLevel())
                    .append(" since ")
                    .append(tcp.getAlertSince())
                    .append('\n');
            sb.append("  ").append(tcp.getAlertMessage()).append('\n');
        }
        return sb.toString();
    }

    /** One Port MBean's counts, read once: enough to rank it among the others. */
    private record Ranked(
            ObjectName name,
            PortMXBean mbean,
            double refusedPerSecond,
            double unansweredPerSecond,
            double unreachablePerSecond,
            double resetsPerSecond,
            long refused,
            long unanswered,
            long unreachable,
            long resets) {
        static Ranked read(ObjectName name, PortMXBean p) {
            return new Ranked(
                    name,
                    p,
                    p.getRefusedPerSecond(),
                    p.getUnansweredPerSecond(),
                    p.getUnreachablePerSecond(),
                    p.getResetsPerSecond(),
                    p.getRefusedTotal(),
                    p.getUnansweredTotal(),
                    p.getUnreachableTotal(),
                    p.getResetsTotal());
        }

        double rate() {
            return refusedPerSecond + unansweredPerSecond + unreachablePerSecond + resetsPerSecond;
        }

        long total() {
            return refused + unanswered + unreachable + resets;
        }
    }

    /** A port that is shown: its counts and the rest of what the tables print. */
    private record Port(
            Ranked counts,
            Scope scope,
            String port,
            String address,
            String[] interfaces,
            boolean listening,
            String service,
            String diagnosis,
            String lastListener,
            String[] callers,
            ClientRow[] clients) {
        static Port read(Ranked r) {
            PortMXBean p = r.mbean();
            return new Port(
                    r,
                    ObjectNames.scopeOf(r.name()),
                    Printable.clean(ObjectNames.portOf(r.name())), // the target names its MBeans itself
                    p.getAddress(),
                    p.getInterfaces(),
                    p.isListening(),
                    p.getService(),
                    p.getDiagnosis(),
                    p.getLastListener(),
                    p.getJvmCallers(),
                    clients(p));
        }

        /** The connecting processes; none from an agent that has no such attribute. */
        private static ClientRow[] clients(PortMXBean p) {
            try {
                ClientRow[] rows = p.getClients();
                return rows == null ? new ClientRow[0] : rows;
            } catch (RuntimeException older) {
                return new ClientRow[0];
            }
        }
    }

    /** The ports with refusals or resets, busiest first (per second, then totals); at most {@link #TOP_PORTS}. */
    String ports(boolean withDetails) throws IOException {
        List<Ranked> ranked = new ArrayList<>();
        for (ObjectName name : c.queryNames(ObjectNames.PORTS, null)) {
            ranked.add(Ranked.read(name, proxy(name, PortMXBean.class)));
        }
        ranked.sort(Comparator.comparingDouble(Ranked::rate)
                .thenComparingLong(Ranked::total)
                .reversed());
        int shown = Math.min(TOP_PORTS, ranked.size());
        StringBuilder sb = new StringBuilder("Ports with refusals or resets (" + ranked.size()
                + (ranked.size() > shown ? ", busiest " + shown + " shown" : "") + "):\n");
        if (ranked.isEmpty()) {
            return sb.append("  none so far\n").toString();
        }
        List<Port> ports = new ArrayList<>();
        for (Ranked r : ranked.subList(0, shown)) {
            ports.add(Port.read(r));
        }
        TextTable t = new TextTable(
                "SCOPE",
                "PORT>",
                "ADDRESS",
                "ON",
                "REFUSED/S>",
                "UNANSW/S>",
                "UNREACH/S>",
                "RESETS/S>",
                "REFUSED>",
                "UNANSW>",
                "UNREACH>",
                "RESETS>",
                "LISTENING",
                "SERVICE");
        for (Port p : ports) {
            t.row(
                    p.scope().label(),
                    p.port(),
                    p.address(),
                    String.join(",", p.interfaces()),
                    Rates.format(p.counts().refusedPerSecond()),
                    Rates.format(p.counts().unansweredPerSecond()),
                    Rates.format(p.counts().unreachablePerSecond()),
                    Rates.format(p.counts().resetsPerSecond()),
                    p.counts().refused(),
                    p.counts().unanswered(),
                    p.counts().unreachable(),
                    p.counts().resets(),
                    p.scope() == Scope.LOCAL ? (p.listening() ? "yes" : "no") : "",
                    p.service());
        }
        sb.append(t.render("  "));
        if (withDetails) {
            for (Port p : ports) {
                sb.append("  ")
                        .append(p.scope().label())
                        .append(' ')
                        .append(p.port())
                        .append(": ")
                        .append(p.diagnosis())
                        .append('\n');
                if (!p.lastListener().isEmpty()) {
                    sb.append("      last listener: ").append(p.lastListener()).append('\n');
                }
                for (String caller : p.callers()) {
                    sb.append("      called from: ").append(caller).append('\n');
                }
                for (ClientRow c : p.clients()) {
                    sb.append("      connecting: ")
                            .append(c.pid() > 0 ? "pid " + c.pid() + " `" : "")
                            .append(Printable.clean(c.command()))
                            .append(c.pid() > 0 ? "`" : "")
                            .append(" (user ")
                            .append(Printable.clean(c.user()))
                            .append(c.container().isEmpty() ? "" : ", " + Printable.clean(c.container()))
                            .append("): ")
                            .append(c.count())
                            .append(" failed, last at ")
                            .append(Printable.clean(c.lastSeen()))
                            .append('\n');
                }
            }
        }
        return sb.toString();
    }

    /**
     * This JVM's failed connects by endpoint, with the calling code, and why a name or a handshake failed, from
     * {@code endpoints} ({@link #endpoints}).
     */
    String callers(Map<String, EndpointDetail> endpoints) throws IOException {
        if (!c.isRegistered(ObjectNames.CONNECTS)) {
            return "";
        }
        ConnectsMXBean connects = proxy(ObjectNames.CONNECTS, ConnectsMXBean.class);
        EndpointRow[] rows = connects.getEndpoints();
        // The rows' own sum (the last row holds the endpoints that gave their rows away), not FailedTotal: read
        // apart, that may count a failure that came between the two reads, and the header and rows would disagree.
        long failed = 0;
        for (EndpointRow r : rows) {
            failed += r.refused() + r.timedOut() + r.unreachable() + r.other() + r.dnsFailed() + r.tlsFailed();
        }
        StringBuilder sb = new StringBuilder("Failed connects from code in this JVM (" + failed + "):\n");
        if (rows.length == 0) {
            return sb.append("  none so far\n").toString();
        }
        TextTable t = new TextTable(
                "ENDPOINT", "REFUSED>", "TIMED OUT>", "UNREACHABLE>", "NO DNS>", "TLS>", "OTHER>", "CALLER");
        for (EndpointRow r : rows) {
            t.row(
                    r.endpoint(),
                    r.refused(),
                    r.timedOut(),
                    r.unreachable(),
                    r.dnsFailed(),
                    r.tlsFailed(),
                    r.other(),
                    r.caller());
        }
        sb.append(t.render("  "));
        StringBuilder why = new StringBuilder();
        for (EndpointRow r : rows) {
            if (r.dnsFailed() == 0 && r.tlsFailed() == 0) {
                continue;
            }
            EndpointDetail d = endpoints.get(r.endpoint());
            if (d == null) {
                continue; // its MBean went between the two reads
            }
            for (String[] reason : new String[][] {{"name", d.dnsFailure}, {"TLS", d.tlsFailure}}) {
                if (!reason[1].isEmpty()) {
                    why.append("    ")
                            .append(r.endpoint())
                            .append(": ")
                            .append(reason[0])
                            .append(' ')
                            .append(reason[1])
                            .append('\n');
                }
            }
        }
        if (why.length() > 0) {
            sb.append("  Why, where a name or a handshake failed last:\n").append(why);
        }
        return sb.toString();
    }

    /**
     * The connect times of this JVM's endpoints in {@code endpoints} ({@link #endpoints}), slowest first, with the
     * end of their TLS certificates: what warns before the timeouts and the expired certificate.
     */
    String connectTimes(Map<String, EndpointDetail> endpoints) throws IOException {
        if (!c.isRegistered(ObjectNames.CONNECTS)) {
            return "";
        }
        List<EndpointDetail> connected = new ArrayList<>();
        for (EndpointDetail d : endpoints.values()) {
            if (d.connected > 0) {
                connected.add(d);
            }
        }
        StringBuilder sb = new StringBuilder(
                "Connects from code in this JVM, timed over rate.window (" + connected.size() + " endpoints):\n");
        if (connected.isEmpty()) {
            return sb.append("  none so far\n").toString();
        }
        connected.sort(Comparator.comparingDouble((EndpointDetail d) -> d.p99).reversed());
        TextTable t = new TextTable(
                "ENDPOINT", "CONNECTED>", "P50 MS>", "P99 MS>", "MAX MS>", "CERTIFICATE ENDS", "DAYS LEFT>");
        for (EndpointDetail d : connected.subList(0, Math.min(TOP_PORTS, connected.size()))) {
            t.row(
                    d.endpoint,
                    d.connected,
                    millis(d.p50),
                    millis(d.p99),
                    millis(d.max),
                    d.notAfter,
                    d.daysLeft < 0 ? "" : String.format(Locale.ROOT, "%.1f", d.daysLeft));
        }
        return sb.append(t.render("  ")).toString();
    }

    private static String millis(double ms) {
        return String.format(Locale.ROOT, ms < 10 ? "%.2f" : "%.0f", ms);
    }

    /** What the report shows of one Endpoint MBean; numbers the target did not give as numbers read as 0. */
    static final class EndpointDetail {
        final String endpoint;
        final long connected;
        final double p50;
        final double p99;
        final double max;
        final String dnsFailure;
        final String tlsFailure;
        final String notAfter;
        final double daysLeft;

        EndpointDetail(Map<String, Object> a) {
            this.endpoint = text(a.get("Host")) + ":" + number(a.get("Port")).intValue();
            this.connected = number(a.get("ConnectedTotal")).longValue();
            this.p50 = number(a.get("ConnectMillisP50")).doubleValue();
            this.p99 = number(a.get("ConnectMillisP99")).doubleValue();
            this.max = number(a.get("ConnectMillisMax")).doubleValue();
            this.dnsFailure = text(a.get("DnsFailure"));
            this.tlsFailure = text(a.get("TlsFailure"));
            this.notAfter = text(a.get("CertificateNotAfter"));
            this.daysLeft = a.get("CertificateDaysLeft") instanceof Number
                    ? ((Number) a.get("CertificateDaysLeft")).doubleValue()
                    : -1;
        }

        private static String text(Object v) {
            return v instanceof String ? (String) v : "";
        }

        private static Number number(Object v) {
            return v instanceof Number ? (Number) v : 0;
        }
    }

    private static final String[] ENDPOINT_ATTRIBUTES = {
        "Host",
        "Port",
        "ConnectedTotal",
        "ConnectMillisP50",
        "ConnectMillisP99",
        "ConnectMillisMax",
        "DnsFailure",
        "TlsFailure",
        "CertificateNotAfter",
        "CertificateDaysLeft"
    };

    /** Every Endpoint MBean as it is now, by "host:port", one call each: read once for the sections that show them. */
    Map<String, EndpointDetail> endpoints() throws IOException {
        Map<String, EndpointDetail> out = new LinkedHashMap<>();
        for (ObjectName name : c.queryNames(ObjectNames.ENDPOINTS, null)) {
            try {
                Map<String, Object> values = new HashMap<>();
                for (Attribute a : c.getAttributes(name, ENDPOINT_ATTRIBUTES).asList()) {
                    values.put(a.getName(), a.getValue());
                }
                EndpointDetail d = new EndpointDetail(values);
                out.put(d.endpoint, d);
            } catch (JMException gone) {
                // unregistered since the query: an endpoint that gave its row away
            }
        }
        return out;
    }

    /** The listening sockets, with owners. */
    String listeners() throws IOException {
        if (!c.isRegistered(ObjectNames.LISTENERS)) {
            return "";
        }
        ListenersMXBean listeners = proxy(ObjectNames.LISTENERS, ListenersMXBean.class);
        ListenerRow[] rows = listeners.getListeners();
        TextTable t = new TextTable("PORT>", "ADDRESS", "PID>", "USER", "QUEUE>", "SERVICE", "COMMAND");
        for (ListenerRow r : rows) {
            t.row(r.port(), r.address(), r.pid(), r.user(), r.acceptQueue(), r.service(), shortened(r.command()));
        }
        StringBuilder sb = new StringBuilder("Listening sockets (" + rows.length + "):\n").append(t.render("  "));
        String[] gone = listeners.getGone();
        if (gone.length > 0) {
            sb.append("Gone lately:\n");
            for (int i = 0; i < Math.min(5, gone.length); i++) {
                sb.append("  ").append(gone[i]).append('\n');
            }
        }
        return sb.toString();
    }

    private static String shortened(String command) {
        return command.length() <= COMMAND_SHOWN
                ? command
                : command.substring(0, 30) + " ... " + command.substring(command.length() - 37);
    }
}
