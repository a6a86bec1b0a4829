package io.rstwatch.config;

import io.rstwatch.log.LogLevel;
import java.util.List;

/**
 * Every option the agent understands, and the single source of the options reference (docs/options.md) ({@link #markdownTable},
 * printed by {@code java -jar rstwatch-agent.jar options}). Adding a feature's option means adding it here.
 */
public final class OptionKeys {
    private OptionKeys() {}

    public static final OptionSpec<LogLevel> LOG = OptionSpec.oneOf(
            "log",
            LogLevel.INFO,
            "what the agent writes to stderr: `debug`, `info`, `warn` or `off`",
            LogLevel.DEBUG,
            LogLevel.INFO,
            LogLevel.WARN,
            LogLevel.OFF);

    public static final OptionSpec<String> CONFIG = OptionSpec.text(
            "config",
            "",
            "the path of a readable .properties file",
            "a properties file with more options (a regular file of at most 1 MiB; anything else is refused unread)");

    public static final OptionSpec<Integer> RATE_WINDOW = OptionSpec.integer(
            "rate.window",
            60,
            1,
            3600,
            "seconds",
            "seconds over which every `...PerSecond` attribute is averaged; a window keeps at most 60 samples, so an"
                    + " hour's costs no more memory than a minute's");

    public static final OptionSpec<Boolean> CAPTURE =
            OptionSpec.onOff("capture", true, "`off` disables packet capture (the other parts keep working)");

    public static final OptionSpec<CaptureMethod> CAPTURE_METHOD = OptionSpec.oneOf(
            "capture.method",
            CaptureMethod.AUTO,
            "how the network is seen: `packet` (a packet socket on `interfaces`: CAP_NET_RAW), `ebpf` (programs on the"
                    + " kernel's TCP socket tracepoints, for the JVM's network namespace: root, or CAP_BPF with"
                    + " CAP_PERFMON, a kernel with BTF, Linux 6.10 or later; what it does not see is in"
                    + " docs/capture.md; when it cannot load, the packet socket with one WARN), or `auto` (`ebpf` where"
                    + " the kernel and the JVM's grant allow it and `interfaces` is `any`, else `packet`; the Capture"
                    + " Status says which and why)",
            CaptureMethod.AUTO,
            CaptureMethod.EBPF,
            CaptureMethod.PACKET);

    public static final OptionSpec<List<String>> INTERFACES = OptionSpec.names(
            "interfaces",
            List.of("any"),
            "\"any\" or a comma-separated list of interface names",
            "`any` (every interface of the JVM's network namespace, `lo` included) or a list: `interfaces=lo,eth0`");

    public static final OptionSpec<Integer> PORTS_MAX = OptionSpec.integer(
            "ports.max",
            256,
            1,
            65536,
            "ports",
            "at most this many Port MBeans per scope (local, remote); when full, a new port replaces one idle for"
                    + " `ports.idle`, else it is counted under `port=other` of its scope. A value whose full tables"
                    + " would take more than 16 MiB of heap is lowered to one that fits, with a WARN");

    public static final OptionSpec<Integer> PORTS_IDLE = OptionSpec.integer(
            "ports.idle",
            600,
            1,
            86400,
            "seconds",
            "seconds without an event after which a Port entry (no listener), a Connects endpoint or its caller may"
                    + " give its place to a new one; its counts go to `other`");

    public static final OptionSpec<Integer> SCAN_PORTS = OptionSpec.integer(
            "scan.ports",
            32,
            0,
            256,
            "ports",
            "a remote source refused on more than this many ports within 60 s is a scanner, counted on"
                    + " `rstwatch:type=Scans` and not on Port MBeans; `0` turns detection off");

    public static final OptionSpec<Integer> CAPTURE_BUFFER = OptionSpec.integer(
            "capture.buffer",
            16,
            1,
            1024,
            "MiB",
            "kernel buffer per capture, MiB; larger rides out longer bursts without drops");

    public static final OptionSpec<Integer> PROC_INTERVAL = OptionSpec.integer(
            "proc.interval", 5, 1, 3600, "seconds", "seconds between reads of /proc/net/snmp and /proc/net/netstat");

    public static final OptionSpec<Double> ALERT_WARN = OptionSpec.positive(
            "alert.warn",
            1.0,
            "failed connections per second",
            "failed connections per second (AttemptFails) at which `AlertLevel` becomes WARN");

    public static final OptionSpec<Double> ALERT_CRITICAL = OptionSpec.positive(
            "alert.critical",
            10.0,
            "failed connections per second",
            "failed connections per second at which `AlertLevel` becomes CRITICAL");

    public static final OptionSpec<Integer> ALERT_HOLD = OptionSpec.integer(
            "alert.hold",
            60,
            0,
            3600,
            "seconds",
            "seconds the failed-connection rate must stay under a level's threshold before `AlertLevel` leaves that"
                    + " level (going up is immediate): a rate wavering around a threshold does not flap");

    public static final OptionSpec<Integer> LISTENERS_INTERVAL = OptionSpec.integer(
            "listeners.interval",
            2,
            1,
            3600,
            "seconds",
            "seconds between reads of the listening sockets and their owners");

    public static final OptionSpec<CommandLineDisclosure> LISTENERS_CMDLINE = OptionSpec.oneOf(
            "listeners.cmdline",
            CommandLineDisclosure.REDACTED,
            "how other processes' command lines show in `Listeners` and the diagnoses: `redacted` (secrets become"
                    + " `***`: values of arguments named like password, pass, secret, token, key, credential, auth;"
                    + " passwords in URLs, query strings and JSON; `mysql -p...`, `curl -u user:...`), `full`, or"
                    + " `off` (the executable's name only)",
            CommandLineDisclosure.REDACTED,
            CommandLineDisclosure.FULL,
            CommandLineDisclosure.OFF);

    public static final OptionSpec<Boolean> CLIENTS = OptionSpec.onOff(
            "clients",
            true,
            "`on` names the processes of this host whose connects fail (a Port MBean's `Clients`) with eBPF hooks in"
                    + " the kernel, where they can load: root, or CAP_BPF with CAP_PERFMON, and a kernel with BTF"
                    + " (Linux 5.14 or later); `off` loads no eBPF program");

    public static final OptionSpec<String> PLUGINS = OptionSpec.text(
            "plugins", "", "the path of a directory of plugin jars", "a directory of plugin jars (see Plugins)");

    public static final List<OptionSpec<?>> ALL = List.of(
            LOG,
            CONFIG,
            RATE_WINDOW,
            CAPTURE,
            CAPTURE_METHOD,
            INTERFACES,
            PORTS_MAX,
            PORTS_IDLE,
            SCAN_PORTS,
            CAPTURE_BUFFER,
            PROC_INTERVAL,
            ALERT_WARN,
            ALERT_CRITICAL,
            ALERT_HOLD,
            LISTENERS_INTERVAL,
            LISTENERS_CMDLINE,
            CLIENTS,
            PLUGINS);

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

    /** The options reference's table, in Markdown: key, default, meaning. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
        for (OptionSpec<?> spec : ALL) {
            sb.append("| `")
                    .append(spec.key())
                    .append("` | ")
                    .append(shownDefault(spec))
                    .append(" | ")
                    .append(spec.help())
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static String shownDefault(OptionSpec<?> spec) {
        String text = spec.defaultText();
        return text.isEmpty() ? "(none)" : "`" + text + "`";
    }
}
