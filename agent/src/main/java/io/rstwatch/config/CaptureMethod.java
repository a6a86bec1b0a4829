package io.rstwatch.config;

/** How the agent sees the network (option {@code capture.method}). */
public enum CaptureMethod {
    /** The packet socket, until the in-kernel source counts everything it does (docs/capture.md). */
    AUTO,
    /** Programs in the kernel on the TCP sockets' tracepoints: root, or CAP_BPF with CAP_PERFMON. */
    EBPF,
    /** A packet socket's ring with a BPF filter: CAP_NET_RAW. */
    PACKET
}
