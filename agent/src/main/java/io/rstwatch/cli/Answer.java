package io.rstwatch.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.AttributeList;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/**
 * What rstwatch sees, as text for a person, read from its MBeans through any MBeanServerConnection (another JVM
 * for {@code report}, this one for {@code watch}): the alert, the busiest ports, listeners, and calling code.
 */
final class Answer {
    static final int TOP_PORTS = 15;
    private static final String[] PORT_ATTRIBUTES = {"RefusedPerSecond", "ResetsPerSecond", "RefusedTotal",
        "ResetsTotal", "Address", "Interfaces", "Listening", "Service", "Diagnosis", "LastListener", "JvmCallers"};

    private final MBeanServerConnection c;

    Answer(MBeanServerConnection c) {
        this.c = c;
    }

    /** The capture's state and counts, the alert and its explanation. */
    String header() throws IOException, JMException {
        StringBuilder sb = new StringBuilder();
        ObjectName capture = new ObjectName("rstwatch:type=Capture");
        if (c.isRegistered(capture)) {
            AttributeList a = c.getAttributes(capture, new String[] {"Status", "PacketsTotal", "DroppedTotal",
                "MalformedTotal"});
            sb.append(String.format(Locale.ROOT, "Capture: %s; %d packets, %d dropped by the kernel, %d malformed%n",
                    a.asList().get(0).getValue(), a.asList().get(1).getValue(), a.asList().get(2).getValue(),
                    a.asList().get(3).getValue()));
        }
        ObjectName tcp = new ObjectName("rstwatch:type=Tcp");
        if (c.isRegistered(tcp)) {
            sb.append("Alert: ").append(c.getAttribute(tcp, "AlertLevel")).append(" since ")
                    .append(c.getAttribute(tcp, "AlertSince")).append('\n');
            sb.append("  ").append(c.getAttribute(tcp, "AlertMessage")).append('\n');
        }
        return sb.toString();
    }

    /** The ports with refusals or resets, busiest first (per second, then totals); at most {@link #TOP_PORTS}. */
    String ports(boolean withDetails) throws IOException, JMException {
        List<Port> ports = new ArrayList<>();
        for (ObjectName name : c.queryNames(new ObjectName("rstwatch:type=Port,*"), null)) {
            AttributeList values = c.getAttributes(name, PORT_ATTRIBUTES);
            ports.add(new Port(name, values.asList().stream().collect(java.util.stream.Collectors.toMap(
                    a -> a.getName(), a -> a.getValue() == null ? "" : a.getValue()))));
        }
        ports.sort((a, b) -> {
            int byRate = Double.compare(b.rate(), a.rate());
            return byRate != 0 ? byRate : Long.compare(b.total(), a.total());
        });
        int shown = Math.min(TOP_PORTS, ports.size());
        StringBuilder sb = new StringBuilder("Ports with refusals or resets (" + ports.size()
                + (ports.size() > shown ? ", busiest " + shown + " shown" : "") + "):\n");
        if (ports.isEmpty()) {
            return sb.append("  none so far\n").toString();
        }
        TextTable t = new TextTable("SCOPE", "PORT>", "ADDRESS", "ON", "REFUSED/S>", "RESETS/S>", "REFUSED>", "RESETS>",
                "LISTENING", "SERVICE");
        for (Port p : ports.subList(0, shown)) {
            t.row(p.name.getKeyProperty("scope"), p.name.getKeyProperty("port"), p.v("Address"),
                    String.join(",", (String[]) p.values.get("Interfaces")), rate(p.d("RefusedPerSecond")),
                    rate(p.d("ResetsPerSecond")), p.v("RefusedTotal"), p.v("ResetsTotal"),
                    "local".equals(p.name.getKeyProperty("scope")) ? ((Boolean) p.values.get("Listening") ? "yes" : "no")
                            : "", p.v("Service"));
        }
        sb.append(t.render("  "));
        if (withDetails) {
            for (Port p : ports.subList(0, shown)) {
                sb.append("  ").append(p.name.getKeyProperty("scope")).append(' ').append(p.name.getKeyProperty("port"))
                        .append(": ").append(p.v("Diagnosis")).append('\n');
                if (!p.v("LastListener").isEmpty()) {
                    sb.append("      last listener: ").append(p.v("LastListener")).append('\n');
                }
                for (String caller : (String[]) p.values.get("JvmCallers")) {
                    sb.append("      called from: ").append(caller).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** This JVM's failed connects by endpoint, with the calling code. */
    String callers() throws IOException, JMException {
        ObjectName connects = new ObjectName("rstwatch:type=Connects");
        if (!c.isRegistered(connects)) {
            return "";
        }
        CompositeData[] rows = (CompositeData[]) c.getAttribute(connects, "Endpoints");
        StringBuilder sb = new StringBuilder("Failed connects from code in this JVM (" + c.getAttribute(connects,
                "FailedTotal") + "):\n");
        if (rows.length == 0) {
            return sb.append("  none so far\n").toString();
        }
        TextTable t = new TextTable("ENDPOINT", "REFUSED>", "TIMED OUT>", "UNREACHABLE>", "OTHER>", "CALLER");
        for (CompositeData r : rows) {
            t.row(r.get("endpoint"), r.get("refused"), r.get("timedOut"), r.get("unreachable"), r.get("other"),
                    r.get("caller"));
        }
        return sb.append(t.render("  ")).toString();
    }

    /** The listening sockets, with owners. */
    String listeners() throws IOException, JMException {
        ObjectName name = new ObjectName("rstwatch:type=Listeners");
        if (!c.isRegistered(name)) {
            return "";
        }
        CompositeData[] rows = (CompositeData[]) c.getAttribute(name, "Listeners");
        TextTable t = new TextTable("PORT>", "ADDRESS", "PID>", "QUEUE>", "SERVICE", "COMMAND");
        for (CompositeData r : rows) {
            String command = (String) r.get("command");
            t.row(r.get("port"), r.get("address"), r.get("pid"), r.get("acceptQueue"), r.get("service"),
                    command.length() > 72 ? command.substring(0, 30) + " ... " + command.substring(command.length() - 37)
                            : command); // both ends: the program, and for a JVM its main class or jar
        }
        StringBuilder sb = new StringBuilder("Listening sockets (" + rows.length + "):\n").append(t.render("  "));
        String[] gone = (String[]) c.getAttribute(name, "Gone");
        if (gone.length > 0) {
            sb.append("Gone lately:\n");
            for (int i = 0; i < Math.min(5, gone.length); i++) {
                sb.append("  ").append(gone[i]).append('\n');
            }
        }
        return sb.toString();
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.2f", perSecond);
    }

    private static final class Port {
        final ObjectName name;
        final java.util.Map<String, Object> values;

        Port(ObjectName name, java.util.Map<String, Object> values) {
            this.name = name;
            this.values = values;
        }

        String v(String attribute) {
            return String.valueOf(values.getOrDefault(attribute, ""));
        }

        double d(String attribute) {
            Object o = values.get(attribute);
            return o instanceof Number ? ((Number) o).doubleValue() : 0;
        }

        double rate() {
            return d("RefusedPerSecond") + d("ResetsPerSecond");
        }

        long total() {
            return (long) (d("RefusedTotal") + d("ResetsTotal"));
        }
    }
}
