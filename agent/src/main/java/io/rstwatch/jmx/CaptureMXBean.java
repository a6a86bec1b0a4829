package io.rstwatch.jmx;

@Description("What the agent sees of the network: packet capture of TCP resets, SYNs and ICMP unreachables quoting"
        + " TCP (a packet socket's ring, a kernel-side BPF filter compiled by libpcap, headers only: no payload is"
        + " kept), or the kernel's TCP sockets through eBPF programs (capture.method).")
public interface CaptureMXBean {
    @Description("How the network is seen: \"packet\" (a packet socket) or \"ebpf\" (programs on the kernel's TCP"
            + " socket tracepoints); the Status says why; empty while capture is off.")
    String getMethod();

    @Description("True while at least one capture is running.")
    boolean isActive();

    @Description("One sentence: what is captured where, or why not and how to fix it.")
    String getStatus();

    @Description("The devices captured on (\"any\" covers every interface of this network namespace, lo included).")
    String[] getInterfaces();

    @Description("The link-layer header type of each running capture (LINUX_SLL2, EN10MB, ...).")
    String[] getLinkTypes();

    @Description("Packets that passed the kernel filter and were read (resets and port-unreachables), since start;"
            + " with capture.method=ebpf, the socket events read.")
    long getPacketsTotal();

    @Description("Packets the kernel dropped because the capture's ring was full (capture.buffer), since start;"
            + " with capture.method=ebpf, the events its ring had no room for. Above zero, the per-port counts are low"
            + " by at least that much.")
    long getDroppedTotal();

    @Description("Captured packets too short or malformed to decode; counted and otherwise ignored.")
    long getMalformedTotal();

    @Description("Copies of one packet seen again on another interface (bridges, veth pairs), not counted twice.")
    long getDuplicatesTotal();

    @Description("Packets from outside that claim a loopback address, or arrive on a non-loopback interface with one of"
            + " this host's own addresses as sender: forged. Counted here only, never on a Port or in the alert.")
    long getSpoofedTotal();

    @Description("Resets and port-unreachables this host only passes on (routed, bridged, or for another host's MAC):"
            + " neither end is this host, so they are counted here only.")
    long getForwardedTotal();

    @Description("Refusals received from another host that answer no SYN this host sent (a RST+ACK with seq 0, or an"
            + " ICMP unreachable quoting a SYN, whose addresses, ports and acknowledged sequence number match no"
            + " connect in flight): forged, or meant for another host. Counted here only, never on a Port or in the"
            + " alert.")
    long getUnmatchedResetsTotal();
}
