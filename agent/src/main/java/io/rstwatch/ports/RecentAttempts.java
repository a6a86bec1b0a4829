package io.rstwatch.ports;

import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.Fingerprints;

/**
 * Connection attempts answered by an ICMP error lately, so that each is counted once. Linux retransmits a SYN
 * that drew an ICMP unreachable (admin-prohibited, host-unreachable, and port-unreachable from a firewall's
 * REJECT) and fails the connect only after the next answer: two or more ICMP messages quote the same SYN, same
 * addresses, ports and initial sequence number. A direct-mapped table of fingerprints, fixed in size and written
 * without allocation; a collision can at worst count an attempt twice, never lose one.
 */
final class RecentAttempts {
    /** Longer than Linux's SYN retries take (tcp_syn_retries 6: about 127 s). */
    static final long REMEMBER_MILLIS = 180_000;

    private static final int SLOTS = 1 << 14;

    private final long[] fingerprints = new long[SLOTS];
    private final long[] seenAt = new long[SLOTS];

    /** True the first time the quoted attempt in {@code d} is seen within {@link #REMEMBER_MILLIS}. */
    boolean firstAnswer(DecodedPacket d, long nowMillis) {
        long f = fingerprint(d);
        int slot = Fingerprints.slot(f, SLOTS);
        boolean again = fingerprints[slot] == f && nowMillis - seenAt[slot] <= REMEMBER_MILLIS;
        fingerprints[slot] = f;
        seenAt[slot] = nowMillis;
        return !again;
    }

    private static long fingerprint(DecodedPacket d) {
        long h = Fingerprints.attempt(d);
        return h == 0 ? 1 : h; // 0 marks an empty slot
    }
}
