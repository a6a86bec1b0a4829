package io.rstwatch.jmx;

import io.rstwatch.plugin.Scope;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Every rstwatch ObjectName, spelled once. They are a public contract: collector configs (jmx_exporter rules,
 * the Zabbix template, Telegraf, Datadog) match them exactly. {@code type=} comes first, as in java.lang.
 */
public final class ObjectNames {
    public static final String DOMAIN = "rstwatch";
    /** Every rstwatch MBean, as a pattern for sentences: "rstwatch:type=*". */
    public static final String ALL_TEXT = DOMAIN + ":type=*";

    public static final ObjectName AGENT = of(DOMAIN + ":type=Agent");
    public static final ObjectName CAPTURE = of(DOMAIN + ":type=Capture");
    public static final ObjectName TCP = of(DOMAIN + ":type=Tcp");
    public static final ObjectName LISTENERS = of(DOMAIN + ":type=Listeners");
    public static final ObjectName CONNECTS = of(DOMAIN + ":type=Connects");
    public static final ObjectName SCANS = of(DOMAIN + ":type=Scans");
    /** Every Endpoint MBean, for queries. */
    public static final ObjectName ENDPOINTS = of(DOMAIN + ":type=Endpoint,*");
    /** Every Port MBean, for queries. */
    public static final ObjectName PORTS = of(DOMAIN + ":type=Port,*");
    /** The port key of the catch-all entry for ports beyond ports.max. */
    public static final String OTHER_PORT = "other";

    private ObjectNames() {}

    /** "rstwatch:type=Port,scope=local,port=7211"; {@code port} is a number or {@link #OTHER_PORT}. */
    public static ObjectName port(Scope scope, String port) {
        return of(DOMAIN + ":type=Port,scope=" + scope.label() + ",port=" + port);
    }

    /**
     * "rstwatch:type=Endpoint,host=payments-db,port=5432"; {@code host} as the application gave it, quoted when it
     * holds more than letters, digits, dots, dashes and underscores (an IPv6 literal's colons, or whatever a name
     * came with), so that no host makes another name or none.
     */
    public static ObjectName endpoint(String host, String port) {
        return of(DOMAIN + ":type=Endpoint,host=" + (host.matches("[A-Za-z0-9._-]+") ? host : ObjectName.quote(host))
                + ",port=" + port);
    }

    /** The scope of a Port MBean's name. */
    public static Scope scopeOf(ObjectName port) {
        return Scope.REMOTE.label().equals(port.getKeyProperty("scope")) ? Scope.REMOTE : Scope.LOCAL;
    }

    /** The port key of a Port MBean's name: a number or {@link #OTHER_PORT}. */
    public static String portOf(ObjectName port) {
        return port.getKeyProperty("port");
    }

    private static ObjectName of(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}
