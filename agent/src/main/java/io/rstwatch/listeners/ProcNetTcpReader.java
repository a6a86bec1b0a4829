package io.rstwatch.listeners;

import io.rstwatch.decode.Addresses;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Streams /proc/net/tcp or tcp6 through one reused buffer and hands on the LISTEN sockets only. A host with a
 * million connections has a file of 150 MB: it is never held in memory, no line becomes a String, and a refresh
 * allocates per listener, not per socket. A line (net/ipv4/tcp_ipv4.c, get_tcp4_sock; tcp6 the same with 32 hex
 * digits of address):
 *
 * <pre>
 *    sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
 *    0: 0100007F:1C2B 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 12345 1 ...
 *   [0] [1]           [2]           [3] [4]              [5]         [6]        [7]      [8] [9]
 * </pre>
 *
 * For a listener, rx_queue is its accept queue. Addresses are 32-bit words in host (little-endian) order.
 * One thread at a time (the listener inventory's refresh).
 */
final class ProcNetTcpReader {
    static final int LOCAL = 1;
    static final int STATE = 3;
    static final int QUEUES = 4;
    static final int UID = 7;
    static final int INODE = 9;
    private static final int FIELDS = INODE + 1;
    /** include/net/tcp_states.h: TCP_LISTEN = 10, printed as "0A". */
    private static final byte[] STATE_LISTEN = {'0', 'A'};

    private final byte[] buf;
    private final int[] start = new int[FIELDS];
    private final int[] end = new int[FIELDS];

    ProcNetTcpReader() {
        this(64 * 1024);
    }

    /** @param bufferBytes the buffer, at least one line long (tests use small ones to split lines) */
    ProcNetTcpReader(int bufferBytes) {
        this.buf = new byte[bufferBytes];
    }

    /** Hands each LISTEN socket of the file to {@code sink}; a line longer than the buffer is skipped. */
    void listeners(Path file, Consumer<Listener> sink) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
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
    }

    private void line(int from, int to, Consumer<Listener> sink) {
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
        if (end[STATE] - start[STATE] != 2
                || buf[start[STATE]] != STATE_LISTEN[0]
                || buf[start[STATE] + 1] != STATE_LISTEN[1]) {
            return;
        }
        Listener l = listener();
        if (l != null) {
            sink.accept(l);
        }
    }

    /** The LISTEN line's fields, or null when one is not what the kernel writes. */
    private Listener listener() {
        int colon = indexOf(':', start[LOCAL], end[LOCAL]);
        int queueColon = indexOf(':', start[QUEUES], end[QUEUES]);
        if (colon < 0 || queueColon < 0) {
            return null;
        }
        int digits = colon - start[LOCAL];
        long port = hex(colon + 1, end[LOCAL]);
        long queue = hex(queueColon + 1, end[QUEUES]);
        long inode = decimal(start[INODE], end[INODE]);
        long uid = decimal(start[UID], end[UID]);
        if (port < 0 || port > 0xFFFF || queue < 0 || inode < 0 || uid < 0 || uid > 0xFFFF_FFFFL) {
            return null;
        }
        long hi;
        long lo;
        int a = start[LOCAL];
        if (digits == 8) {
            long w = hex(a, a + 8);
            if (w < 0) {
                return null;
            }
            hi = 0;
            lo = Addresses.v4Lo(Integer.reverseBytes((int) w));
        } else if (digits == 32) {
            long[] w = new long[4];
            for (int k = 0; k < 4; k++) {
                long word = hex(a + 8 * k, a + 8 * k + 8);
                if (word < 0) {
                    return null;
                }
                w[k] = Integer.reverseBytes((int) word) & 0xFFFF_FFFFL;
            }
            hi = w[0] << 32 | w[1];
            lo = w[2] << 32 | w[3];
        } else {
            return null;
        }
        return new Listener(
                hi, lo, (int) port, inode, (int) Math.min(queue, Integer.MAX_VALUE), (int) uid, 0, Listener.UNKNOWN);
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
