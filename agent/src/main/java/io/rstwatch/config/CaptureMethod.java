package io.rstwatch.config;

/** How the agent sees the network (option {@code capture.method}). */
public enum CaptureMethod {
    /**
     * eBPF where the kernel (BTF, Linux 6.10 or later) and the JVM's grant allow it and {@code interfaces} is
     * {@code any}, else the packet socket; the Capture Status says which and why.
     */
    AUTO,
    /** Programs in the kernel on the TCP sockets' tracepoints: root, or CAP_BPF with CAP_PERFMON. */
    EBPF,
    /** A packet socket's ring with a BPF filter: CAP_NET_RAW. */
    PACKET
}
