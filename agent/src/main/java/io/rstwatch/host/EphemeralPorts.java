package io.rstwatch.host;

import java.util.regex.Pattern;

/**
 * The kernel's ephemeral port range (net.ipv4.ip_local_port_range): where a connect's own source port comes from,
 * so a port inside it is a client's, and one below it may be a service's.
 *
 * @param low the first port of the range
 * @param high the last port of the range
 */
public record EphemeralPorts(int low, int high) {
    /** Linux's default, kept while the sysctl cannot be read. */
    public static final EphemeralPorts LINUX_DEFAULT = new EphemeralPorts(32768, 60999);

    /** The sysctl's file, under the /proc root. */
    public static final String SYSCTL = "sys/net/ipv4/ip_local_port_range";

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    public EphemeralPorts {
        if (low < 1 || high > 65535 || low > high) {
            throw new IllegalArgumentException("not a port range: " + low + "-" + high);
        }
    }

    /**
     * The range as the sysctl's file gives it: two ports, "32768\t60999\n".
     *
     * @throws IllegalArgumentException when the text is not two ports, the first not above the second
     */
    public static EphemeralPorts parse(String sysctl) {
        String[] ports = WHITESPACE.split(sysctl.trim());
        if (ports.length != 2) {
            throw new IllegalArgumentException("not two ports: \"" + sysctl.trim() + "\"");
        }
        return new EphemeralPorts(Integer.parseInt(ports[0]), Integer.parseInt(ports[1]));
    }

    public boolean contains(int port) {
        return port >= low && port <= high;
    }
}
