package io.rstwatch.decode;

/**
 * 64-bit fingerprints of decoded packets, for the fixed-size tables that recognise a packet or an attempt seen
 * before (copies on a second interface; ICMP errors quoting one SYN) without keeping the packet.
 */
public final class Fingerprints {
    private Fingerprints() {}

    /** The addresses and ports, in their direction. */
    public static long endpoints(DecodedPacket d) {
        return of(d.srcHi, d.srcLo, d.dstHi, d.dstLo, d.srcPort, d.dstPort);
    }

    /** The addresses and ports of the other direction: a reply's fingerprint equals its request's. */
    public static long endpointsReversed(DecodedPacket d) {
        return of(d.dstHi, d.dstLo, d.srcHi, d.srcLo, d.dstPort, d.srcPort);
    }

    /**
     * The connection attempt a SYN starts: its addresses, ports and initial sequence number. The same for each
     * retransmission of it, and for the SYN an ICMP error quotes.
     */
    public static long attempt(DecodedPacket d) {
        return mix(endpoints(d), d.seq);
    }

    /** The attempt a SYN-ACK answers: {@link #attempt} of the SYN it acknowledges. */
    public static long attemptAnswered(DecodedPacket d) {
        return mix(endpointsReversed(d), (d.ack - 1) & 0xFFFF_FFFFL);
    }

    private static long of(long fromHi, long fromLo, long toHi, long toLo, int fromPort, int toPort) {
        long h = mix(mix(mix(mix(0x9E37_79B9_7F4A_7C15L, fromHi), fromLo), toHi), toLo);
        return mix(h, (long) fromPort << 16 | toPort);
    }

    /** The slot of a fingerprint in a direct-mapped table of {@code slots} (a power of two). */
    public static int slot(long fingerprint, int slots) {
        return (int) (fingerprint ^ fingerprint >>> 32) & (slots - 1);
    }

    /** {@code h} with {@code v} mixed in (SplitMix64's finaliser step). */
    public static long mix(long h, long v) {
        h ^= v;
        h *= 0xBF58_476D_1CE4_E5B9L;
        return h ^ h >>> 31;
    }
}
