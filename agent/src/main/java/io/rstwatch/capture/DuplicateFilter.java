package io.rstwatch.capture;

import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.Fingerprints;

/**
 * On Linux's "any" device a packet that crosses a bridge or a veth pair is seen once per interface. The same
 * segment (addresses, ports, seq, ack, flags) seen on a different interface within a few milliseconds is that
 * packet again and is not counted twice; the same segment twice on one interface is two packets. Without an
 * interface index (libpcap before 1.10 has no LINUX_SLL2, as on RHEL 8 and Ubuntu 20.04: ifindex -1), the same
 * segment within the window is taken for a copy: a host does not send one RST twice in 20 ms (a client that tries
 * again has a new port or sequence number), so a copy is far likelier than a second packet. A fixed-size table:
 * nothing grows with traffic.
 */
final class DuplicateFilter {
    private static final int SLOTS = 4096;
    private static final long WINDOW_MICROS = 20_000;

    private final long[] keys = new long[SLOTS];
    private final long[] times = new long[SLOTS];
    private final int[] ifindexes = new int[SLOTS];
    private final boolean shared;

    /** @param shared whether several capture threads use this filter */
    DuplicateFilter(boolean shared) {
        this.shared = shared;
    }

    /** True when this packet is a copy of one already counted. */
    boolean isDuplicate(DecodedPacket d, int ifindex, long timestampMicros) {
        if (shared) {
            synchronized (this) {
                return check(d, ifindex, timestampMicros);
            }
        }
        return check(d, ifindex, timestampMicros);
    }

    private boolean check(DecodedPacket d, int ifindex, long timestampMicros) {
        long key = hash(d);
        int slot = Fingerprints.slot(key, SLOTS);
        boolean duplicate = keys[slot] == key
                && (ifindexes[slot] != ifindex || ifindex < 0)
                && Math.abs(timestampMicros - times[slot]) <= WINDOW_MICROS;
        if (!duplicate) {
            keys[slot] = key;
            times[slot] = timestampMicros;
            ifindexes[slot] = ifindex;
        }
        return duplicate;
    }

    private static long hash(DecodedPacket d) {
        return Fingerprints.mix(Fingerprints.mix(Fingerprints.endpoints(d), d.seq << 32 | d.ack), d.tcpFlags);
    }
}
