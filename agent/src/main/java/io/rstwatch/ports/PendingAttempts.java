package io.rstwatch.ports;

import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.Fingerprints;

/**
 * Connection attempts in flight, by their SYN (addresses, ports, initial sequence number), so that an attempt
 * nothing answers is seen: the client's TCP sends the same SYN again after its retransmission timeout (1 s on
 * Linux), and that second SYN is the sign. It is counted once as unanswered; a SYN-ACK that comes later makes
 * it slow and ends its tracking, as does one that comes in time. The SYNs are counted too: the one that is the
 * kernel's last (net.ipv4.tcp_syn_retries times again) marks an attempt the kernel will give up on, one of
 * AttemptFails, unless a SYN-ACK still comes. An ICMP error answers an attempt: SYNs sent again after it are
 * the kernel retrying after a soft error, not unanswered ones. A direct-mapped table of {@link #SLOTS}
 * attempts, written by the capture threads without allocation; an attempt is forgotten after
 * {@link #MAX_AGE_MILLIS}, or when a newer one takes its place (then at worst it goes uncounted).
 */
final class PendingAttempts {
    static final int SLOTS = 1 << 16;
    /** Longer than Linux's SYN retries take (tcp_syn_retries 6: about 127 s). */
    static final long MAX_AGE_MILLIS = 180_000;

    /** What a SYN or SYN-ACK meant, as bits: none of them for a first SYN, or one answered in time. */
    static final int UNANSWERED = 1;
    /** The kernel's last SYN for the attempt: it gives up one timeout later (with {@link #UNANSWERED}: late). */
    static final int LAST = 2;
    /** A SYN-ACK after the attempt went unanswered: slow. */
    static final int SLOW = 4;

    private static final byte NONE = 0;
    private static final byte WAITING = 1;
    private static final byte WENT_UNANSWERED = 2;
    private static final byte ANSWERED_BY_ICMP = 3;

    private final long[] keys = new long[SLOTS];
    private final long[] firstSeen = new long[SLOTS];
    private final byte[] states = new byte[SLOTS];
    /** SYNs seen for the attempt, up to 127. */
    private final byte[] syns = new byte[SLOTS];

    /**
     * A SYN: {@link #UNANSWERED} when it is the first retransmission of an attempt still waiting, {@link #LAST}
     * when it is the {@code synRetries}-th (the kernel's last; both for the first when synRetries is 1).
     */
    int syn(DecodedPacket d, long nowMillis, int synRetries) {
        long key = Fingerprints.mix(Fingerprints.endpoints(d), d.seq);
        int slot = Fingerprints.slot(key, SLOTS);
        if (keys[slot] == key && states[slot] != NONE && nowMillis - firstSeen[slot] <= MAX_AGE_MILLIS) {
            if (states[slot] == ANSWERED_BY_ICMP) {
                return 0;
            }
            if (syns[slot] < Byte.MAX_VALUE) {
                syns[slot]++;
            }
            int meaning = syns[slot] == synRetries + 1 ? LAST : 0;
            if (states[slot] == WAITING) {
                states[slot] = WENT_UNANSWERED;
                meaning |= UNANSWERED;
            }
            return meaning;
        }
        keys[slot] = key;
        firstSeen[slot] = nowMillis;
        states[slot] = WAITING;
        syns[slot] = 1;
        return 0;
    }

    /**
     * A SYN-ACK: {@link #SLOW} when it answers an attempt counted unanswered, with {@link #LAST} when that was
     * after the kernel's last SYN (so it is not given up after all). Its tracking ends either way.
     */
    int synAck(DecodedPacket d, long nowMillis, int synRetries) {
        long key = Fingerprints.mix(Fingerprints.endpointsReversed(d), (d.ack - 1) & 0xFFFF_FFFFL);
        int slot = Fingerprints.slot(key, SLOTS);
        if (keys[slot] != key || states[slot] == NONE) {
            return 0;
        }
        int meaning = 0;
        if (states[slot] == WENT_UNANSWERED && nowMillis - firstSeen[slot] <= MAX_AGE_MILLIS) {
            meaning = SLOW | (syns[slot] >= synRetries + 1 ? LAST : 0);
        }
        states[slot] = NONE;
        return meaning;
    }

    /** An ICMP error quoting the attempt's SYN ({@code d} as the decoder gives the quoted segment) answered it. */
    void answeredByIcmp(DecodedPacket d, long nowMillis) {
        long key = Fingerprints.mix(Fingerprints.endpoints(d), d.seq);
        int slot = Fingerprints.slot(key, SLOTS);
        if (keys[slot] == key && states[slot] != NONE && nowMillis - firstSeen[slot] <= MAX_AGE_MILLIS) {
            states[slot] = ANSWERED_BY_ICMP;
        }
    }
}
