package io.rstwatch.cli;

import java.io.PrintStream;
import java.lang.reflect.Array;
import java.util.Set;
import java.util.TreeSet;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

/** {@code report PID}: reads the rstwatch MBeans of a running JVM and prints them for a person. */
final class Report {
    private Report() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length != 1 || !args[0].matches("\\d+")) {
            err.println("usage: java -jar rstwatch-agent.jar report PID");
            return 2;
        }
        try (AttachedJvm jvm = AttachedJvm.attach(Long.parseLong(args[0]))) {
            MBeanServerConnection c = jvm.connection();
            Set<ObjectName> names = new TreeSet<>(c.queryNames(new ObjectName("rstwatch:*"), null));
            if (names.isEmpty()) {
                err.println("JVM " + args[0] + " has no rstwatch MBeans: start it with -javaagent:rstwatch-agent.jar.");
                return 1;
            }
            for (ObjectName name : names) {
                out.println(name);
                for (MBeanAttributeInfo a : c.getMBeanInfo(name).getAttributes()) {
                    out.println("  " + a.getName() + " = " + format(c.getAttribute(name, a.getName())));
                }
                out.println();
            }
        }
        return 0;
    }

    static String format(Object v) {
        if (v == null) {
            return "";
        }
        if (v.getClass().isArray()) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < Array.getLength(v); i++) {
                sb.append(i == 0 ? "" : ", ").append(format(Array.get(v, i)));
            }
            return sb.append(']').toString();
        }
        if (v instanceof TabularData) {
            StringBuilder sb = new StringBuilder();
            for (Object row : ((TabularData) v).values()) {
                sb.append("\n      ").append(format(row));
            }
            return sb.toString();
        }
        if (v instanceof CompositeData) {
            CompositeData cd = (CompositeData) v;
            StringBuilder sb = new StringBuilder();
            for (String key : cd.getCompositeType().keySet()) {
                sb.append(sb.length() == 0 ? "" : ", ").append(key).append('=').append(format(cd.get(key)));
            }
            return sb.toString();
        }
        return String.valueOf(v);
    }
}
