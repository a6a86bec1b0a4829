package io.rstwatch.ebpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Why programs could not be loaded, or should not be, in a clause an operator can act on: what is missing and how
 * to get it. One place for every part that loads programs, so that each says it the same way.
 */
public final class LoadFailure {
    /** The first release whose {@code tcp_send_reset} sees the reset answering a SYN to a closed port. */
    private static final int[] SEES_REFUSALS_OF_CLOSED_PORTS = {6, 10};

    private static final Path RELEASE = Path.of("/proc/sys/kernel/osrelease");

    private LoadFailure() {}

    /** Whether it failed for want of a grant (EPERM): the usual unprivileged JVM, not a fault. */
    public static boolean isPermission(Throwable t) {
        return String.valueOf(t.getMessage()).contains("EPERM");
    }

    /** Why the programs could not load, and how to fix it, in words. */
    public static String explain(Throwable t) {
        String m = String.valueOf(t.getMessage());
        if (isPermission(t)) {
            return "no permission to load eBPF programs: run the JVM as root or grant it CAP_BPF and CAP_PERFMON"
                    + " (systemd AmbientCapabilities=CAP_BPF CAP_PERFMON, docker --cap-add BPF --cap-add PERFMON)";
        }
        if (m.contains("/sys/kernel/btf/vmlinux")) {
            return "this kernel has no BTF (/sys/kernel/btf/vmlinux): it needs one built with CONFIG_DEBUG_INFO_BTF";
        }
        if (m.contains("ENOENT") && m.contains("tracepoint")) {
            return "this kernel lacks a tracepoint the hooks need (" + m + "): Linux 5.14 or later is needed";
        }
        return m;
    }

    /**
     * Null where this kernel's hooks see every refusal the packet socket does; else why not, in words. Before
     * 6.10 the reset answering another host's SYN to a closed port passes no hook the programs use.
     */
    public static String missedByThisKernel() {
        String release;
        try {
            release = Files.readString(RELEASE).strip();
        } catch (IOException | RuntimeException e) {
            return "this kernel's release could not be read (" + RELEASE + ")";
        }
        return missedBy(release);
    }

    static String missedBy(String release) {
        int[] v = version(release);
        boolean recent = v[0] != SEES_REFUSALS_OF_CLOSED_PORTS[0]
                ? v[0] > SEES_REFUSALS_OF_CLOSED_PORTS[0]
                : v[1] >= SEES_REFUSALS_OF_CLOSED_PORTS[1];
        return recent
                ? null
                : "Linux " + v[0] + "." + v[1] + " is older than 6.10, whose tcp_send_reset is the first to see the"
                        + " resets answering other hosts' connects to closed ports";
    }

    /** Major and minor of a release such as "6.18.0-1-amd64"; 0.0 where it has none. */
    static int[] version(String release) {
        int[] v = new int[2];
        int part = 0;
        for (int i = 0; i < release.length() && part < 2; i++) {
            char c = release.charAt(i);
            if (c >= '0' && c <= '9') {
                v[part] = Math.min(v[part] * 10 + (c - '0'), 10_000);
            } else if (c == '.') {
                part++;
            } else {
                break;
            }
        }
        return v;
    }
}
