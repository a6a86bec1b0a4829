package io.rstwatch.ebpf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The connects that fail on TCP sockets, counted in the kernel by destination, errno and the process that
 * connected, by one program on {@code inet_sock_set_state} (4.16), this class's own or, where capture counts in the
 * kernel, {@link KernelEvents}' state program, which counts here in the same run ({@link #counting}):
 * <ul>
 * <li>a socket entering SYN_SENT is remembered with the process that called connect(), its user and its name: the
 *     state change runs on its thread, which a reset arriving later does not;
 * <li>a remembered socket that becomes ESTABLISHED is forgotten;
 * <li>a remembered socket that closes with an error (a reset answering its SYN: ECONNREFUSED; an ICMP unreachable:
 *     EHOSTUNREACH; its SYN unanswered: ETIMEDOUT) is counted under that process, whose user and name are kept
 *     for when it has exited by the time they are read. The error is read as the socket closes, before the
 *     application is woken: by the time {@code inet_sk_error_report} fires, the application's thread may have
 *     read the error already, which clears it. A socket the application closes while it connects has no error.
 * </ul>
 * The counts and the processes are least-recently-used maps: under a storm of new destinations or processes the
 * oldest keys go, so a reader follows each key's count and takes a count that went back as a new key's. The connects
 * in flight are a plain hash: each leaves SYN_SENT by a state change that takes it out.
 * The socket's fields are read at the offsets this kernel's BTF gives. The tracepoints are host-wide; the programs
 * count the sockets of one network namespace only (the JVM's: what AttemptFails counts there), by the inode of
 * the socket's namespace.
 */
public final class ConnectErrors implements AutoCloseable {
    /** Keys kept: a destination, an errno and a process each. */
    static final int MAX_KEYS = 4096;
    /** Connects in flight remembered at once; beyond them, a new connect is not followed. */
    static final int MAX_CONNECTING = 16384;
    /** Processes whose user and name are kept. */
    static final int MAX_PROCESSES = 1024;

    static final int TCP_ESTABLISHED = 1;
    static final int TCP_SYN_SENT = 2;
    static final int TCP_CLOSE = 7;
    private static final int AF_INET6 = 10;

    /**
     * A count's key, as the program builds it:
     * <pre>
     *  0      2      4              8                               24
     *  +------+------+--------------+-------------------------------+
     *  | errno| port |     tgid     | destination (IPv6, or IPv4    |
     *  |      | (BE) |              | as ::ffff:a.b.c.d), net order |
     *  +------+------+--------------+-------------------------------+
     * </pre>
     * (the first u32 is {@code port << 16 | errno} in the CPU's order, the port as the socket holds it)
     */
    static final int KEY_PORT_ERRNO = 0;

    static final int KEY_TGID = KEY_PORT_ERRNO + 4;
    static final int KEY_ADDRESS = KEY_TGID + 4;
    static final int KEY_SIZE = KEY_ADDRESS + 16;

    /**
     * What is kept of a connect in flight, from its SYN_SENT on, and of a process once it fails:
     * <pre>
     *  0          4        8                16                     32
     *  +----------+--------+----------------+----------------------+
     *  | tgid     | (zero) | uid, gid       | comm (NUL-padded)    |
     *  +----------+--------+----------------+----------------------+
     * </pre>
     */
    static final int CONNECT_TGID = 0;

    static final int CONNECT_UID_GID = CONNECT_TGID + 8;
    static final int CONNECT_COMM = CONNECT_UID_GID + 8;
    static final int CONNECT_SIZE = CONNECT_COMM + 16;

    private final int cpus;
    private final int[] fds;
    private final int connectingFd;
    private final int countsFd;
    private final int processesFd;

    /**
     * @param fds the connects in flight, the counts, the processes, the program, its link (the last two set once
     *     the program that counts here is attached; -1 when another's program counts here, {@link #counting})
     */
    private ConnectErrors(int cpus, int[] fds) {
        this.cpus = cpus;
        this.fds = fds;
        this.connectingFd = fds[0];
        this.countsFd = fds[1];
        this.processesFd = fds[2];
    }

    /**
     * One count: failures with {@code errno} of connects to {@code hi:lo} port {@code port} by process
     * {@code tgid} (0: a socket not seen connecting), since the key came into the map.
     */
    public record Count(int port, int errno, int tgid, long hi, long lo, long count) {}

    /** The connecting process as the kernel saw it: its user and its name (comm), when it failed last. */
    public record Task(int uid, String comm) {}

    /**
     * Loads and attaches the program, counting the sockets of the network namespace whose inode is {@code netns}
     * ({@link #namespaceOfThisProcess}); nothing stays loaded if a step fails.
     */
    public static ConnectErrors attach(long netns) throws IOException {
        KernelLayout o = KernelLayout.ofThisKernel();
        int cpus = Bpf.possibleCpus();
        int[] fds = {-1, -1, -1, -1, -1};
        int btfId = o.tracepoint("inet_sock_set_state");
        try {
            createMaps(fds);
            ConnectErrors c = new ConnectErrors(cpus, fds);
            Bpf.Attached a = Bpf.attachTracepointProgram("rstwatch_conns", c.states(o, (int) netns), btfId);
            fds[3] = a.program();
            fds[4] = a.link();
            return c;
        } catch (IOException | RuntimeException e) {
            closeAll(fds);
            throw e;
        }
    }

    /**
     * The maps without a program of their own: the capture's program on the same tracepoint keeps the connects in
     * flight and counts here ({@link KernelEvents#attach}), one program's run a state change instead of two.
     */
    static ConnectErrors counting() throws IOException {
        int[] fds = {-1, -1, -1, -1, -1};
        try {
            createMaps(fds);
            return new ConnectErrors(Bpf.possibleCpus(), fds);
        } catch (IOException | RuntimeException e) {
            closeAll(fds);
            throw e;
        }
    }

    /**
     * The connects in flight are a plain hash, not least-recently-used: every connect that enters SYN_SENT leaves it
     * by a state change, which takes its entry out, and a plain hash's insert and delete cost less.
     */
    private static void createMaps(int[] fds) throws IOException {
        fds[0] = Bpf.createMap(Bpf.MAP_TYPE_HASH, 8, CONNECT_SIZE, MAX_CONNECTING); // sk -> connect
        fds[1] = Bpf.createMap(Bpf.MAP_TYPE_LRU_PERCPU_HASH, KEY_SIZE, 8, MAX_KEYS); // key -> count
        fds[2] = Bpf.createMap(Bpf.MAP_TYPE_LRU_HASH, 8, CONNECT_SIZE, MAX_PROCESSES); // tgid -> its connect
    }

    private static void closeAll(int[] fds) {
        for (int i = fds.length - 1; i >= 0; i--) {
            Bpf.close(fds[i]);
        }
    }

    /** The inode of this process's network namespace (/proc/self/ns/net, "net:[4026531840]"). */
    public static long namespaceOfThisProcess() throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
    }

    /**
     * The namespace test the programs begin with: r6 holds the socket; returns (to "out") when the socket is
     * another namespace's. Uses r1.
     *
     * <pre>
     *   if (sk-&gt;__sk_common.skc_net.net-&gt;ns.inum != NETNS) return 0;
     * </pre>
     */
    static Insn.Program inNamespace(Insn.Program p, KernelLayout o, int netns) {
        return inNamespace(p, Insn.R6, o.net(), o.netInum(), netns);
    }

    /**
     * The same of anything in {@code base} whose struct net pointer is at {@code net} (a device's, say): to "out"
     * unless that namespace's inode is {@code netns}. Uses r1.
     */
    static Insn.Program inNamespace(Insn.Program p, int base, int net, int netInum, int netns) {
        return p.loadDouble(Insn.R1, base, net)
                .loadWord(Insn.R1, Insn.R1, netInum)
                .jumpIfNotEqual32(Insn.R1, netns, "out");
    }

    /**
     * <pre>
     *   struct sock *sk = ctx->args[0]; int old = ctx->args[1], new = ctx->args[2];
     *   if (new == TCP_SYN_SENT) {
     *       (the namespace test)
     *       struct connect c = {0}; (remember the process)
     *       bpf_map_update_elem(connecting, &amp;sk, &amp;c, BPF_ANY);
     *       return 0;
     *   }
     *   if (old != TCP_SYN_SENT) return 0;        // every other change of every socket, at the least cost
     *   if (new == TCP_ESTABLISHED) goto forget;
     *   if (new != TCP_CLOSE) goto forget;        // SYN_RECV: a simultaneous open
     *   struct connect *c = bpf_map_lookup_elem(connecting, &amp;sk);   // only this namespace's connects are there
     *   if (!c) return 0;
     *   (count its failure)
     * forget:
     *   bpf_map_delete_elem(connecting, &amp;sk);
     * </pre>
     */
    Insn.Program states(KernelLayout o, int netns) {
        int key = -72; // KEY_SIZE bytes
        int sk = key - 8;
        int tgid = sk - 8;
        int connect = tgid - CONNECT_SIZE;
        Insn.Program p = new Insn.Program()
                .loadDouble(Insn.R6, Insn.R1, 0) // sk
                .loadDouble(Insn.R9, Insn.R1, 16) // newstate
                .loadDouble(Insn.R2, Insn.R1, 8) // oldstate
                .storeDouble(Insn.R10, sk, Insn.R6) // the key of connecting
                .jumpIfEqual(Insn.R9, TCP_SYN_SENT, "connecting")
                .jumpIfNotEqual(Insn.R2, TCP_SYN_SENT, "out") // not a connect's end: no map to touch
                .jumpIfEqual(Insn.R9, TCP_ESTABLISHED, "forget")
                .jumpIfNotEqual(Insn.R9, TCP_CLOSE, "forget") // SYN_RECV: a simultaneous open
                .mapLookup(connectingFd, sk)
                .jumpIfEqual(Insn.R0, 0, "out")
                .mov64Reg(Insn.R8, Insn.R0);
        countFailure(p, o, key, tgid, "forget").label("connecting");
        return remember(p, o, netns, sk, connect)
                .jump("out")
                .label("forget")
                .mapDelete(connectingFd, sk)
                .label("out")
                .mov64Imm(Insn.R0, 0)
                .exit();
    }

    /**
     * A connect entering SYN_SENT, the socket in r6 and at stack + {@code skKey}: unless another namespace's, it is
     * remembered with the process that connects (the state change runs on its thread; a reset arriving later does
     * not), built in {@link #CONNECT_SIZE} bytes at stack + {@code at}.
     *
     * <pre>
     *   (the namespace test)
     *   c = { bpf_get_current_pid_tgid() &gt;&gt; 32, bpf_get_current_uid_gid() };
     *   bpf_get_current_comm(c.comm, 16);
     *   bpf_map_update_elem(connecting, &amp;sk, &amp;c, BPF_ANY);
     * </pre>
     */
    Insn.Program remember(Insn.Program p, KernelLayout o, int netns, int skKey, int at) {
        return inNamespace(p, o, netns)
                .storeDoubleImm(Insn.R10, at, 0)
                .call(Insn.FN_GET_CURRENT_PID_TGID)
                .shiftRight64(Insn.R0, 32)
                .storeWord(Insn.R10, at + CONNECT_TGID, Insn.R0)
                .call(Insn.FN_GET_CURRENT_UID_GID)
                .storeDouble(Insn.R10, at + CONNECT_UID_GID, Insn.R0)
                .currentComm(at + CONNECT_COMM, 16)
                .mapUpdate(connectingFd, skKey, at);
    }

    /** r0 = what is kept of the connect whose socket is at stack + {@code skKey}, or null. */
    Insn.Program lookUp(Insn.Program p, int skKey) {
        return p.mapLookup(connectingFd, skKey);
    }

    /** Forgets the connect whose socket is at stack + {@code skKey}. */
    Insn.Program forget(Insn.Program p, int skKey) {
        return p.mapDelete(connectingFd, skKey);
    }

    /** The connects in flight remembered now, for checks that every connect's end takes its entry out. */
    int connectsInFlight() throws IOException {
        return Bpf.keys(connectingFd, 8, MAX_CONNECTING).size();
    }

    /**
     * Counts the failure of the connect that closes, then on to {@code done}: r6 holds its socket, r8 what was kept
     * of it; the key is built at stack + {@code key}, the process's tgid at stack + {@code tgidAt}, and fp-16 is
     * used. Leaves r6 to r9 as they were.
     *
     * <pre>
     *   u32 err = sk-&gt;sk_err; if (!err) goto done;               // the application closed it while it connected
     *   struct key key = { sk-&gt;skc_dport &lt;&lt; 16 | err, c-&gt;tgid, the destination };
     *   u64 *n = bpf_map_lookup_elem(counts, &amp;key);
     *   if (n) { *n += 1; goto done; }
     *   if (bpf_map_update_elem(counts, &amp;key, &amp;one, BPF_NOEXIST) == 0) {   // one = 1: a key new to the counts
     *       bpf_map_update_elem(processes, &amp;(u64) c-&gt;tgid, c, BPF_ANY);     // kept with it, not per failure
     *       goto done;
     *   }
     *   n = bpf_map_lookup_elem(counts, &amp;key);         // another CPU inserted it first
     *   if (n) *n += 1;
     * </pre>
     */
    Insn.Program countFailure(Insn.Program p, KernelLayout o, int key, int tgidAt, String done) {
        return p.loadWord(Insn.R2, Insn.R6, o.err())
                .jumpIfEqual(Insn.R2, 0, done)
                .loadHalf(Insn.R1, Insn.R6, o.dport())
                .shiftLeft64(Insn.R1, 16)
                .or64Reg(Insn.R1, Insn.R2)
                .storeWord(Insn.R10, key + KEY_PORT_ERRNO, Insn.R1)
                .loadWord(Insn.R1, Insn.R8, CONNECT_TGID)
                .storeWord(Insn.R10, key + KEY_TGID, Insn.R1)
                .storeDouble(Insn.R10, tgidAt, Insn.R1)
                .loadHalf(Insn.R1, Insn.R6, o.family())
                .jumpIfNotEqual(Insn.R1, AF_INET6, "v4c")
                .loadDouble(Insn.R1, Insn.R6, o.v6daddr())
                .storeDouble(Insn.R10, key + KEY_ADDRESS, Insn.R1)
                .loadDouble(Insn.R1, Insn.R6, o.v6daddr() + 8)
                .storeDouble(Insn.R10, key + KEY_ADDRESS + 8, Insn.R1)
                .jump("processc")
                .label("v4c")
                .storeDoubleImm(Insn.R10, key + KEY_ADDRESS, 0)
                .mov64Imm(Insn.R1, 0xFFFF_0000) // bytes 00 00 ff ff: ::ffff:a.b.c.d
                .storeWord(Insn.R10, key + KEY_ADDRESS + 8, Insn.R1)
                .loadWord(Insn.R1, Insn.R6, o.daddr())
                .storeWord(Insn.R10, key + KEY_ADDRESS + 12, Insn.R1)
                .label("processc")
                .addOneInHash(countsFd, key, -16, done, done, "c", "newc")
                .label("newc")
                .mapUpdateFrom(processesFd, tgidAt, Insn.R8) // the process, kept once a key, not once a failure
                .jump(done);
    }

    /** Every count in the maps now, each key's summed over the CPUs. */
    public List<Count> counts() throws IOException {
        List<Count> out = new ArrayList<>();
        for (byte[] key : Bpf.keys(countsFd, KEY_SIZE, MAX_KEYS)) {
            long[] perCpu = Bpf.lookupPerCpuOrNull(countsFd, key, cpus);
            if (perCpu == null) {
                continue; // gone since the walk found it
            }
            out.add(count(key, Bpf.sum(perCpu)));
        }
        return out;
    }

    static Count count(byte[] key, long n) {
        ByteBuffer b = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder());
        int portErrno = b.getInt(KEY_PORT_ERRNO);
        int port = Short.toUnsignedInt(Short.reverseBytes((short) (portErrno >>> 16)));
        ByteBuffer address = ByteBuffer.wrap(key, KEY_ADDRESS, 16).order(ByteOrder.BIG_ENDIAN);
        return new Count(port, portErrno & 0xFFFF, b.getInt(KEY_TGID), address.getLong(), address.getLong(), n);
    }

    /** The user and name the kernel kept of a process that failed to connect, or null when it has none. */
    public Task task(int tgid) throws IOException {
        byte[] v = Bpf.lookupOrNull(
                processesFd,
                ByteBuffer.allocate(8)
                        .order(ByteOrder.nativeOrder())
                        .putLong(0, tgid & 0xFFFF_FFFFL)
                        .array(),
                CONNECT_SIZE);
        if (v == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.nativeOrder());
        byte[] comm = Arrays.copyOfRange(v, CONNECT_COMM, CONNECT_COMM + 16);
        int end = 0;
        while (end < comm.length && comm[end] != 0) {
            end++;
        }
        return new Task(b.getInt(CONNECT_UID_GID), new String(comm, 0, end, StandardCharsets.UTF_8));
    }

    /**
     * Errors {@code errno} (ECONNREFUSED is 111) on sockets connected to {@code port} since attached, by the
     * process (tgid) that connected (connects begun before the program was attached are not counted).
     */
    public Map<Integer, Long> byProcess(int port, int errno) throws IOException {
        Map<Integer, Long> out = new TreeMap<>();
        for (Count c : counts()) {
            if (c.port() == port && c.errno() == errno) {
                out.merge(c.tgid(), c.count(), Long::sum);
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
        closeAll(fds);
    }

    /**
     * The program's runs, the nanoseconds they took and the runs skipped {runs, ns, skipped}, counted by the
     * kernel while run-time stats are on ({@link #timingRuns}): what the hook costs, measured where it runs.
     */
    public long[] runStats() throws IOException {
        return Bpf.runStats(fds[3]);
    }

    /** Turns the kernel's timing of program runs on until the returned handle is closed (benches only). */
    public static AutoCloseable timingRuns() throws IOException {
        int fd = Bpf.enableRunTimeStats();
        return () -> Bpf.close(fd);
    }

    /** For checks that nothing stays loaded. */
    int programId() throws IOException {
        return Bpf.programId(fds[3]);
    }
}
