package io.rstwatch.jmx;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The published contract in one place: every MBean the agent registers, with its MXBean interface. The manual's
 * MBeans reference ({@code java -jar rstwatch-agent.jar mbeans}) is printed from it, and the collector configs'
 * coverage test reads it: an attribute added to an interface is then in the manual and asked of every config.
 */
public final class Catalog {
    private Catalog() {}

    /** One published MBean: its name as a collector matches it, and its interface. */
    public record Entry(String name, Class<?> type) {
        /** The MBean's type key: "Port" for {@code rstwatch:type=Port,...}. */
        public String typeKey() {
            int at = name.indexOf("type=") + "type=".length();
            int end = name.indexOf(',', at);
            return end < 0 ? name.substring(at) : name.substring(at, end);
        }

        /** Its attributes, by name. */
        public List<Attribute> attributes() {
            List<Attribute> out = new ArrayList<>();
            for (Method m : type.getMethods()) {
                String attribute = attributeName(m);
                if (attribute != null) {
                    Description d = m.getAnnotation(Description.class);
                    out.add(new Attribute(attribute, d == null ? "" : d.value()));
                }
            }
            out.sort(Comparator.comparing(Attribute::name));
            return out;
        }

        /** The interface's own description. */
        public String description() {
            Description d = type.getAnnotation(Description.class);
            return d == null ? "" : d.value();
        }
    }

    /** An attribute and its description, as JConsole, Prometheus HELP and Jolokia show it. */
    public record Attribute(String name, String description) {}

    public static final List<Entry> ALL = List.of(
            new Entry(ObjectNames.AGENT.toString(), AgentMXBean.class),
            new Entry(ObjectNames.CAPTURE.toString(), CaptureMXBean.class),
            new Entry(ObjectNames.TCP.toString(), TcpMXBean.class),
            new Entry(ObjectNames.DOMAIN + ":type=Port,scope=local|remote,port=N|other", PortMXBean.class),
            new Entry(ObjectNames.LISTENERS.toString(), ListenersMXBean.class),
            new Entry(ObjectNames.CONNECTS.toString(), ConnectsMXBean.class),
            new Entry(ObjectNames.DOMAIN + ":type=Endpoint,host=H|other,port=N|other", EndpointMXBean.class),
            new Entry(ObjectNames.SCANS.toString(), ScansMXBean.class));

    /** "getRefusedTotal" is RefusedTotal, "isActive" Active; null for what is no getter. */
    static String attributeName(Method m) {
        if (m.getParameterCount() != 0 || m.getReturnType() == void.class) {
            return null;
        }
        String n = m.getName();
        if (n.startsWith("get") && n.length() > 3) {
            return n.substring(3);
        }
        if (n.startsWith("is") && n.length() > 2 && m.getReturnType() == boolean.class) {
            return n.substring(2);
        }
        return null;
    }

    /** The manual's MBeans reference, in Markdown: each MBean, what it answers, and each attribute. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : ALL) {
            sb.append("### `").append(e.name()).append("`\n\n");
            sb.append(e.description()).append("\n\n");
            sb.append("| attribute | meaning |\n|---|---|\n");
            for (Attribute a : e.attributes()) {
                sb.append("| `")
                        .append(a.name())
                        .append("` | ")
                        .append(a.description().replace("|", "\\|"))
                        .append(" |\n");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
