package io.rstwatch.ebpf;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where this kernel keeps what the programs read of a socket, a packet buffer and a device, from its BTF: the
 * same program works on every kernel whose structs hold these members, wherever they lie. With them, the BTF ids
 * of the tracepoints the programs attach to ({@link #tracepoint}). Read once a JVM ({@link #ofThisKernel}): the
 * BTF is megabytes to read and parse, the layout a few numbers.
 */
record KernelLayout(
        int dport,
        int sport,
        int family,
        int state,
        int daddr,
        int rcvSaddr,
        int v6daddr,
        int v6rcvSaddr,
        int net,
        int netInum,
        int err,
        int errSoft,
        int skbHead,
        int skbNetworkHeader,
        int skbTransportHeader,
        int skbDev,
        int devIfindex,
        int devNet,
        int dstCache,
        int dstDev,
        int totalRetrans,
        int sndUna,
        Map<String, Integer> tracepoints) {
    /** The tracepoints the programs attach to. */
    static final String[] TRACEPOINTS = {
        "inet_sock_set_state", "tcp_retransmit_skb", "tcp_send_reset", "tcp_receive_reset"
    };

    private static KernelLayout thisKernel;

    /** This kernel's layout, from /sys/kernel/btf/vmlinux the first time; every program that loads shares it. */
    static synchronized KernelLayout ofThisKernel() throws IOException {
        if (thisKernel == null) {
            thisKernel = of(Btf.ofKernel());
        }
        return thisKernel;
    }

    static KernelLayout of(Btf btf) throws IOException {
        return new KernelLayout(
                btf.offsetOf("sock_common", "skc_dport"),
                btf.offsetOf("inet_sock", "inet_sport"), // skc_num is 0 once the port is put back
                btf.offsetOf("sock_common", "skc_family"),
                btf.offsetOf("sock_common", "skc_state"),
                btf.offsetOf("sock_common", "skc_daddr"),
                btf.offsetOf("sock_common", "skc_rcv_saddr"),
                btf.offsetOf("sock_common", "skc_v6_daddr"),
                btf.offsetOf("sock_common", "skc_v6_rcv_saddr"),
                btf.offsetOf("sock_common", "skc_net"),
                btf.offsetOf("net", "ns") + btf.offsetOf("ns_common", "inum"),
                btf.offsetOf("sock", "sk_err"),
                btf.offsetOf("sock", "sk_err_soft"),
                btf.offsetOf("sk_buff", "head"),
                btf.offsetOf("sk_buff", "network_header"),
                btf.offsetOf("sk_buff", "transport_header"),
                btf.offsetOf("sk_buff", "dev"),
                btf.offsetOf("net_device", "ifindex"),
                btf.offsetOf("net_device", "nd_net"), // possible_net_t: its one member, the struct net *
                btf.offsetOf("sock", "sk_dst_cache"),
                btf.offsetOf("dst_entry", "dev"),
                btf.offsetOf("tcp_sock", "total_retrans"),
                btf.offsetOf("tcp_sock", "snd_una"),
                tracepointIds(btf));
    }

    private static Map<String, Integer> tracepointIds(Btf btf) {
        Map<String, Integer> ids = new HashMap<>();
        for (String t : TRACEPOINTS) {
            btf.tracepoint(t).ifPresent(id -> ids.put(t, id));
        }
        return Map.copyOf(ids);
    }

    /**
     * The BTF id a program on {@code tracepoint} (one of {@link #TRACEPOINTS}) is loaded for; an IOException
     * names a tracepoint this kernel lacks.
     */
    int tracepoint(String tracepoint) throws IOException {
        Integer id = tracepoints.get(tracepoint);
        if (id == null) {
            throw new IOException("this kernel has no tracepoint " + tracepoint);
        }
        return id;
    }
}
