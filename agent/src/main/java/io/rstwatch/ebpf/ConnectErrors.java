package io.rstwatch.ebpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The connect errors the kernel reports on TCP sockets, counted in the kernel by remote port, errno and the
 * process that connected. Two programs share the maps:
 * <ul>
 * <li>on {@code inet_sock_set_state} (4.16), a socket entering SYN_SENT is remembered with the process that called
 *     connect(): the state change runs on its thread, which a reset arriving later does not;
 * <li>on {@code inet_sk_error_report} (5.14), which fires when a socket gets an error (a reset answering its SYN:
 *     ECONNREFUSED; an ICMP unreachable: EHOSTUNREACH; its SYN unanswered: ETIMEDOUT), the error is counted under
 *     that process; the report of 0 as the socket is cleaned up forgets it.
 * </ul>
 * The socket's fields are read at the offsets this kernel's BTF gives. The tracepoints are host-wide; the programs
 * count the sockets of one network namespace only (the JVM's: what AttemptFails counts there), by the inode of
 * the socket's namespace.
 */
public final class ConnectErrors implements AutoCloseable {
    /** Keys kept: a port, an errno and a process each. */
    static final int MAX_KEYS = 4096;
    /** Connects in flight remembered at once (least recently used first out). */
    static final int MAX_CONNECTING = 16384;

    static final int TCP_SYN_SENT = 2;
    private static final int MAP_TYPE_LRU_HASH = 9;

    private final int cpus;
    private final int[] fds;
    private final int countsFd;
    private final int connectingProgFd;
    private final int errorProgFd;

    private ConnectErrors(int cpus, int[] fds) {
        this.cpus = cpus;
        this.fds = fds;
        this.countsFd = fds[1];
        this.connectingProgFd = fds[2];
        this.errorProgFd = fds[3];
    }

    /** Where the programs read: the socket's port, error and namespace, and a namespace's inode. */
    record Offsets(int dport, int err, int net, int netInum) {}

    /**
     * Loads and attaches both programs, counting the sockets of the network namespace whose inode is
     * {@code netns} ({@link #namespaceOfThisProcess}); nothing stays loaded if a step fails.
     */
    public static ConnectErrors attach(Btf btf, long netns) throws IOException {
        return attach(btf, netns, true);
    }

    /**
     * As {@link #attach(Btf, long)}; without {@code processes} only the error hook runs: counts by port and errno,
     * every process as 0, for what watching each connect's SYN_SENT costs (bench/ebpf-hooks).
     */
    public static ConnectErrors attach(Btf btf, long netns, boolean processes) throws IOException {
        Offsets o = new Offsets(
                offset(btf, "sock_common", "skc_dport"),
                offset(btf, "sock", "sk_err"),
                offset(btf, "sock_common", "skc_net"),
                offset(btf, "net", "ns") + offset(btf, "ns_common", "inum"));
        int cpus = Bpf.possibleCpus();
        int[] fds = {-1, -1, -1, -1, -1, -1};
        try {
            fds[0] = Bpf.createMap(MAP_TYPE_LRU_HASH, 8, 8, MAX_CONNECTING); // sk -> tgid
            fds[1] = Bpf.createPerCpuHash(8, 8, MAX_KEYS); // (port << 16 | errno, tgid) -> count
            if (processes) {
                fds[2] = Bpf.loadRawTracepointProgram("rstwatch_syn", connecting(fds[0], o, (int) netns));
            }
            fds[3] = Bpf.loadRawTracepointProgram("rstwatch_errs", errors(fds[0], fds[1], o, (int) netns));
            if (processes) {
                fds[4] = Bpf.attachRawTracepoint("inet_sock_set_state", fds[2]);
            }
            fds[5] = Bpf.attachRawTracepoint("inet_sk_error_report", fds[3]);
            return new ConnectErrors(cpus, fds);
        } catch (IOException | RuntimeException e) {
            for (int i = fds.length - 1; i >= 0; i--) {
                Bpf.close(fds[i]);
            }
            throw e;
        }
    }

    /** The inode of this process's network namespace (/proc/self/ns/net, "net:[4026531840]"). */
    public static long namespaceOfThisProcess() throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
    }

    private static int offset(Btf btf, String struct, String member) throws IOException {
        OptionalInt o = btf.offset(struct, member);
        if (o.isEmpty()) {
            throw new IOException("this kernel's BTF has no " + struct + "." + member);
        }
        return o.getAsInt();
    }

    /**
     * The namespace test both programs begin with: r6 holds the socket; returns (to "out") when the socket is
     * another namespace's.
     *
     * <pre>
     *   u64 net = 0, inum = 0;
     *   bpf_probe_read_kernel(&amp;net, 8, &amp;sk-&gt;__sk_common.skc_net.net);
     *   bpf_probe_read_kernel(&amp;inum, 4, &amp;((struct net *) net)-&gt;ns.inum);
     *   if ((u32) inum != NETNS) return 0;
     * </pre>
     */
    private static Insn.Program inNamespace(Insn.Program p, Offsets o, int netns) {
        return p.mov64Imm(Insn.R1, 0)
                .storeDouble(Insn.R10, -40, Insn.R1)
                .storeDouble(Insn.R10, -48, Insn.R1)
                .probeReadKernel(-40, 8, Insn.R6, o.net())
                .loadDouble(Insn.R7, Insn.R10, -40)
                .probeReadKernel(-48, 4, Insn.R7, o.netInum())
                .loadDouble(Insn.R1, Insn.R10, -48)
                .jumpIfNotEqual32(Insn.R1, netns, "out");
    }

    /**
     * <pre>
     *   struct sock *sk = ctx->args[0];
     *   if ((u32) ctx->args[2] != TCP_SYN_SENT) return 0;
     *   (the namespace test)
     *   u64 tgid = bpf_get_current_pid_tgid() &gt;&gt; 32;
     *   bpf_map_update_elem(connecting, &amp;sk, &amp;tgid, BPF_ANY);
     *   return 0;
     * </pre>
     */
    static Insn.Program connecting(int connectingFd, Offsets o, int netns) {
        Insn.Program p = new Insn.Program()
                .loadDouble(Insn.R6, Insn.R1, 0) // sk
                .loadDouble(Insn.R2, Insn.R1, 16) // newstate
                .jumpIfNotEqual32(Insn.R2, TCP_SYN_SENT, "out");
        return inNamespace(p, o, netns)
                .call(Insn.FN_GET_CURRENT_PID_TGID)
                .shiftRight64(Insn.R0, 32)
                .storeDouble(Insn.R10, -8, Insn.R0) // tgid
                .storeDouble(Insn.R10, -16, Insn.R6) // sk, the key
                .mapUpdate(connectingFd, -16, -8)
                .label("out")
                .mov64Imm(Insn.R0, 0)
                .exit();
    }

    /**
     * <pre>
     *   struct sock *sk = ctx->args[0];
     *   (the namespace test)
     *   u64 port = 0, err = 0;
     *   bpf_probe_read_kernel(&amp;port, 2, &amp;sk-&gt;__sk_common.skc_dport);   // network order
     *   bpf_probe_read_kernel(&amp;err, 4, &amp;sk-&gt;sk_err);
     *   if (err == 0) { bpf_map_delete_elem(connecting, &amp;sk); return 0; }  // the cleanup's report
     *   u64 *tgid = bpf_map_lookup_elem(connecting, &amp;sk);
     *   struct { u32 port_err; u32 tgid; } key = { port &lt;&lt; 16 | err, tgid ? *tgid : 0 };
     *   u64 *n = bpf_map_lookup_elem(counts, &amp;key);
     *   if (!n &amp;&amp; bpf_map_update_elem(counts, &amp;key, &amp;one, BPF_NOEXIST) != 0)   // one = 1
     *       n = bpf_map_lookup_elem(counts, &amp;key);     // another CPU inserted it first
     *   if (n) *n += 1;
     *   return 0;
     * </pre>
     */
    static Insn.Program errors(int connectingFd, int countsFd, Offsets o, int netns) {
        Insn.Program p = new Insn.Program().loadDouble(Insn.R6, Insn.R1, 0); // sk
        return inNamespace(p, o, netns)
                .mov64Imm(Insn.R1, 0)
                .storeDouble(Insn.R10, -8, Insn.R1) // port
                .storeDouble(Insn.R10, -16, Insn.R1) // err
                .storeDouble(Insn.R10, -24, Insn.R1) // key
                .storeDouble(Insn.R10, -32, Insn.R6) // sk, the key of connecting
                .probeReadKernel(-8, 2, Insn.R6, o.dport())
                .probeReadKernel(-16, 4, Insn.R6, o.err())
                .loadDouble(Insn.R2, Insn.R10, -16)
                .jumpIfEqual(Insn.R2, 0, "forget")
                .loadDouble(Insn.R1, Insn.R10, -8)
                .shiftLeft64(Insn.R1, 16)
                .or64Reg(Insn.R1, Insn.R2)
                .storeWord(Insn.R10, -24, Insn.R1) // key.port_err
                .mapLookup(connectingFd, -32)
                .jumpIfEqual(Insn.R0, 0, "count")
                .loadDouble(Insn.R1, Insn.R0, 0)
                .storeWord(Insn.R10, -20, Insn.R1) // key.tgid
                .label("count")
                .mapLookup(countsFd, -24)
                .jumpIfEqual(Insn.R0, 0, "first")
                .label("add")
                .loadDouble(Insn.R1, Insn.R0, 0)
                .add64Imm(Insn.R1, 1)
                .storeDouble(Insn.R0, 0, Insn.R1)
                .jump("out")
                .label("first")
                .mov64Imm(Insn.R1, 1)
                .storeDouble(Insn.R10, -16, Insn.R1) // the value, where err was
                .mapInsert(countsFd, -24, -16)
                .jumpIfEqual(Insn.R0, 0, "out")
                .mapLookup(countsFd, -24) // another CPU put the key in first: add to it here
                .jumpIfNotEqual(Insn.R0, 0, "add")
                .jump("out")
                .label("forget")
                .mapDelete(connectingFd, -32)
                .label("out")
                .mov64Imm(Insn.R0, 0)
                .exit();
    }

    /**
     * Errors {@code errno} (ECONNREFUSED is 111) on sockets connected to {@code port} since attached, by the
     * process (tgid) that connected; 0 for connects made before the programs were attached.
     */
    public Map<Integer, Long> byProcess(int port, int errno) throws IOException {
        int portErr = Short.toUnsignedInt(Short.reverseBytes((short) port)) << 16 | errno;
        Map<Integer, Long> out = new TreeMap<>();
        for (long key : Bpf.keys(countsFd, MAX_KEYS)) {
            if ((int) key == portErr) {
                long[] perCpu = Bpf.lookupPerCpuOrNull(countsFd, key, cpus);
                long sum = 0;
                for (long n : perCpu == null ? new long[0] : perCpu) {
                    sum += n;
                }
                out.merge((int) (key >>> 32), sum, Long::sum);
            }
        }
        return out;
    }

    /** Errors {@code errno} on sockets connected to {@code port} since attached, whoever connected. */
    public long count(int port, int errno) throws IOException {
        long sum = 0;
        for (long n : byProcess(port, errno).values()) {
            sum += n;
        }
        return sum;
    }

    @Override
    public void close() {
        for (int i = fds.length - 1; i >= 0; i--) {
            Bpf.close(fds[i]);
        }
    }

    /**
     * Both programs' runs, the nanoseconds they took and the runs skipped ({runs, ns, skipped} each, connecting
     * first), counted by the kernel
     * while run-time stats are on ({@link #timingRuns}): what a hook costs, measured where it runs.
     */
    public long[][] runStats() throws IOException {
        long[] none = {0, 0, 0};
        return new long[][] {connectingProgFd < 0 ? none : Bpf.runStats(connectingProgFd), Bpf.runStats(errorProgFd)};
    }

    /** Turns the kernel's timing of program runs on until the returned handle is closed (benches only). */
    public static AutoCloseable timingRuns() throws IOException {
        int fd = Bpf.enableRunTimeStats();
        return () -> Bpf.close(fd);
    }

    /** For checks that nothing stays loaded. */
    int programId() throws IOException {
        return Bpf.programId(errorProgFd);
    }
}
