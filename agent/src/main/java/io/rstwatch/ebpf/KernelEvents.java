package io.rstwatch.ebpf;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.rstwatch.common.LinuxSockets;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The failures of TCP connections of one network namespace as its sockets live them, one event each, from four
 * programs on tracepoints (BTF-typed: a socket's members read in place) into a ring buffer that this class maps
 * and reads:
 * <ul>
 * <li>{@code sock:inet_sock_set_state} (4.16): a socket that leaves SYN_SENT for ESTABLISHED after its SYN went
 *     again is a {@link #SLOW} attempt; one that closes with an error has its connect's end: ECONNREFUSED
 *     {@link #REFUSED} (a reset from another host, or an ICMP port unreachable; this host's resets are counted as
 *     sent), ETIMEDOUT {@link #GIVEN_UP}, a host, network or admin unreachable {@link #UNREACHABLE} (the errno in
 *     the event's code). The error is read as the socket closes, before the application is woken and reads (and
 *     clears) it. With the Clients' counts, a socket entering SYN_SENT is remembered with its process, and its
 *     failure is counted by process ({@link ConnectErrors}) in the same run;
 * <li>{@code tcp:tcp_retransmit_skb}: a connecting socket's SYN sent again for the first time is an
 *     {@link #UNANSWERED} attempt;
 * <li>{@code tcp:tcp_send_reset} (6.10 for resets that answer no socket): this host's reset answering a SYN is a
 *     {@link #REFUSED} attempt of its client, on loopback too (a raw socket's SYN has no client socket to count it),
 *     answering a segment with ACK a {@link #STALE} reset, and an active reset of a live socket an {@link #ABORT};
 * <li>{@code tcp:tcp_receive_reset} (4.15): a reset received on a live socket, an {@link #ABORT} (one answering a
 *     SYN is the socket's close's to count).
 * </ul>
 * The kernel has matched each against its socket, so nothing here can be forged from outside as a packet can. An
 * event is oriented as the packet it stands for: an attempt's as its SYN (the client first), a reset's as the
 * reset (its sender first). A ring the reader does not empty in time loses the events that do not fit, and counts
 * them ({@link #lost}).
 */
public final class KernelEvents implements AutoCloseable {
    public static final int REFUSED = 1;
    public static final int UNREACHABLE = 2;
    public static final int UNANSWERED = 3;
    /** The kernel gave the connect up: ETIMEDOUT. */
    public static final int GIVEN_UP = 4;
    /** An attempt whose SYN went again, answered after all. */
    public static final int SLOW = 5;

    public static final int STALE = 6;
    public static final int ABORT = 7;

    /** Flag: this host sent the packet the event stands for. */
    public static final int SENT = 1;

    /**
     * An event in the ring:
     * <pre>
     *  0      1       2          4          6          8              12             16            32           48
     *  +------+-------+----------+----------+----------+--------------+--------------+-------------+------------+
     *  | kind | flags | src port | dst port | code     | ifindex      | tgid         | src address | dst address|
     *  |      |       | (BE)     | (BE)     | (errno)  | (0: unknown) | (0: unknown) | (16, BE)    | (16, BE)   |
     *  +------+-------+----------+----------+----------+--------------+--------------+-------------+------------+
     * </pre>
     * IPv4 addresses as ::ffff:a.b.c.d.
     */
    static final int EV_KIND = 0;

    static final int EV_FLAGS = EV_KIND + 1;
    static final int EV_SPORT = EV_FLAGS + 1;
    static final int EV_DPORT = EV_SPORT + 2;
    static final int EV_CODE = EV_DPORT + 2;
    static final int EV_IFINDEX = EV_CODE + 2;
    static final int EV_TGID = EV_IFINDEX + 4;
    static final int EV_SRC = EV_TGID + 4;
    static final int EV_DST = EV_SRC + 16;
    static final int EVENT_SIZE = EV_DST + 16;

    /** Where each program builds its event, below the scratch the namespace test and the reads use. */
    private static final int E = -112;

    /** The number of a slot of the Clients' connects in flight ({@link ConnectErrors#lookUp}). */
    private static final int SLOT_KEY = E - 8;
    /** Copies of a reset's headers, below the rest: TCP header, IP header. */
    private static final int TCP_READ = 16; // ports at 0 and 2, flags at 13

    private static final int TCP_FLAGS = 13;
    private static final int S_TCP = SLOT_KEY - TCP_READ;
    private static final int IP_READ = 40; // an IPv6 header; an IPv4 one's addresses are within it
    private static final int S_IP = S_TCP - IP_READ;
    private static final int IPV4_SRC = 12;
    private static final int IPV4_DST = 16;
    private static final int IPV6_SRC = 8;
    private static final int IPV6_DST = 24;

    static final int MAP_TYPE_RINGBUF = 27;
    /** bpf_ringbuf_output's flag: commit without waking the reader. */
    private static final int RB_NO_WAKEUP = 1;
    /** A ring record's header: its length, with these two bits, and a page offset. */
    private static final int BUSY = 1 << 31;

    private static final int DISCARD = 1 << 30;
    private static final int HEADER = 8;
    private static final int PROT_READ = 0x1;
    private static final int TCP_ESTABLISHED = 1;
    private static final int TCP_SYN_SENT = 2;
    private static final int TCP_CLOSE = 7;
    private static final int AF_INET6 = 10;
    private static final int TCP_FLAG_ACK = 0x10;
    /** The loopback device's index in every network namespace (LOOPBACK_IFINDEX). */
    private static final int LOOPBACK_IFINDEX = 1;

    private static final int ECONNREFUSED = 111;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    /** The maps the programs share, by file descriptor. */
    record Maps(int ring, int lost, int budget, int aggregates, int resent) {}

    /**
     * Events each CPU hands to the ring in a second; beyond it, events are counted in the kernel by all they
     * have but the client's port and process, and read once a second ({@link #aggregates}): a flood costs a
     * counter's add each, not a ring record and a Java thread's work, and no count is lost.
     */
    static final int RING_BUDGET_PER_SECOND = 2048;
    /** Keys of such counts: a flood from spoofed sources to many ports beyond it is {@link #lost}. */
    static final int MAX_AGGREGATES = 16384;
    /** Where the programs' maps and then their programs and links are among the descriptors. */
    private static final int MAPS = 5;
    /**
     * Connects whose SYN went again, by socket and initial sequence number (a socket used again for another
     * connect has another), so that an attempt is unanswered once however often its SYN goes; least recently used
     * first out, so that nothing need take an entry out.
     */
    static final int MAX_RESENT = 8192;

    /** One event as read, reused for every event of a drain. */
    public static final class Event {
        public int kind;
        public int flags;
        public long srcHi;
        public long srcLo;
        public int srcPort;
        public long dstHi;
        public long dstLo;
        public int dstPort;
        /** The errno of a socket's error, else 0. */
        public int code;
        /** The interface a packet came in on, 0 when the event has none. */
        public int ifindex;
        /** The process that connected, where the Clients' counts are kept too; else 0. */
        public int tgid;
        /** How many events alike this one stands for: 1 from the ring; a second's count from the kernel's. */
        public long count;
    }

    /** What takes the events of a drain, on the draining thread. */
    @FunctionalInterface
    public interface Sink {
        void event(Event e);
    }

    private final int[] fds;
    /** The Clients' counts, which the state program adds to; null when not asked for. */
    private final ConnectErrors clients;

    private final int ringFd;
    private final int lostFd;
    private final int aggregatesFd;

    private final int cpus;
    private final int mask;
    private final long pageSize;
    private final Pointer consumerPage;
    private final Pointer producerPages;
    private final ByteBuffer consumer;
    private final ByteBuffer producer;
    private final ByteBuffer data;
    private final Event event = new Event();
    /** The ring's struct pollfd for {@link #await}: fd, events (POLLIN), revents. */
    private final Memory pollfd = new Memory(8);

    private KernelEvents(
            int[] fds,
            ConnectErrors clients,
            int cpus,
            int ringBytes,
            long pageSize,
            Pointer consumerPage,
            Pointer producerPages) {
        this.fds = fds;
        this.clients = clients;
        this.ringFd = fds[0];
        this.lostFd = fds[1];
        this.aggregatesFd = fds[3];
        this.cpus = cpus;
        this.mask = ringBytes - 1;
        this.pageSize = pageSize;
        this.consumerPage = consumerPage;
        this.producerPages = producerPages;
        this.consumer = consumerPage.getByteBuffer(0, pageSize).order(ByteOrder.nativeOrder());
        this.producer = producerPages.getByteBuffer(0, pageSize).order(ByteOrder.nativeOrder());
        this.data = producerPages.getByteBuffer(pageSize, 2L * ringBytes).order(ByteOrder.nativeOrder());
        pollfd.setInt(0, ringFd);
        pollfd.setShort(4, LinuxSockets.POLLIN);
    }

    /**
     * Loads and attaches the four programs for the network namespace whose inode is {@code netns}, with a ring of
     * {@code ringBytes} (a power of two, a multiple of the page size); with {@code clients}, the state program
     * also counts failed connects by process ({@link #clients}), in the one run a state change costs. Nothing
     * stays loaded if a step fails.
     */
    public static KernelEvents attach(long netns, int ringBytes, boolean clients) throws IOException {
        KernelLayout o = KernelLayout.ofThisKernel();
        int cpus = Bpf.possibleCpus();
        long page = pageSize();
        if (Integer.bitCount(ringBytes) != 1 || ringBytes % page != 0) {
            throw new IllegalArgumentException("a ring of " + ringBytes + " bytes is no power of two of pages");
        }
        int ns = (int) netns;
        String[] programs = {"rstwatch_state", "rstwatch_resyn", "rstwatch_rstout", "rstwatch_rstin"};
        String[] tracepoints = KernelLayout.TRACEPOINTS;
        int[] fds = new int[MAPS + 2 * programs.length];
        java.util.Arrays.fill(fds, -1);
        Pointer consumerPage = null;
        Pointer producerPages = null;
        ConnectErrors counts = null;
        try {
            counts = clients ? ConnectErrors.counting() : null;
            // The connects in flight are the Clients' table alone (in theirs): the source reads all it needs on
            // the socket.
            fds[0] = Bpf.createMap(MAP_TYPE_RINGBUF, 0, 0, ringBytes);
            fds[1] = Bpf.createPerCpuArray(8, 1); // events neither the ring nor the counts had room for
            fds[2] = Bpf.createPerCpuArray(16, 1); // {second, events handed to the ring in it}
            fds[3] = Bpf.createPerCpuHash(EVENT_SIZE, 8, MAX_AGGREGATES); // event without port and tgid -> count
            fds[4] = Bpf.createMap(Bpf.MAP_TYPE_LRU_HASH, 16, 8, MAX_RESENT); // {sk, isn} -> 0
            Maps m = new Maps(fds[0], fds[1], fds[2], fds[3], fds[4]);
            Insn.Program[] code = {
                stateChanges(m, o, ns, counts), retransmits(m, o, ns), resetsSent(m, o, ns), resetsReceived(m, o, ns)
            };
            for (int i = 0; i < programs.length; i++) {
                Bpf.Attached a = Bpf.attachTracepointProgram(programs[i], code[i], o.tracepoint(tracepoints[i]));
                fds[MAPS + i] = a.program();
                fds[MAPS + programs.length + i] = a.link();
            }
            consumerPage = map(page, LinuxSockets.PROT_READ_WRITE, fds[0], 0);
            producerPages = map(page + 2L * ringBytes, PROT_READ, fds[0], page);
            return new KernelEvents(fds, counts, cpus, ringBytes, page, consumerPage, producerPages);
        } catch (IOException | RuntimeException e) {
            if (consumerPage != null) {
                LinuxSockets.munmap(consumerPage, page);
            }
            if (counts != null) {
                counts.close();
            }
            for (int i = fds.length - 1; i >= 0; i--) {
                Bpf.close(fds[i]);
            }
            throw e;
        }
    }

    private static long pageSize() {
        return 4096; // the ring's pages are the kernel's: 4 KiB on the x86-64 and arm64 kernels this runs on
    }

    private static Pointer map(long length, int protection, int fd, long offset) throws IOException {
        try {
            Pointer p = LinuxSockets.mmap(null, length, protection, LinuxSockets.MAP_SHARED, fd, offset);
            if (p == null || Pointer.nativeValue(p) == -1) {
                throw new IOException("mapping the event ring failed");
            }
            return p;
        } catch (LastErrorException e) {
            throw new IOException("mapping the event ring failed: errno " + e.getErrorCode(), e);
        }
    }

    /**
     * Hands every event in the ring to {@code sink}, at most {@code max}; how many. One thread only: the ring
     * has one reader.
     */
    public int drain(Sink sink, int max) {
        long cons = (long) LONGS.getAcquire(consumer, 0);
        long prod = (long) LONGS.getAcquire(producer, 0);
        int n = 0;
        while (cons < prod && n < max) {
            int at = (int) (cons & mask);
            int header = (int) INTS.getAcquire(data, at);
            if ((header & BUSY) != 0) {
                break; // still being written
            }
            int length = header & ~(BUSY | DISCARD);
            if ((header & DISCARD) == 0 && length >= EVENT_SIZE) {
                read(at + HEADER);
                sink.event(event);
                n++;
            }
            cons += (length + HEADER + 7) & ~7L;
            LONGS.setRelease(consumer, 0, cons);
        }
        return n;
    }

    /** Whether events wait in the ring. */
    private boolean pending() {
        return (long) LONGS.getAcquire(consumer, 0) < (long) LONGS.getAcquire(producer, 0);
    }

    /**
     * Waits {@code millis} (poll(2) on the ring), less if interrupted by a signal; whether events wait now. The
     * programs never wake the reader: a wake-up is an interrupt on the connecting thread's CPU, due on every event
     * that finds the ring empty, as all do at a low rate. The ring, filled at most at the budget's rate, is read in
     * time all the same.
     */
    public boolean await(int millis) {
        pollfd.setShort(6, (short) 0); // revents
        try {
            return LinuxSockets.poll(pollfd, 1, millis) > 0 || pending();
        } catch (LastErrorException e) {
            return pending(); // EINTR
        }
    }

    private void read(int p) {
        read(data, p, 1);
    }

    /** The event at {@code p} of {@code b} (in the CPU's order) into {@link #event}. */
    private void read(ByteBuffer b, int p, long count) {
        Event e = event;
        e.kind = b.get(p + EV_KIND) & 0xFF;
        e.flags = b.get(p + EV_FLAGS) & 0xFF;
        e.srcPort = Short.toUnsignedInt(Short.reverseBytes(b.getShort(p + EV_SPORT)));
        e.dstPort = Short.toUnsignedInt(Short.reverseBytes(b.getShort(p + EV_DPORT)));
        e.code = Short.toUnsignedInt(b.getShort(p + EV_CODE));
        e.ifindex = b.getInt(p + EV_IFINDEX);
        e.tgid = b.getInt(p + EV_TGID);
        e.srcHi = Long.reverseBytes(b.getLong(p + EV_SRC));
        e.srcLo = Long.reverseBytes(b.getLong(p + EV_SRC + 8));
        e.dstHi = Long.reverseBytes(b.getLong(p + EV_DST));
        e.dstLo = Long.reverseBytes(b.getLong(p + EV_DST + 8));
        e.count = count;
    }

    /**
     * Hands {@code sink} what the kernel counted beyond the ring's budget since the last call, one event per kind
     * alike with its {@link Event#count}. Each count is taken out of the map as it is read, so that the map holds
     * one second's keys, not every key a flood ever had. Once a second, on the draining thread.
     */
    public void aggregates(Sink sink) throws IOException {
        for (byte[] key : Bpf.keys(aggregatesFd, EVENT_SIZE, MAX_AGGREGATES)) {
            long[] perCpu = Bpf.takePerCpuOrNull(aggregatesFd, key, cpus);
            long n = perCpu == null ? 0 : Bpf.sum(perCpu);
            if (n > 0) {
                read(ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()), 0, n);
                sink.event(event);
            }
        }
    }

    /** Events neither the ring nor the kernel's counts had room for since attached, summed over the CPUs. */
    public long lost() throws IOException {
        return Bpf.sum(Bpf.lookupPerCpu(lostFd, 0, cpus));
    }

    /**
     * Each program's runs, the nanoseconds they took and the runs skipped ({runs, ns, skipped}), counted by the
     * kernel while run-time stats are on ({@link ConnectErrors#timingRuns}).
     */
    public long[][] runStats() throws IOException {
        long[][] out = new long[4][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Bpf.runStats(fds[MAPS + i]);
        }
        return out;
    }

    /** The ids of the programs, for checks that nothing stays loaded. */
    int[] programIds() throws IOException {
        int[] ids = new int[4];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Bpf.programId(fds[MAPS + i]);
        }
        return ids;
    }

    /** The Clients' counts, which the state program adds to; null unless asked for at {@link #attach}. */
    public ConnectErrors clients() {
        return clients;
    }

    @Override
    public void close() {
        LinuxSockets.munmap(producerPages, pageSize + data.capacity());
        LinuxSockets.munmap(consumerPage, pageSize);
        for (int i = fds.length - 1; i >= 0; i--) {
            Bpf.close(fds[i]);
        }
        if (clients != null) {
            clients.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The programs. Each builds its event at E, zeroed first (the verifier reads nothing uninitialized), and
    // hands it to the ring; r6 holds the socket where there is one.

    /**
     * <pre>
     *   sk = args[0]; old = args[1]; new = args[2];
     *   if (new == TCP_SYN_SENT) {                // with clients only: remember who connects
     *       (namespace test) (a slot of sk's set) = { tgid, uid, comm, sk }; return;
     *   }
     *   if (old != TCP_SYN_SENT) return;          // every other change of every socket, at the least cost
     *   (with clients: c = sk's slot; if (!c): the namespace test)  // only this namespace's connects have one
     *   if (new == TCP_ESTABLISHED) { if (tcp_sk(sk)-&gt;total_retrans) emit SLOW; goto forget; }
     *   if (new != TCP_CLOSE) goto forget;       // SYN_RECV: a simultaneous open (a self-connect)
     *   (with clients, if c: count its failure by process, {@link ConnectErrors#countFailure})
     *   err = sk-&gt;sk_err ?: sk-&gt;sk_err_soft;     // none: the application closed it while it connected
     *   kind = err == ECONNREFUSED ? REFUSED : err == ETIMEDOUT ? GIVEN_UP
     *        : err is EHOSTUNREACH, ENETUNREACH, EACCES, EHOSTDOWN or ENONET ? UNREACHABLE : none;
     *   if (kind == REFUSED &amp;&amp; sk-&gt;sk_dst_cache-&gt;dev-&gt;ifindex == LOOPBACK_IFINDEX) goto forget;
     *                                            // this host's reset: counted as sent, a raw socket's SYN's too
     *   if (kind) emit kind, code err (with clients, if c: tgid c-&gt;tgid);
     * forget:
     *   (with clients, if c: c-&gt;sk = 0, the slot free again);
     * </pre>
     * Without clients the source keeps no table: everything it needs is on the socket, and a refused connect costs
     * no map's insert or delete. Every event local end first, as the connect's SYN.
     */
    static Insn.Program stateChanges(Maps m, KernelLayout o, int netns, ConnectErrors clients) {
        boolean keep = clients != null;
        String forget = keep ? "forget" : "out";
        Insn.Program p = new Insn.Program()
                .loadDouble(Insn.R6, Insn.R1, 0)
                .loadDouble(Insn.R9, Insn.R1, 16)
                .loadDouble(Insn.R2, Insn.R1, 8); // the old state
        if (keep) {
            p.jumpIfEqual(Insn.R9, TCP_SYN_SENT, "connecting");
        }
        p.jumpIfNotEqual(Insn.R2, TCP_SYN_SENT, "out"); // not a connect's end (nor, with no table, its start)
        if (keep) {
            // A connect of this namespace without a slot (begun before the attach, or its set full) counts all
            // the same, for no process.
            clients.lookUp(p, SLOT_KEY).mov64Reg(Insn.R8, Insn.R0).jumpIfNotEqual(Insn.R8, 0, "inside");
        }
        ConnectErrors.inNamespace(p, o, netns).label("inside");
        p.jumpIfNotEqual(Insn.R9, TCP_ESTABLISHED, "closing")
                .mov64Reg(Insn.R1, Insn.R6)
                .call(Insn.FN_SKC_TO_TCP_SOCK)
                .jumpIfEqual(Insn.R0, 0, forget)
                .loadWord(Insn.R1, Insn.R0, o.totalRetrans()) // its SYN went again
                .jumpIfEqual(Insn.R1, 0, forget)
                .mov64Imm(Insn.R7, SLOW)
                .mov64Imm(Insn.R9, 0)
                .jump("event")
                .label("closing")
                .jumpIfNotEqual(Insn.R9, TCP_CLOSE, forget); // SYN_RECV: a simultaneous open (a self-connect)
        if (keep) {
            p.jumpIfEqual(Insn.R8, 0, "counted");
            clients.countFailure(p, o, E, E + ConnectErrors.KEY_SIZE, "counted").label("counted");
        }
        p.loadWord(Insn.R9, Insn.R6, o.err())
                .jumpIfNotEqual(Insn.R9, 0, "errno")
                .loadWord(Insn.R9, Insn.R6, o.errSoft()) // an ICMP error while connect() held the socket
                .label("errno")
                .mov64Imm(Insn.R7, REFUSED)
                .jumpIfEqual(Insn.R9, ECONNREFUSED, "refused")
                .mov64Imm(Insn.R7, GIVEN_UP)
                .jumpIfEqual(Insn.R9, 110, "event")
                .mov64Imm(Insn.R7, UNREACHABLE);
        for (int errno : new int[] {113, 101, 13, 112, 64}) { // EHOSTUNREACH ENETUNREACH EACCES EHOSTDOWN ENONET
            p.jumpIfEqual(Insn.R9, errno, "event");
        }
        p.jump(forget).label("refused");
        routeInterface(p, o, "event")
                .jumpIfEqual(Insn.R1, LOOPBACK_IFINDEX, forget)
                .label("event");
        zeroEvent(p).storeByte(Insn.R10, E + EV_KIND, Insn.R7).storeHalf(Insn.R10, E + EV_CODE, Insn.R9);
        if (keep) {
            p.jumpIfEqual(Insn.R8, 0, "ends")
                    .loadWord(Insn.R1, Insn.R8, ConnectErrors.CONNECT_TGID)
                    .storeWord(Insn.R10, E + EV_TGID, Insn.R1)
                    .label("ends");
        }
        socketEnds(p, o, EV_SRC, EV_SPORT, EV_DST, EV_DPORT);
        emit(p, m, forget, "");
        if (keep) {
            clients.remember(p.label("connecting"), o, netns, SLOT_KEY)
                    .jump("out")
                    .label("forget")
                    .jumpIfEqual(Insn.R8, 0, "out");
            clients.forget(p);
        }
        return p.label("out").mov64Imm(Insn.R0, 0).exit();
    }

    /**
     * <pre>
     *   sk = args[0];
     *   if (sk-&gt;state != TCP_SYN_SENT) return;
     *   if (sk-&gt;sk_err_soft) return;       // an ICMP error answered it: the kernel retries, as the packet socket says
     *   (namespace test)
     *   if (bpf_map_update_elem(resent, &amp;{ sk, tcp_sk(sk)-&gt;snd_una }, &amp;0, BPF_NOEXIST)) return;   // not the first
     *   emit UNANSWERED (local first, as its SYN);
     * </pre>
     * Runs only as a SYN goes again: a connect answered at once costs it nothing.
     */
    static Insn.Program retransmits(Maps m, KernelLayout o, int netns) {
        int key = S_TCP; // this program reads no headers
        int zero = key + 16;
        Insn.Program p = new Insn.Program()
                .loadDouble(Insn.R6, Insn.R1, 0)
                .loadByte(Insn.R1, Insn.R6, o.state())
                .jumpIfNotEqual(Insn.R1, TCP_SYN_SENT, "out")
                .loadWord(Insn.R1, Insn.R6, o.errSoft())
                .jumpIfNotEqual(Insn.R1, 0, "out");
        ConnectErrors.inNamespace(p, o, netns)
                .mov64Reg(Insn.R1, Insn.R6)
                .call(Insn.FN_SKC_TO_TCP_SOCK)
                .jumpIfEqual(Insn.R0, 0, "out")
                .loadWord(Insn.R1, Insn.R0, o.sndUna()) // the initial sequence number, while SYN_SENT
                .storeDouble(Insn.R10, key, Insn.R6)
                .storeDoubleImm(Insn.R10, key + 8, 0)
                .storeWord(Insn.R10, key + 8, Insn.R1)
                .storeDoubleImm(Insn.R10, zero, 0)
                .mapInsert(m.resent(), key, zero)
                .jumpIfNotEqual(Insn.R0, 0, "out");
        zeroEvent(p).mov64Imm(Insn.R1, UNANSWERED).storeByte(Insn.R10, E + EV_KIND, Insn.R1);
        socketEnds(p, o, EV_SRC, EV_SPORT, EV_DST, EV_DPORT);
        return emit(p, m, "out", "").label("out").mov64Imm(Insn.R0, 0).exit();
    }

    /**
     * <pre>
     *   sk = args[0]; skb = args[1];      // skb: the segment the reset answers, none for an active reset
     *   if (!skb) { if (!sk) return; (namespace test) emit ABORT, SENT (local first, as the reset); return; }
     *   dev = skb-&gt;dev; if (!dev || dev-&gt;nd_net-&gt;ns.inum != NETNS) return;
     *   ip = skb-&gt;head + skb-&gt;network_header; th = skb-&gt;head + skb-&gt;transport_header;
     *   if (th-&gt;ack) emit STALE, SENT, its ends swapped (as the reset);
     *   else emit REFUSED, SENT, its ends as they are (as the SYN);   // loopback too: a raw socket's SYN has no
     *                                                                  // client socket to count it
     * </pre>
     */
    static Insn.Program resetsSent(Maps m, KernelLayout o, int netns) {
        Insn.Program p = new Insn.Program()
                .loadDouble(Insn.R6, Insn.R1, 0)
                .loadDouble(Insn.R7, Insn.R1, 8)
                .jumpIfNotEqual(Insn.R7, 0, "segment")
                .jumpIfEqual(Insn.R6, 0, "out");
        ConnectErrors.inNamespace(p, o, netns);
        zeroEvent(p)
                .mov64Imm(Insn.R1, ABORT)
                .storeByte(Insn.R10, E + EV_KIND, Insn.R1)
                .mov64Imm(Insn.R1, SENT)
                .storeByte(Insn.R10, E + EV_FLAGS, Insn.R1);
        socketEnds(p, o, EV_SRC, EV_SPORT, EV_DST, EV_DPORT);
        emit(p, m, "out", "s").label("segment");
        // The headers are the packet's bytes, not typed members: those two are copied out.
        p.loadDouble(Insn.R9, Insn.R7, o.skbDev()).jumpIfEqual(Insn.R9, 0, "out");
        ConnectErrors.inNamespace(p, Insn.R9, o.devNet(), o.netInum(), netns);
        zeroEvent(p)
                .loadWord(Insn.R1, Insn.R9, o.devIfindex())
                .storeWord(Insn.R10, E + EV_IFINDEX, Insn.R1)
                .loadDouble(Insn.R8, Insn.R7, o.skbHead())
                .mov64Reg(Insn.R9, Insn.R8)
                .loadHalf(Insn.R1, Insn.R7, o.skbTransportHeader())
                .add64Reg(Insn.R9, Insn.R1) // the TCP header
                .loadHalf(Insn.R1, Insn.R7, o.skbNetworkHeader())
                .add64Reg(Insn.R8, Insn.R1) // the IP header
                .probeReadKernel(S_TCP, TCP_READ, Insn.R9, 0)
                .probeReadKernel(S_IP, IP_READ, Insn.R8, 0)
                .mov64Imm(Insn.R1, SENT)
                .storeByte(Insn.R10, E + EV_FLAGS, Insn.R1)
                .loadByte(Insn.R1, Insn.R10, S_TCP + TCP_FLAGS)
                .and64Imm(Insn.R1, TCP_FLAG_ACK)
                .jumpIfNotEqual(Insn.R1, 0, "stale")
                .mov64Imm(Insn.R1, REFUSED)
                .storeByte(Insn.R10, E + EV_KIND, Insn.R1)
                .mov64Imm(Insn.R1, ECONNREFUSED)
                .storeHalf(Insn.R10, E + EV_CODE, Insn.R1);
        segmentEnds(p, EV_SRC, EV_SPORT, EV_DST, EV_DPORT, "a");
        p.jump("emit").label("stale").mov64Imm(Insn.R1, STALE).storeByte(Insn.R10, E + EV_KIND, Insn.R1);
        segmentEnds(p, EV_DST, EV_DPORT, EV_SRC, EV_SPORT, "b");
        p.label("emit");
        return emit(p, m, "out", "").label("out").mov64Imm(Insn.R0, 0).exit();
    }

    /**
     * <pre>
     *   sk = args[0];
     *   if (sk-&gt;state == TCP_SYN_SENT) return;  // a refusal: its close counts it (this host's reset: counted sent)
     *   (namespace test) emit ABORT (remote first, as the reset);
     * </pre>
     */
    static Insn.Program resetsReceived(Maps m, KernelLayout o, int netns) {
        Insn.Program p = new Insn.Program()
                .loadDouble(Insn.R6, Insn.R1, 0)
                .loadByte(Insn.R1, Insn.R6, o.state())
                .jumpIfEqual(Insn.R1, TCP_SYN_SENT, "out");
        ConnectErrors.inNamespace(p, o, netns);
        zeroEvent(p).mov64Imm(Insn.R1, ABORT).storeByte(Insn.R10, E + EV_KIND, Insn.R1);
        socketEnds(p, o, EV_DST, EV_DPORT, EV_SRC, EV_SPORT);
        return emit(p, m, "out", "").label("out").mov64Imm(Insn.R0, 0).exit();
    }

    private static Insn.Program zeroEvent(Insn.Program p) {
        for (int off = 0; off < EVENT_SIZE; off += 8) {
            p.storeDoubleImm(Insn.R10, E + off, 0);
        }
        return p;
    }

    /**
     * The socket in r6's addresses and ports into the event: its own (rcv_saddr, sport) at {@code localAddress} and
     * {@code localPort}, its peer's (daddr, dport) at the others, IPv4 as ::ffff:a.b.c.d; and the interface of its
     * route (sk_dst_cache's device), when it has one.
     */
    private static Insn.Program socketEnds(
            Insn.Program p, KernelLayout o, int localAddress, int localPort, int remoteAddress, int remotePort) {
        return socketEnds(p, o, localAddress, localPort, remoteAddress, remotePort, "");
    }

    /** As above, its labels tagged: for a program that takes a socket's ends in two places. */
    private static Insn.Program socketEnds(
            Insn.Program p,
            KernelLayout o,
            int localAddress,
            int localPort,
            int remoteAddress,
            int remotePort,
            String tag) {
        p.loadHalf(Insn.R1, Insn.R6, o.family()).jumpIfNotEqual(Insn.R1, AF_INET6, "sock4" + tag);
        for (int half = 0; half < 16; half += 8) {
            p.loadDouble(Insn.R1, Insn.R6, o.v6daddr() + half)
                    .storeDouble(Insn.R10, E + remoteAddress + half, Insn.R1)
                    .loadDouble(Insn.R1, Insn.R6, o.v6rcvSaddr() + half)
                    .storeDouble(Insn.R10, E + localAddress + half, Insn.R1);
        }
        p.jump("sockports" + tag)
                .label("sock4" + tag)
                .mov64Imm(Insn.R1, 0xFFFF_0000) // bytes 00 00 ff ff
                .storeWord(Insn.R10, E + remoteAddress + 8, Insn.R1)
                .storeWord(Insn.R10, E + localAddress + 8, Insn.R1)
                .loadWord(Insn.R1, Insn.R6, o.daddr())
                .storeWord(Insn.R10, E + remoteAddress + 12, Insn.R1)
                .loadWord(Insn.R1, Insn.R6, o.rcvSaddr())
                .storeWord(Insn.R10, E + localAddress + 12, Insn.R1)
                .label("sockports" + tag)
                .loadHalf(Insn.R1, Insn.R6, o.dport()) // both in network order
                .storeHalf(Insn.R10, E + remotePort, Insn.R1)
                .mov64Reg(Insn.R1, Insn.R6) // the local port is inet_sock's, beyond struct sock: typed anew
                .call(Insn.FN_SKC_TO_TCP_SOCK)
                .jumpIfEqual(Insn.R0, 0, "noport" + tag)
                .loadHalf(Insn.R1, Insn.R0, o.sport())
                .storeHalf(Insn.R10, E + localPort, Insn.R1)
                .label("noport" + tag);
        return routeInterface(p, o, "noroute" + tag)
                .storeWord(Insn.R10, E + EV_IFINDEX, Insn.R1)
                .label("noroute" + tag);
    }

    /**
     * The index of the interface of the route of the socket in r6 (sk_dst_cache's device) into r1; to {@code
     * noRoute} when the socket has none.
     */
    private static Insn.Program routeInterface(Insn.Program p, KernelLayout o, String noRoute) {
        return p.loadDouble(Insn.R1, Insn.R6, o.dstCache())
                .jumpIfEqual(Insn.R1, 0, noRoute)
                .loadDouble(Insn.R1, Insn.R1, o.dstDev())
                .jumpIfEqual(Insn.R1, 0, noRoute)
                .loadWord(Insn.R1, Insn.R1, o.devIfindex());
    }

    /**
     * The segment's addresses and ports, from the copies of its IP header (at {@link #S_IP}) and TCP header (at
     * {@link #S_TCP}), into the event: its source at {@code srcAddress} and {@code srcPort}, its destination at the
     * others.
     */
    private static Insn.Program segmentEnds(
            Insn.Program p, int srcAddress, int srcPort, int dstAddress, int dstPort, String tag) {
        p.loadByte(Insn.R1, Insn.R10, S_IP).shiftRight64(Insn.R1, 4).jumpIfNotEqual(Insn.R1, 6, "seg4" + tag);
        for (int half = 0; half < 16; half += 8) {
            p.loadDouble(Insn.R1, Insn.R10, S_IP + IPV6_SRC + half)
                    .storeDouble(Insn.R10, E + srcAddress + half, Insn.R1)
                    .loadDouble(Insn.R1, Insn.R10, S_IP + IPV6_DST + half)
                    .storeDouble(Insn.R10, E + dstAddress + half, Insn.R1);
        }
        return p.jump("segports" + tag)
                .label("seg4" + tag)
                .mov64Imm(Insn.R1, 0xFFFF_0000) // bytes 00 00 ff ff
                .storeWord(Insn.R10, E + srcAddress + 8, Insn.R1)
                .storeWord(Insn.R10, E + dstAddress + 8, Insn.R1)
                .loadWord(Insn.R1, Insn.R10, S_IP + IPV4_SRC)
                .storeWord(Insn.R10, E + srcAddress + 12, Insn.R1)
                .loadWord(Insn.R1, Insn.R10, S_IP + IPV4_DST)
                .storeWord(Insn.R10, E + dstAddress + 12, Insn.R1)
                .label("segports" + tag)
                .loadHalf(Insn.R1, Insn.R10, S_TCP) // both in network order, as the event keeps them
                .storeHalf(Insn.R10, E + srcPort, Insn.R1)
                .loadHalf(Insn.R1, Insn.R10, S_TCP + 2)
                .storeHalf(Insn.R10, E + dstPort, Insn.R1);
    }

    /**
     * Hands the event on, then goes to {@code next}:
     * <pre>
     *   b = budget[0]; now = bpf_ktime_get_ns() / 1e9;
     *   if (b-&gt;second != now) { b-&gt;second = now; b-&gt;sent = 0; }
     *   if (b-&gt;sent &lt; RING_BUDGET_PER_SECOND) { b-&gt;sent++; if (!bpf_ringbuf_output(ring, event, EVENT_SIZE, BPF_RB_NO_WAKEUP)) goto next; }
     *   // beyond the budget, or the ring full: counted here, as the event without its client's port and process
     *   if (event.kind is not STALE or ABORT) event.src_port = 0; event.tgid = 0;
     *   n = aggregates[event] (inserted as 1 if new; another CPU's insert first: add to it); else lost[0]++;
     * </pre>
     * Uses r7. {@code tag} tells apart the labels of a program that hands events on in two places.
     */
    private static Insn.Program emit(Insn.Program p, Maps m, String next, String tag) {
        return p.storeDoubleImm(Insn.R10, -8, 0)
                .mapLookup(m.budget(), -8)
                .jumpIfEqual(Insn.R0, 0, "count" + tag)
                .mov64Reg(Insn.R7, Insn.R0)
                .call(Insn.FN_KTIME_GET_NS)
                .div64Imm(Insn.R0, 1_000_000_000)
                .loadDouble(Insn.R1, Insn.R7, 0)
                .jumpIfEqualReg(Insn.R1, Insn.R0, "second" + tag)
                .storeDouble(Insn.R7, 0, Insn.R0)
                .storeDoubleImm(Insn.R7, 8, 0)
                .label("second" + tag)
                .loadDouble(Insn.R1, Insn.R7, 8)
                .jumpIfAtLeast(Insn.R1, RING_BUDGET_PER_SECOND, "count" + tag)
                .add64Imm(Insn.R1, 1)
                .storeDouble(Insn.R7, 8, Insn.R1)
                .loadMap(Insn.R1, m.ring())
                .mov64Reg(Insn.R2, Insn.R10)
                .add64Imm(Insn.R2, E)
                .mov64Imm(Insn.R3, EVENT_SIZE)
                .mov64Imm(Insn.R4, RB_NO_WAKEUP)
                .call(Insn.FN_RINGBUF_OUTPUT)
                .jumpIfEqual(Insn.R0, 0, next)
                .label("count" + tag)
                .mov64Imm(Insn.R1, 0)
                .storeWord(Insn.R10, E + EV_TGID, Insn.R1)
                .loadByte(Insn.R2, Insn.R10, E + EV_KIND)
                .jumpIfEqual(Insn.R2, STALE, "keyed" + tag)
                .jumpIfEqual(Insn.R2, ABORT, "keyed" + tag)
                .storeHalf(Insn.R10, E + EV_SPORT, Insn.R1)
                .label("keyed" + tag)
                .addOneInHash(m.aggregates(), E, -16, next, "full" + tag, tag)
                .label("full" + tag)
                .addOneAtZero(m.lost(), -8, next)
                .jump(next);
    }
}
