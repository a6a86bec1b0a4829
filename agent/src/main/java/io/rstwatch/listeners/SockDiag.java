package io.rstwatch.listeners;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import io.rstwatch.common.LinuxSockets;
import io.rstwatch.decode.Addresses;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Asks the kernel for this network namespace's LISTEN and SYN_SENT TCP sockets over NETLINK_SOCK_DIAG, as
 * {@code ss -lt} does, instead of reading /proc/net/tcp: the kernel then formats only the sockets in those two
 * states, not every connection and TIME_WAIT socket of a busy host, and a listener's backlog comes with it. One
 * request per address family; the replies are read through one reused buffer. Falls back (answers false) when
 * netlink or JNA is not there: the caller then reads /proc.
 *
 * <p>The request, a netlink header and an {@code inet_diag_req_v2} (include/uapi/linux/inet_diag.h), in host byte
 * order but for the socket id, which is in network order:
 *
 * <pre>
 *  0        4      6       8        12       16     17       18   19   20       24                72
 *  | len    | type | flags | seq    | pid    | fam. | proto. | ext| pad| states | inet_diag_sockid |
 *  |-------------- nlmsghdr -----------------|------------ inet_diag_req_v2 --------------------------|
 * </pre>
 *
 * Each reply message, a netlink header and an {@code inet_diag_msg}:
 *
 * <pre>
 *  16     17     18     19       20     22     24        40        56   60       68      72      76      80   84     88
 *  | fam. | state| timer| retrans| sport| dport| src[16] | dst[16] | if | cookie | expires| rqueue| wqueue| uid| inode|
 * </pre>
 *
 * For a listener, rqueue is its accept queue now and wqueue its backlog; for a connect, retrans is how many times
 * its SYN went again. One thread at a time (the listener inventory's refresh).
 */
final class SockDiag {
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int NETLINK_SOCK_DIAG = 4;
    private static final int SOCK_DIAG_BY_FAMILY = 20;
    private static final short NLM_F_REQUEST_DUMP = 0x1 | 0x300;
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    private static final int IPPROTO_TCP = 6;
    /** include/net/tcp_states.h */
    private static final int TCP_SYN_SENT = 2;

    private static final int TCP_LISTEN = 10;

    private static final int HEADER = 16;
    private static final int REQUEST = HEADER + 56;
    private static final int FAMILY = HEADER;
    private static final int STATE = FAMILY + 1;
    private static final int RETRANS = STATE + 2;
    private static final int SPORT = RETRANS + 1;
    private static final int DPORT = SPORT + 2;
    private static final int SRC = DPORT + 2;
    private static final int DST = SRC + 16;
    private static final int RQUEUE = DST + 16 + 4 + 8 + 4;
    private static final int WQUEUE = RQUEUE + 4;
    private static final int UID = WQUEUE + 4;
    private static final int INODE = UID + 4;
    private static final int MESSAGE = INODE + 4;

    private final ByteBuffer reply = ByteBuffer.allocate(64 * 1024).order(ByteOrder.nativeOrder());
    /** The same bytes, for the socket id's fields in network order. */
    private final ByteBuffer network = ByteBuffer.wrap(reply.array()).order(ByteOrder.BIG_ENDIAN);

    private final ByteBuffer request = ByteBuffer.allocate(REQUEST).order(ByteOrder.nativeOrder());
    private int sequence;

    /**
     * Hands every LISTEN socket, and every SYN_SENT one when {@code connects}, IPv4 and IPv6, to {@code sink};
     * false when netlink could not be asked or did not answer in full (then nothing, or part, was handed on, and
     * the caller reads /proc). Listeners alone cost the kernel a walk of its listening hash; connects, a walk of
     * the whole connection table, TIME_WAIT sockets and all.
     */
    boolean read(ProcNetTcpReader.Sink sink, boolean connects) {
        int fd;
        try {
            fd = LinuxSockets.socket(LinuxSockets.AF_NETLINK, LinuxSockets.SOCK_DGRAM, NETLINK_SOCK_DIAG);
        } catch (LinkageError | LastErrorException e) {
            return false; // JNA's native part, or libc, not loadable; or no netlink here
        }
        try {
            byte[] timeout = ByteBuffer.allocate(16)
                    .order(ByteOrder.nativeOrder())
                    .putLong(2)
                    .putLong(0)
                    .array(); // struct timeval: a kernel that does not answer in 2 s is given up
            LinuxSockets.setsockopt(fd, LinuxSockets.SOL_SOCKET, LinuxSockets.SO_RCVTIMEO, timeout, timeout.length);
            int states = 1 << TCP_LISTEN | (connects ? 1 << TCP_SYN_SENT : 0);
            return dump(fd, AF_INET, states, sink) && dump(fd, AF_INET6, states, sink);
        } catch (LastErrorException e) {
            return false;
        } finally {
            LinuxSockets.close(fd);
        }
    }

    private boolean dump(int fd, int family, int states, ProcNetTcpReader.Sink sink) {
        int seq = ++sequence;
        request.clear();
        request.putInt(REQUEST)
                .putShort((short) SOCK_DIAG_BY_FAMILY)
                .putShort(NLM_F_REQUEST_DUMP)
                .putInt(seq)
                .putInt(0)
                .put((byte) family)
                .put((byte) IPPROTO_TCP)
                .put((byte) 0)
                .put((byte) 0)
                .putInt(states);
        while (request.hasRemaining()) {
            request.put((byte) 0); // any socket id
        }
        if (LinuxSockets.send(fd, request.array(), new NativeLong(REQUEST), 0) != REQUEST) {
            return false;
        }
        byte[] buffer = reply.array();
        while (true) {
            long n = LinuxSockets.recv(fd, buffer, new NativeLong(buffer.length), 0);
            if (n <= 0) {
                return false;
            }
            int read = parse((int) n, seq, sink);
            if (read != MORE) {
                return read == DONE;
            }
        }
    }

    /** What one datagram of the dump said: more to come, done, or failed (an error, or a message that lies). */
    static final int MORE = 0;

    static final int DONE = 1;
    static final int FAILED = 2;

    /**
     * Hands on the sockets of the {@code n} bytes received into the reply buffer that answer request {@code seq}.
     * Whatever a message's length says, nothing is read outside those bytes.
     */
    int parse(int n, int seq, ProcNetTcpReader.Sink sink) {
        int at = 0;
        while (n - at >= HEADER) {
            int length = reply.getInt(at);
            int type = reply.getShort(at + 4) & 0xFFFF;
            if (length < HEADER || length > n - at) {
                return FAILED;
            }
            if (reply.getInt(at + 8) == seq) {
                if (type == NLMSG_DONE) {
                    return DONE;
                }
                if (type == NLMSG_ERROR) {
                    return FAILED;
                }
                if (type == SOCK_DIAG_BY_FAMILY && length >= MESSAGE) {
                    socket(at, sink);
                }
            }
            at += Math.min(n - at, (length + 3) & ~3);
        }
        return MORE;
    }

    /** The buffer a datagram is received into, for {@link #parse}. */
    byte[] replyBuffer() {
        return reply.array();
    }

    /** One inet_diag_msg at {@code at} (its netlink header's offset). */
    private void socket(int at, ProcNetTcpReader.Sink sink) {
        int state = reply.get(at + STATE) & 0xFF;
        int uid = reply.getInt(at + UID);
        long inode = reply.getInt(at + INODE) & 0xFFFF_FFFFL;
        if (state == TCP_LISTEN) {
            sink.listener(new Listener(
                    addressHi(at, SRC),
                    addressLo(at, SRC),
                    Short.toUnsignedInt(network.getShort(at + SPORT)),
                    inode,
                    Math.max(0, reply.getInt(at + RQUEUE)),
                    Math.max(0, reply.getInt(at + WQUEUE)),
                    uid,
                    0,
                    Listener.UNKNOWN));
        } else if (state == TCP_SYN_SENT) {
            sink.connecting(new Connecting(
                    addressHi(at, DST),
                    addressLo(at, DST),
                    Short.toUnsignedInt(network.getShort(at + DPORT)),
                    uid,
                    inode,
                    reply.get(at + RETRANS) & 0xFF));
        }
    }

    private boolean isV4(int at) {
        return (reply.get(at + FAMILY) & 0xFF) == AF_INET;
    }

    /** The high 64 bits of the address at {@code field}: 0 for IPv4. */
    private long addressHi(int at, int field) {
        return isV4(at) ? 0 : network.getLong(at + field);
    }

    private long addressLo(int at, int field) {
        return isV4(at) ? Addresses.v4Lo(network.getInt(at + field)) : network.getLong(at + field + 8);
    }
}
