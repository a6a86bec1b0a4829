package io.rstwatch.ebpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The connect errors the kernel reports on TCP sockets, counted in the kernel by remote port and errno: a program
 * on the raw tracepoint {@code inet_sk_error_report} (Linux 5.14), which fires when a socket gets an error (a
 * reset answering its SYN: ECONNREFUSED; an ICMP unreachable: EHOSTUNREACH; its SYN unanswered: ETIMEDOUT), and
 * once more with 0 as it is cleaned up, which is skipped. The socket's fields are read at the offsets this
 * kernel's BTF gives. The tracepoint is host-wide; the program counts the sockets of one network namespace only
 * (the JVM's: what AttemptFails counts there), by the inode of the socket's namespace.
 */
public final class ConnectErrors implements AutoCloseable {
    /** Keys kept: a port and an errno each. */
    static final int MAX_KEYS = 4096;

    private final int cpus;
    private final int mapFd;
    private final int progFd;
    private final int linkFd;

    private ConnectErrors(int cpus, int mapFd, int progFd, int linkFd) {
        this.cpus = cpus;
        this.mapFd = mapFd;
        this.progFd = progFd;
        this.linkFd = linkFd;
    }

    /**
     * Loads and attaches the program, counting the sockets of the network namespace whose inode is
     * {@code netns} ({@link #namespaceOfThisProcess}); nothing stays loaded if a step fails.
     */
    public static ConnectErrors attach(Btf btf, long netns) throws IOException {
        Offsets o = new Offsets(
                offset(btf, "sock_common", "skc_dport"),
                offset(btf, "sock", "sk_err"),
                offset(btf, "sock_common", "skc_net"),
                offset(btf, "net", "ns") + offset(btf, "ns_common", "inum"));
        int cpus = Bpf.possibleCpus();
        int map = Bpf.createPerCpuHash(4, 8, MAX_KEYS);
        int prog = -1;
        try {
            prog = Bpf.loadRawTracepointProgram("rstwatch_errs", program(map, o, (int) netns));
            return new ConnectErrors(cpus, map, prog, Bpf.attachRawTracepoint("inet_sk_error_report", prog));
        } catch (IOException | RuntimeException e) {
            Bpf.close(prog);
            Bpf.close(map);
            throw e;
        }
    }

    /** Where the program reads: the socket's port, error and namespace, and a namespace's inode. */
    record Offsets(int dport, int err, int net, int netInum) {}

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
     * <pre>
     *   struct sock *sk = ctx->args[0];
     *   u64 net = 0, inum = 0, port = 0, err = 0;
     *   bpf_probe_read_kernel(&amp;net, 8, &amp;sk-&gt;__sk_common.skc_net.net);
     *   bpf_probe_read_kernel(&amp;inum, 4, &amp;((struct net *) net)-&gt;ns.inum);
     *   if ((u32) inum != NETNS) return 0;                               // another namespace's socket
     *   bpf_probe_read_kernel(&amp;port, 2, &amp;sk-&gt;__sk_common.skc_dport);   // network order
     *   bpf_probe_read_kernel(&amp;err, 4, &amp;sk-&gt;sk_err);
     *   if (err == 0) return 0;                                          // the cleanup's report
     *   u32 key = port &lt;&lt; 16 | err;
     *   u64 *n = bpf_map_lookup_elem(map, &amp;key);
     *   if (n) *n += 1; else { u64 one = 1; bpf_map_update_elem(map, &amp;key, &amp;one, BPF_ANY); }
     *   return 0;
     * </pre>
     */
    static Insn.Program program(int mapFd, Offsets o, int netns) {
        return new Insn.Program()
                .loadDouble(Insn.R6, Insn.R1, 0) // sk
                .mov64Imm(Insn.R1, 0)
                .storeDouble(Insn.R10, -8, Insn.R1) // port
                .storeDouble(Insn.R10, -16, Insn.R1) // err
                .storeDouble(Insn.R10, -40, Insn.R1) // net
                .storeDouble(Insn.R10, -48, Insn.R1) // inum
                .probeReadKernel(-40, 8, Insn.R6, o.net())
                .loadDouble(Insn.R7, Insn.R10, -40)
                .probeReadKernel(-48, 4, Insn.R7, o.netInum())
                .loadDouble(Insn.R1, Insn.R10, -48)
                .jumpIfNotEqual32(Insn.R1, netns, "out")
                .probeReadKernel(-8, 2, Insn.R6, o.dport())
                .probeReadKernel(-16, 4, Insn.R6, o.err())
                .loadDouble(Insn.R1, Insn.R10, -8)
                .loadDouble(Insn.R2, Insn.R10, -16)
                .jumpIfEqual(Insn.R2, 0, "out")
                .shiftLeft64(Insn.R1, 16)
                .or64Reg(Insn.R1, Insn.R2)
                .storeWord(Insn.R10, -24, Insn.R1) // key
                .loadMap(Insn.R1, mapFd)
                .mov64Reg(Insn.R2, Insn.R10)
                .add64Imm(Insn.R2, -24)
                .call(Insn.FN_MAP_LOOKUP_ELEM)
                .jumpIfEqual(Insn.R0, 0, "first")
                .loadDouble(Insn.R1, Insn.R0, 0)
                .add64Imm(Insn.R1, 1)
                .storeDouble(Insn.R0, 0, Insn.R1)
                .jump("out")
                .label("first")
                .mov64Imm(Insn.R1, 1)
                .storeDouble(Insn.R10, -32, Insn.R1)
                .loadMap(Insn.R1, mapFd)
                .mov64Reg(Insn.R2, Insn.R10)
                .add64Imm(Insn.R2, -24)
                .mov64Reg(Insn.R3, Insn.R10)
                .add64Imm(Insn.R3, -32)
                .mov64Imm(Insn.R4, 0) // BPF_ANY
                .call(Insn.FN_MAP_UPDATE_ELEM)
                .label("out")
                .mov64Imm(Insn.R0, 0)
                .exit();
    }

    /** Errors {@code errno} (ECONNREFUSED is 111) on sockets connected to {@code port}, since attached. */
    public long count(int port, int errno) throws IOException {
        int networkOrder = Short.toUnsignedInt(Short.reverseBytes((short) port));
        long[] perCpu = Bpf.lookupPerCpuOrNull(mapFd, networkOrder << 16 | errno, cpus);
        long sum = 0;
        if (perCpu != null) {
            for (long n : perCpu) {
                sum += n;
            }
        }
        return sum;
    }

    @Override
    public void close() {
        Bpf.close(linkFd);
        Bpf.close(progFd);
        Bpf.close(mapFd);
    }

    /** For checks that nothing stays loaded. */
    int programId() throws IOException {
        return Bpf.programId(progFd);
    }
}
