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
import java.util.function.Consumer;

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
 * in flight are a table of slots, each leaving SYN_SENT by a state change that empties its slot ({@link #WAYS}).
 * The socket's fields are read at the offsets this kernel's BTF gives. The tracepoints are host-wide; the programs
 * count the sockets of one network namespace only (the JVM's: what AttemptFails counts there), by the inode of
 * the socket's namespace.
 */
public final class ConnectErrors implements AutoCloseable {
    /** Keys kept: a destination, an errno and a process each. */
    static final int MAX_KEYS = 4096;
    /**
     * The connects in flight are an array of slots in sets of this many, a socket's set chosen by a hash of its
     * address: a slot is taken and given back with a compare-and-swap and plain stores, where a hash map's insert
     * and delete each take a lock and an element from its free list, on every connect of the namespace. A connect
     * whose set is full (this many others in flight in it) is not followed.
     */
    static final int WAYS = 4;

    private static final int WAY_BITS = 2;
    private static final int SET_BITS = 12;
    /** Connects in flight remembered at once, at most. */
    static final int MAX_CONNECTING = WAYS << SET_BITS;
    /** An odd multiplier whose product's top bits spread the sockets' addresses over the sets (Fibonacci hashing). */
    private static final int SPREAD = 0x9E3779B1;
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
    /** A slot of the connects in flight: what is kept of it, then its socket (0: the slot is free). */
    static final int SLOT_SK = CONNECT_SIZE;

    static final int SLOT_SIZE = SLOT_SK + 8;

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

    private static void createMaps(int[] fds) throws IOException {
        fds[0] = Bpf.createMap(Bpf.MAP_TYPE_ARRAY, 4, SLOT_SIZE, MAX_CONNECTING); // slot -> connect, sk
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
     *       (remember the process in a free slot of sk's set)
     *       return 0;
     *   }
     *   if (old != TCP_SYN_SENT) return 0;        // every other change of every socket, at the least cost
     *   struct slot *c = (sk's slot);             // only this namespace's connects are there
     *   if (!c) return 0;
     *   if (new == TCP_CLOSE) (count its failure); // not ESTABLISHED, nor SYN_RECV: a simultaneous open
     *   c->sk = 0;
     * </pre>
     */
    Insn.Program states(KernelLayout o, int netns) {
        int key = -72; // KEY_SIZE bytes
        int slot = key - 8;
        int tgid = slot - 8;
        Insn.Program p = new Insn.Program()
                .loadDouble(Insn.R6, Insn.R1, 0) // sk
                .loadDouble(Insn.R9, Insn.R1, 16) // newstate
                .loadDouble(Insn.R2, Insn.R1, 8) // oldstate
                .jumpIfEqual(Insn.R9, TCP_SYN_SENT, "connecting")
                .jumpIfNotEqual(Insn.R2, TCP_SYN_SENT, "out"); // not a connect's end: no map to touch
        lookUp(p, slot)
                .jumpIfEqual(Insn.R0, 0, "out")
                .mov64Reg(Insn.R8, Insn.R0)
                .jumpIfNotEqual(Insn.R9, TCP_CLOSE, "forget"); // ESTABLISHED, or SYN_RECV: a simultaneous open
        countFailure(p, o, key, tgid, "forget").label("connecting");
        remember(p, o, netns, slot).jump("out").label("forget");
        return forget(p).label("out").mov64Imm(Insn.R0, 0).exit();
    }

    /**
     * A connect entering SYN_SENT, the socket in r6: unless another namespace's, it is remembered in a free slot of
     * its set with the process that connects (the state change runs on its thread; a reset arriving later does
     * not). Stack + {@code slotKey} holds the slot's number; r8 is used.
     *
     * <pre>
     *   (the namespace test)
     *   for (i = set(sk); i &lt; set(sk) + WAYS; i++) {
     *       c = bpf_map_lookup_elem(connecting, &amp;i);
     *       if (cmpxchg(&amp;c-&gt;sk, 0, sk) == 0) goto claimed;
     *   }
     *   return 0;                                   // its set is full: not followed
     * claimed:
     *   c-&gt;tgid = bpf_get_current_pid_tgid() &gt;&gt; 32; c-&gt;uid_gid = bpf_get_current_uid_gid();
     *   bpf_get_current_comm(c-&gt;comm, 16);
     * </pre>
     */
    Insn.Program remember(Insn.Program p, KernelLayout o, int netns, int slotKey) {
        inNamespace(p, o, netns);
        eachSlotOfTheSet(p, slotKey, "out", slot -> slot.mov64Reg(Insn.R8, Insn.R0)
                .mov64Imm(Insn.R0, 0)
                .compareAndSwap(Insn.R8, SLOT_SK, Insn.R6)
                .jumpIfEqual(Insn.R0, 0, "claimed"));
        return p.jump("out")
                .label("claimed")
                .call(Insn.FN_GET_CURRENT_PID_TGID)
                .shiftRight64(Insn.R0, 32)
                .storeWord(Insn.R8, CONNECT_TGID, Insn.R0)
                .call(Insn.FN_GET_CURRENT_UID_GID)
                .storeDouble(Insn.R8, CONNECT_UID_GID, Insn.R0)
                .currentComm(Insn.R8, CONNECT_COMM, 16);
    }

    /** r0 = the slot of the connect whose socket is in r6, or 0 when it is not followed. Stack + slotKey is used. */
    Insn.Program lookUp(Insn.Program p, int slotKey) {
        eachSlotOfTheSet(p, slotKey, "nokept", slot -> slot.loadDouble(Insn.R1, Insn.R0, SLOT_SK)
                .jumpIfEqualReg(Insn.R1, Insn.R6, "kept"));
        return p.label("nokept").mov64Imm(Insn.R0, 0).label("kept");
    }

    /** Gives back the slot in r8: its connect has left SYN_SENT. */
    Insn.Program forget(Insn.Program p) {
        return p.storeDoubleImm(Insn.R8, SLOT_SK, 0);
    }

    /**
     * For each slot of the set of the socket in r6 (chosen by the low half of its address), its number at stack +
     * {@code slotKey}: r0 = the slot (to {@code none} if null, which an index within the array never is), then
     * {@code probe}, which goes on to the next slot unless it jumps.
     */
    private Insn.Program eachSlotOfTheSet(Insn.Program p, int slotKey, String none, Consumer<Insn.Program> probe) {
        p.mov64Reg(Insn.R1, Insn.R6)
                .lowHalfOfPointer(Insn.R1)
                .mul64Imm(Insn.R1, SPREAD)
                .shiftRight64(Insn.R1, 64 - SET_BITS)
                .shiftLeft64(Insn.R1, WAY_BITS)
                .storeWord(Insn.R10, slotKey, Insn.R1);
        for (int way = 0; way < WAYS; way++) {
            if (way > 0) {
                p.loadWord(Insn.R1, Insn.R10, slotKey).add64Imm(Insn.R1, 1).storeWord(Insn.R10, slotKey, Insn.R1);
            }
            probe.accept(p.mapLookup(connectingFd, slotKey).jumpIfEqual(Insn.R0, 0, none));
        }
        return p;
    }

    /** The connects in flight remembered now, for checks that every connect's end takes its entry out. */
    int connectsInFlight() throws IOException {
        int n = 0;
        for (int slot = 0; slot < MAX_CONNECTING; slot++) {
            byte[] key = ByteBuffer.allocate(4)
                    .order(ByteOrder.nativeOrder())
                    .putInt(0, slot)
                    .array();
            byte[] v = Bpf.lookupOrNull(connectingFd, key, SLOT_SIZE);
            if (v != null && ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getLong(SLOT_SK) != 0) {
                n++;
            }
        }
        return n;
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
