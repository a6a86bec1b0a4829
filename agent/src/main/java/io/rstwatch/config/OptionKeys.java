package io.rstwatch.config;

import java.util.List;

/** Every option the agent understands. Adding a feature's option means adding it here, with its help text. */
public final class OptionKeys {
    private OptionKeys() {
    }

    public static final OptionSpec<String> LOG = OptionSpec.oneOf("log", "info",
            "How much the agent writes to stderr.", "debug", "info", "warn", "off");

    public static final OptionSpec<String> CONFIG = OptionSpec.text("config", "",
            "the path of a readable .properties file", "A properties file with more options (lowest precedence but the defaults).");

    public static final OptionSpec<Integer> RATE_WINDOW = OptionSpec.integer("rate.window", 60, 1, 3600, "seconds",
            "The window, in seconds, over which every PerSecond attribute is averaged.");

    public static final OptionSpec<String> CAPTURE = OptionSpec.oneOf("capture", "on",
            "Whether to capture resets and port-unreachables with libpcap.", "on", "off");

    public static final OptionSpec<String> INTERFACES = OptionSpec.text("interfaces", "any",
            "\"any\" or a comma-separated list of interface names",
            "The devices to capture on: \"any\" (every interface, lo included) or a list such as lo,eth0.");

    public static final OptionSpec<Integer> PORTS_MAX = OptionSpec.integer("ports.max", 256, 1, 65536, "ports",
            "At most this many Port MBeans; further ports are counted under port=other of their scope.");

    public static final OptionSpec<Integer> CAPTURE_BUFFER = OptionSpec.integer("capture.buffer", 16, 1, 1024, "MiB",
            "The kernel buffer of each capture, in MiB: larger rides out longer bursts without drops.");

    public static final OptionSpec<Integer> PROC_INTERVAL = OptionSpec.integer("proc.interval", 5, 1, 3600, "seconds",
            "How often the kernel's TCP counters are read from /proc/net/snmp and /proc/net/netstat.");

    public static final OptionSpec<Double> ALERT_WARN = OptionSpec.positive("alert.warn", 1.0,
            "failed connections per second", "FailedConnectionsPerSecond at or above this raises AlertLevel to WARN.");

    public static final OptionSpec<Double> ALERT_CRITICAL = OptionSpec.positive("alert.critical", 10.0,
            "failed connections per second", "FailedConnectionsPerSecond at or above this raises AlertLevel to CRITICAL.");

    public static final OptionSpec<Integer> LISTENERS_INTERVAL = OptionSpec.integer("listeners.interval", 2, 1, 3600,
            "seconds", "How often the listening sockets and their owners are read from /proc.");

    public static final OptionSpec<String> PLUGINS = OptionSpec.text("plugins", "",
            "the path of a directory of plugin jars",
            "A directory of plugin jars (rstwatch-plugin-api), each loaded in a class loader of its own.");

    public static final List<OptionSpec<?>> ALL = List.of(LOG, CONFIG, RATE_WINDOW, CAPTURE, INTERFACES, PORTS_MAX,
            CAPTURE_BUFFER, PROC_INTERVAL, ALERT_WARN, ALERT_CRITICAL, LISTENERS_INTERVAL, PLUGINS);

    public static String knownKeys() {
        StringBuilder sb = new StringBuilder();
        for (OptionSpec<?> spec : ALL) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(spec.key());
        }
        return sb.toString();
    }
}
