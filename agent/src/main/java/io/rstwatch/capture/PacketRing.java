package io.rstwatch.capture;

import static io.rstwatch.common.LinuxSockets.AF_PACKET;
import static io.rstwatch.common.LinuxSockets.EINTR;
import static io.rstwatch.common.LinuxSockets.ENETDOWN;
import static io.rstwatch.common.LinuxSockets.ENODEV;
import static io.rstwatch.common.LinuxSockets.ENXIO;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.rstwatch.common.LinuxSockets;
import io.rstwatch.decode.LinkHeaders.LinuxSll2;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A packet socket's receive ring (TPACKET_V3), read in place: the kernel writes each packet that passes the
 * socket's filter into a block of memory shared with us, and this thread reads it there. No system call per
 * packet or per block while packets keep coming, no JNI crossing per packet, no copy but the one into the
 * decoder's scratch array (headers only: the filter's snap length cuts the rest in the kernel). This is what
 * libpcap does under {@code pcap_dispatch}, without its callback per packet and without {@code pcap_dump}'s stdio
 * path through which the records used to come out in batches.
 *
 * <p>The ring is a row of equal blocks ({@link #blockSize(int)}). The kernel fills one block at a time and hands it
 * over by setting TP_STATUS_USER in its header, once it is full or once {@link #RETIRE_MILLIS} have passed since
 * its first packet; we read its packets and give it back with TP_STATUS_KERNEL, then go on to the next block.
 *
 * <pre>
 * block header (struct tpacket_block_desc; its hdr is struct tpacket_hdr_v1)
 *  0         4                8              12         16                    20        24
 * +---------+----------------+--------------+----------+---------------------+---------+------------------+
 * | version | offset_to_priv | block_status | num_pkts | offset_to_first_pkt | blk_len | seq_num, ts (24) |
 * +---------+----------------+--------------+----------+---------------------+---------+------------------+
 *
 * each packet: struct tpacket3_hdr, struct sockaddr_ll at TPACKET_ALIGN(48), the packet at tp_mac
 *  0                4        8         12           16       20          24       26       28         48
 * +----------------+--------+---------+------------+--------+-----------+--------+--------+----------+
 * | tp_next_offset | tp_sec | tp_nsec | tp_snaplen | tp_len | tp_status | tp_mac | tp_net | hv1, pad |
 * +----------------+--------+---------+------------+--------+-----------+--------+--------+----------+
 *  48         50                 52            56           58           59         60        68
 * +----------+------------------+-------------+------------+------------+----------+---------+
 * | family   | protocol (BE)    | ifindex     | hatype     | pkttype    | halen    | addr[8] |
 * +----------+------------------+-------------+------------+------------+----------+---------+
 * </pre>
 *
 * <p>On a datagram socket (the {@code any} device, or an interface without an Ethernet header) the kernel hands
 * over the network-layer packet and describes its link in the sockaddr_ll; this reader puts that description in
 * front of the packet as a LINUX_SLL2 header, so that the decoder sees what libpcap's {@code any} gives. On a raw
 * socket the packet comes with its link-layer header (EN10MB).
 */
final class PacketRing implements AutoCloseable {
    /**
     * The largest block, some thousands of headers-only packets. Under a flood the thread sleeps in poll until the
     * kernel hands over the next full block, and each wake is dear (the system call, the switch, its tables back
     * into cache): larger blocks than libpcap's wake it less often (bench/HISTORY.md, issue 14, part 10).
     */
    static final int MAX_BLOCK_SIZE = 1 << 20;
    /** The fewest blocks: the kernel fills the others while this thread reads one. */
    static final int MIN_BLOCKS = 8;
    /** The smallest block, a multiple of any page size. */
    private static final int MIN_BLOCK_SIZE = 1 << 16;
    /**
     * How long a block that is not full waits, at most, before the kernel hands it over: the capture's latency when
     * packets are few. Each hand-over is a wake ({@link #MAX_BLOCK_SIZE}), the dearer for the code and tables gone
     * cold in the wait: at a few thousand packets a second, a shorter wait made the wakes much of the thread's
     * CPU. tcpdump waits 1 s.
     */
    static final int RETIRE_MILLIS = 250;
    /**
     * How long one wait for a block lasts when nothing comes, so that the caller gets to do its once-a-second work
     * (the drop count). An empty ring needs no more: a failing socket ends the wait at once. On an idle host each
     * wake runs in the interpreter: more of them would be most of an idle capture thread's CPU.
     */
    static final int POLL_MILLIS = 1000;

    // struct tpacket_block_desc: the tpacket_hdr_v1 begins after version and offset_to_priv.
    private static final int BLOCK_STATUS = 8;
    private static final int NUM_PKTS = BLOCK_STATUS + 4;
    private static final int OFFSET_TO_FIRST_PKT = NUM_PKTS + 4;
    private static final int TP_STATUS_KERNEL = 0;
    private static final int TP_STATUS_USER = 1;

    // struct tpacket3_hdr
    private static final int TP_NEXT_OFFSET = 0;
    private static final int TP_SEC = TP_NEXT_OFFSET + 4;
    private static final int TP_NSEC = TP_SEC + 4;
    private static final int TP_SNAPLEN = TP_NSEC + 4;
    private static final int TP_MAC = TP_SNAPLEN + 4 + 4 + 4; // after tp_len and tp_status
    /** TPACKET_ALIGN(sizeof(struct tpacket3_hdr)): where the sockaddr_ll begins. */
    private static final int TPACKET3_HDRLEN = 48;

    // struct sockaddr_ll, after the tpacket3_hdr
    private static final int SLL_PROTOCOL = TPACKET3_HDRLEN + 2;
    private static final int SLL_IFINDEX = SLL_PROTOCOL + 2;
    private static final int SLL_HATYPE = SLL_IFINDEX + 4;
    private static final int SLL_PKTTYPE = SLL_HATYPE + 2;
    private static final int SLL_HALEN = SLL_PKTTYPE + 1;
    private static final int SLL_ADDR = SLL_HALEN + 1;
    private static final int SOCKADDR_LL_SIZE = 20;

    /** The LINUX_SLL2 header put in front of a datagram socket's packets, laid out as the decoder reads it. */
    static final int SLL2_HEADER = LinuxSll2.HEADER_SIZE;

    /** The block status is shared with the kernel: read with acquire, written with release semantics. */
    private static final VarHandle SHARED_INT =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    /** Every protocol (linux/if_ether.h), bound to once the filter and the ring are in place. */
    private static final int ETH_P_ALL = 0x0003;

    private final int fd;
    private final boolean datagram;
    private final Pointer map;
    private final long mapSize;
    private final ByteBuffer ring;
    private final int blockSize;
    private final int blocks;
    private final Memory pollFd = new Memory(8);
    private final Memory stats = new Memory(12);
    private final Memory statsLength = new Memory(4);
    private int block;
    private long drops;

    /** Receives each packet of a block. */
    interface Sink {
        void packet(byte[] data, int caplen, long timestampMicros);
    }

    /**
     * Opens a ring on one interface, or on all of them.
     *
     * @param ifindex the interface's index, 0 for every interface
     * @param datagram network-layer packets, each given a LINUX_SLL2 header; else link-layer frames
     * @param filter the socket filter (struct sock_filter array), attached before any packet can arrive
     * @param bufferBytes the ring's size; at least {@link #MIN_BLOCKS} of the smallest blocks
     */
    static PacketRing open(int ifindex, boolean datagram, byte[] filter, int bufferBytes) {
        // Protocol 0 receives nothing: packets flow only after bind(), once the filter and the ring are in place.
        int fd = LinuxSockets.socket(
                AF_PACKET, (datagram ? LinuxSockets.SOCK_DGRAM : LinuxSockets.SOCK_RAW) | LinuxSockets.SOCK_CLOEXEC, 0);
        try {
            return new PacketRing(fd, ifindex, datagram, filter, bufferBytes);
        } catch (RuntimeException e) {
            LinuxSockets.close(fd);
            throw e;
        }
    }

    private PacketRing(int fd, int ifindex, boolean datagram, byte[] filter, int bufferBytes) {
        this.fd = fd;
        this.datagram = datagram;
        setInt(LinuxSockets.SOL_PACKET, LinuxSockets.PACKET_VERSION, LinuxSockets.TPACKET_V3);
        attachFilter(filter);
        this.blockSize = blockSize(bufferBytes);
        this.blocks = Math.max(MIN_BLOCKS, bufferBytes / blockSize);
        int frameSize = 2048; // V3 packs packets tightly; the kernel only checks frames_per_block * blocks
        Memory request = new Memory(7 * 4); // struct tpacket_req3
        request.setInt(0, blockSize);
        request.setInt(4, blocks);
        request.setInt(8, frameSize);
        request.setInt(12, blocks * (blockSize / frameSize));
        request.setInt(16, RETIRE_MILLIS);
        request.setInt(20, 0); // sizeof_priv
        request.setInt(24, 0); // feature_req_word
        LinuxSockets.setsockopt(fd, LinuxSockets.SOL_PACKET, LinuxSockets.PACKET_RX_RING, request, 7 * 4);
        this.mapSize = (long) blocks * blockSize;
        this.map = LinuxSockets.mmap(null, mapSize, LinuxSockets.PROT_READ_WRITE, LinuxSockets.MAP_SHARED, fd, 0);
        this.ring = map.getByteBuffer(0, mapSize).order(ByteOrder.nativeOrder());
        Memory address = new Memory(SOCKADDR_LL_SIZE); // struct sockaddr_ll
        address.clear();
        address.setShort(0, (short) AF_PACKET);
        address.setByte(3, (byte) ETH_P_ALL); // sll_protocol, in network order: its high byte stays 0
        address.setInt(4, ifindex);
        try {
            LinuxSockets.bind(fd, address, SOCKADDR_LL_SIZE);
        } catch (RuntimeException e) {
            LinuxSockets.munmap(map, mapSize);
            throw e;
        }
        pollFd.setInt(0, fd);
        pollFd.setShort(4, (short) (LinuxSockets.POLLIN | LinuxSockets.POLLERR));
    }

    /**
     * The block size for a ring of {@code bufferBytes}: as large as {@link #MAX_BLOCK_SIZE}, a power of two, and
     * small enough that the buffer holds {@link #MIN_BLOCKS} of them.
     */
    static int blockSize(int bufferBytes) {
        return Math.max(MIN_BLOCK_SIZE, Math.min(MAX_BLOCK_SIZE, Integer.highestOneBit(bufferBytes / MIN_BLOCKS)));
    }

    private void setInt(int level, int name, int value) {
        Memory m = new Memory(4);
        m.setInt(0, value);
        LinuxSockets.setsockopt(fd, level, name, m, 4);
    }

    /** struct sock_fprog: the instruction count (unsigned short), then a pointer to the instructions. */
    private void attachFilter(byte[] filter) {
        Memory instructions = new Memory(filter.length);
        instructions.write(0, filter, 0, filter.length);
        Memory program = new Memory(2L * Native.POINTER_SIZE);
        program.clear();
        program.setShort(0, (short) (filter.length / CaptureFilter.INSTRUCTION));
        program.setPointer(Native.POINTER_SIZE, instructions);
        LinuxSockets.setsockopt(
                fd, LinuxSockets.SOL_SOCKET, LinuxSockets.SO_ATTACH_FILTER, program, 2 * Native.POINTER_SIZE);
    }

    /**
     * Hands each packet of the next block to the sink, waiting up to {@code waitMillis} for one (at most
     * {@link #POLL_MILLIS} when nothing is left to do); returns how many it handed over (0 when none came). Throws
     * when the socket fails, with the reason in words.
     */
    int next(byte[] scratch, Sink sink, int waitMillis) {
        int base = block * blockSize;
        if (((int) SHARED_INT.getAcquire(ring, base + BLOCK_STATUS) & TP_STATUS_USER) == 0) {
            waitForPackets(waitMillis);
            if (((int) SHARED_INT.getAcquire(ring, base + BLOCK_STATUS) & TP_STATUS_USER) == 0) {
                return 0;
            }
        }
        int handed = readBlock(ring, base, blockSize, datagram, scratch, sink);
        SHARED_INT.setRelease(ring, base + BLOCK_STATUS, TP_STATUS_KERNEL);
        block = block + 1 == blocks ? 0 : block + 1;
        return handed;
    }

    /**
     * Hands each packet of the block at {@code base} to the sink; returns how many. Whatever its header, offsets
     * and lengths say, nothing is read outside the block: the positions are added up in longs, so that no sum of
     * the kernel's 32-bit fields can wrap around into the block again.
     */
    static int readBlock(ByteBuffer ring, int base, int blockSize, boolean datagram, byte[] scratch, Sink sink) {
        int count = ring.getInt(base + NUM_PKTS);
        long end = (long) base + blockSize;
        long pos = base + (ring.getInt(base + OFFSET_TO_FIRST_PKT) & 0xFFFF_FFFFL);
        int handed = 0;
        for (int i = 0; i < count && pos > base && pos + SLL_ADDR + 8 <= end; i++) {
            int at = (int) pos;
            int caplen = ring.getInt(at + TP_SNAPLEN);
            long data = pos + (ring.getShort(at + TP_MAC) & 0xFFFF);
            if (caplen >= 0 && data + caplen <= end) {
                handOver(ring, datagram, at, (int) data, caplen, scratch, sink);
                handed++;
            }
            int next = ring.getInt(at + TP_NEXT_OFFSET);
            if (next <= 0) {
                break;
            }
            pos += next;
        }
        return handed;
    }

    private static void handOver(
            ByteBuffer ring, boolean datagram, int pos, int data, int caplen, byte[] scratch, Sink sink) {
        long micros = (ring.getInt(pos + TP_SEC) & 0xFFFF_FFFFL) * 1_000_000L + ring.getInt(pos + TP_NSEC) / 1000;
        if (!datagram) {
            int copy = Math.min(caplen, scratch.length);
            ring.get(data, scratch, 0, copy);
            sink.packet(scratch, copy, micros);
            return;
        }
        // All big-endian, as in a LINUX_SLL2 capture; sll_protocol is already in network order.
        scratch[LinuxSll2.PROTOCOL_OFFSET] = ring.get(pos + SLL_PROTOCOL);
        scratch[LinuxSll2.PROTOCOL_OFFSET + 1] = ring.get(pos + SLL_PROTOCOL + 1);
        scratch[LinuxSll2.RESERVED_OFFSET] = 0;
        scratch[LinuxSll2.RESERVED_OFFSET + 1] = 0;
        putBigEndianInt(scratch, LinuxSll2.IFINDEX_OFFSET, ring.getInt(pos + SLL_IFINDEX));
        short hatype = ring.getShort(pos + SLL_HATYPE);
        scratch[LinuxSll2.ARPHRD_OFFSET] = (byte) (hatype >> 8);
        scratch[LinuxSll2.ARPHRD_OFFSET + 1] = (byte) hatype;
        scratch[LinuxSll2.PACKET_TYPE_OFFSET] = ring.get(pos + SLL_PKTTYPE);
        scratch[LinuxSll2.ADDR_LENGTH_OFFSET] = ring.get(pos + SLL_HALEN);
        ring.get(pos + SLL_ADDR, scratch, LinuxSll2.ADDR_OFFSET, LinuxSll2.ADDR_SIZE);
        int copy = Math.min(caplen, scratch.length - SLL2_HEADER);
        ring.get(data, scratch, SLL2_HEADER, copy);
        sink.packet(scratch, SLL2_HEADER + copy, micros);
    }

    private static void putBigEndianInt(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 24);
        b[at + 1] = (byte) (value >>> 16);
        b[at + 2] = (byte) (value >>> 8);
        b[at + 3] = (byte) value;
    }

    private void waitForPackets(int waitMillis) {
        pollFd.setShort(6, (short) 0);
        try {
            LinuxSockets.poll(pollFd, 1, waitMillis);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINTR) {
                return;
            }
            throw e;
        }
        short revents = pollFd.getShort(6);
        if ((revents & (LinuxSockets.POLLERR | LinuxSockets.POLLHUP | LinuxSockets.POLLNVAL)) != 0) {
            throw new IllegalStateException(socketError());
        }
    }

    /** The socket's pending error (reading it clears it), in words. */
    private String socketError() {
        Memory error = new Memory(4);
        error.setInt(0, 0);
        statsLength.setInt(0, 4);
        try {
            LinuxSockets.getsockopt(fd, LinuxSockets.SOL_SOCKET, LinuxSockets.SO_ERROR, error, statsLength);
        } catch (LastErrorException e) {
            return "the packet socket failed (" + e.getMessage() + ")";
        }
        int errno = error.getInt(0);
        if (errno == ENETDOWN) {
            return "the interface went down";
        }
        if (errno == ENODEV || errno == ENXIO) {
            return "no such device: the interface went away";
        }
        return "the packet socket failed (errno " + errno + ")";
    }

    /** Packets the kernel had no room for in the ring, since the ring was opened. */
    long drops() {
        statsLength.setInt(0, 12);
        try {
            // struct tpacket_stats_v3: tp_packets, tp_drops, tp_freeze_q_cnt; reading resets them.
            LinuxSockets.getsockopt(fd, LinuxSockets.SOL_PACKET, LinuxSockets.PACKET_STATISTICS, stats, statsLength);
            drops += stats.getInt(4) & 0xFFFF_FFFFL;
        } catch (LastErrorException e) {
            // keep the last count; the next call tries again
        }
        return drops;
    }

    @Override
    public void close() {
        LinuxSockets.munmap(map, mapSize);
        LinuxSockets.close(fd);
    }
}
