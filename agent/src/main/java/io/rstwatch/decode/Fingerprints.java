package io.rstwatch.decode;

/**
 * 64-bit fingerprints of decoded packets, for the fixed-size tables that recognise a packet or an attempt seen
 * before (copies on a second interface; ICMP errors quoting one SYN) without keeping the packet.
 */
public final class Fingerprints {
    private Fingerprints() {}

    /** The addresses and ports, in their direction. */
    public static long endpoints(DecodedPacket d) {
        long h = 0x9E37_79B9_7F4A_7C15L;
        h = mix(h, d.srcHi);
        h = mix(h, d.srcLo);
        h = mix(h, d.dstHi);
        h = mix(h, d.dstLo);
        return mix(h, (long) d.srcPort << 16 | d.dstPort);
    }

    /** {@code h} with {@code v} mixed in (SplitMix64's finaliser step). */
    public static long mix(long h, long v) {
        h ^= v;
        h *= 0xBF58_476D_1CE4_E5B9L;
        return h ^ h >>> 31;
    }
}
