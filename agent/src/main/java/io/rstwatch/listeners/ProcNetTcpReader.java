package io.rstwatch.listeners;

import io.rstwatch.decode.Addresses;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams /proc/net/tcp or tcp6 through one reused buffer and hands on the LISTEN sockets and the SYN_SENT ones
 * (connects waiting for an answer) only. A host with a million connections has a file of 150 MB: it is never held
 * in memory, no line becomes a String, and a refresh allocates per listener or pending connect, not per socket. A line (net/ipv4/tcp_ipv4.c, get_tcp4_sock; tcp6 the same with 32 hex
 * digits of address):
 *
 * <pre>
 *    sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
 *    0: 0100007F:1C2B 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 12345 1 ...
 *   [0] [1]           [2]           [3] [4]              [5]         [6]        [7]      [8] [9]
 * </pre>
 *
 * For a listener, rx_queue is its accept queue; for a connect, retrnsmt is how many times its SYN was sent again.
 * Addresses are 32-bit words in host (little-endian) order. One thread at a time (the listener inventory's
 * refresh).
 */
final class ProcNetTcpReader {
    static final int LOCAL = 1;
    static final int REMOTE = LOCAL + 1;
    static final int STATE = REMOTE + 1;
    static final int QUEUES = STATE + 1;
    static final int TIMER = QUEUES + 1;
    static final int RETRANSMITS = TIMER + 1;
    static final int UID = RETRANSMITS + 1;
    static final int INODE = 9;
    private static final int FIELDS = INODE + 1;
    /** include/net/tcp_states.h: TCP_LISTEN = 10, printed as "0A". */
    private static final byte[] STATE_LISTEN = {'0', 'A'};
    /** TCP_SYN_SENT = 2: a connect whose SYN has no answer yet. */
    private static final byte[] STATE_SYN_SENT = {'0', '2'};

    /** Where the sockets of interest go. */
    interface Sink {
        void listener(Listener l);

        /** A pending connect; a sink that wants listeners only ignores it. */
        default void connecting(Connecting c) {}
    }

    private final byte[] buf;
    private final int[] start = new int[FIELDS];
    private final int[] end = new int[FIELDS];
    /** The address last parsed by {@link #address}. */
    private long addrHi;

    private long addrLo;

    ProcNetTcpReader() {
        this(64 * 1024);
    }

    /** @param bufferBytes the buffer, at least one line long (tests use small ones to split lines) */
    ProcNetTcpReader(int bufferBytes) {
        this.buf = new byte[bufferBytes];
    }

    /**
     * Hands each LISTEN and each SYN_SENT socket of the file to {@code sink}; a line longer than the buffer is
     * skipped.
     */
    void read(Path file, Sink sink) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            read(in, sink);
        }
    }

    /** The same, from a stream of the file's format. */
    void read(InputStream in, Sink sink) throws IOException {
        int filled = 0;
        boolean skipping = false; // inside a line too long for the buffer
        while (true) {
            int n = in.read(buf, filled, buf.length - filled);
            if (n <= 0) {
                if (filled > 0 && !skipping) {
                    line(0, filled, sink); // a last line without its newline
                }
                return;
            }
            int limit = filled + n;
            int lineStart = 0;
            for (int i = filled; i < limit; i++) {
                if (buf[i] == '\n') {
                    if (!skipping) {
                        line(lineStart, i, sink);
                    }
                    skipping = false;
                    lineStart = i + 1;
                }
            }
            filled = limit - lineStart;
            if (filled == buf.length) {
                skipping = true; // no newline in a whole buffer: not a line of this file's format
                filled = 0;
            } else {
                System.arraycopy(buf, lineStart, buf, 0, filled);
            }
        }
    }

    private void line(int from, int to, Sink sink) {
        int fields = 0;
        int i = from;
        while (fields < FIELDS) {
            while (i < to && (buf[i] == ' ' || buf[i] == '\t')) {
                i++;
            }
            if (i == to) {
                return; // too few fields: the header has 12 words but no "0A" state; anything else is not ours
            }
            start[fields] = i;
            while (i < to && buf[i] != ' ' && buf[i] != '\t') {
                i++;
            }
            end[fields++] = i;
        }
        if (isState(STATE_LISTEN)) {
            Listener l = listener();
            if (l != null) {
                sink.listener(l);
            }
        } else if (isState(STATE_SYN_SENT)) {
            Connecting c = connecting();
            if (c != null) {
                sink.connecting(c);
            }
        }
    }

    private boolean isState(byte[] state) {
        return end[STATE] - start[STATE] == 2 && buf[start[STATE]] == state[0] && buf[start[STATE] + 1] == state[1];
    }

    /** The SYN_SENT line's fields, or null when one is not what the kernel writes. */
    private Connecting connecting() {
        int colon = indexOf(':', start[REMOTE], end[REMOTE]);
        if (colon < 0 || !address(start[REMOTE], colon)) {
            return null;
        }
        long port = hex(colon + 1, end[REMOTE]);
        long retransmits = hex(start[RETRANSMITS], end[RETRANSMITS]);
        long inode = decimal(start[INODE], end[INODE]);
        long uid = decimal(start[UID], end[UID]);
        if (port < 0 || port > 0xFFFF || retransmits < 0 || inode < 0 || uid < 0 || uid > 0xFFFF_FFFFL) {
            return null;
        }
        return new Connecting(addrHi, addrLo, (int) port, (int) uid, inode, (int) Math.min(retransmits, 64));
    }

    /** The LISTEN line's fields, or null when one is not what the kernel writes. */
    private Listener listener() {
        int colon = indexOf(':', start[LOCAL], end[LOCAL]);
        int queueColon = indexOf(':', start[QUEUES], end[QUEUES]);
        if (colon < 0 || queueColon < 0) {
            return null;
        }
        long port = hex(colon + 1, end[LOCAL]);
        long queue = hex(queueColon + 1, end[QUEUES]);
        long inode = decimal(start[INODE], end[INODE]);
        long uid = decimal(start[UID], end[UID]);
        if (!address(start[LOCAL], colon)
                || port < 0
                || port > 0xFFFF
                || queue < 0
                || inode < 0
                || uid < 0
                || uid > 0xFFFF_FFFFL) {
            return null;
        }
        // /proc/net/tcp does not show a listener's backlog: 0, not known.
        return new Listener(
                addrHi,
                addrLo,
                (int) port,
                inode,
                (int) Math.min(queue, Integer.MAX_VALUE),
                0,
                (int) uid,
                0,
                Listener.UNKNOWN);
    }

    /** Parses 8 or 32 hex digits of address into {@link #addrHi}/{@link #addrLo}; false when they are not. */
    private boolean address(int from, int to) {
        if (to - from == 8) {
            long w = hex(from, to);
            if (w < 0) {
                return false;
            }
            addrHi = 0;
            addrLo = Addresses.v4Lo(Integer.reverseBytes((int) w));
            return true;
        }
        if (to - from != 32) {
            return false;
        }
        long[] w = new long[4];
        for (int k = 0; k < 4; k++) {
            long word = hex(from + 8 * k, from + 8 * k + 8);
            if (word < 0) {
                return false;
            }
            w[k] = Integer.reverseBytes((int) word) & 0xFFFF_FFFFL;
        }
        addrHi = w[0] << 32 | w[1];
        addrLo = w[2] << 32 | w[3];
        return true;
    }

    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** Up to 15 hex digits, or -1. */
    private long hex(int from, int to) {
        if (from >= to || to - from > 15) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(buf[i], 16);
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    /** Up to 18 decimal digits, or -1. */
    private long decimal(int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }
}
