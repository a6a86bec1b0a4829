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

    /**
     * Low 24 bits of a slot's second long: the interface index + 1 (0: not known); above them the time in µs,
     * whose top bits fall off: only differences of up to days are ever compared.
     */
    private static final int IFINDEX_BITS = 24;

    private static final long IFINDEX_MASK = (1L << IFINDEX_BITS) - 1;

    /** Per slot, side by side so that a packet costs one cache line: the fingerprint, then time and interface. */
    private final long[] slots = new long[2 * SLOTS];

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
        int i = 2 * Fingerprints.slot(key, SLOTS);
        long seen = slots[i + 1];
        long interfaceTag = (ifindex + 1) & IFINDEX_MASK; // -1, not known, is 0
        boolean duplicate = slots[i] == key
                && ((seen & IFINDEX_MASK) != interfaceTag || interfaceTag == 0)
                && Math.abs((timestampMicros << IFINDEX_BITS) - (seen & ~IFINDEX_MASK) >> IFINDEX_BITS)
                        <= WINDOW_MICROS;
        if (!duplicate) {
            slots[i] = key;
            slots[i + 1] = timestampMicros << IFINDEX_BITS | interfaceTag;
        }
        return duplicate;
    }

    private static long hash(DecodedPacket d) {
        return Fingerprints.mix(Fingerprints.mix(Fingerprints.endpoints(d), d.seq << 32 | d.ack), d.tcpFlags);
    }
}
