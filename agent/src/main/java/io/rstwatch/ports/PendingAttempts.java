package io.rstwatch.ports;

import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.Fingerprints;

/**
 * Connection attempts in flight, by their SYN (addresses, ports, initial sequence number), so that an attempt
 * nothing answers is seen: the client's TCP sends the same SYN again after its retransmission timeout (1 s on
 * Linux), and that second SYN is the sign. It is counted once as unanswered; a SYN-ACK that comes later makes
 * it slow and ends its tracking, as does one that comes in time. A direct-mapped table of {@link #SLOTS}
 * attempts, written by the capture threads without allocation; an attempt is forgotten after
 * {@link #MAX_AGE_MILLIS}, or when a newer one takes its place (then at worst it goes uncounted).
 */
final class PendingAttempts {
    static final int SLOTS = 1 << 16;
    /** Longer than Linux's SYN retries take (tcp_syn_retries 6: about 127 s). */
    static final long MAX_AGE_MILLIS = 180_000;

    private static final byte NONE = 0;
    private static final byte WAITING = 1;
    private static final byte UNANSWERED = 2;

    private final long[] keys = new long[SLOTS];
    private final long[] firstSeen = new long[SLOTS];
    private final byte[] states = new byte[SLOTS];

    /** A SYN: true when it is the first retransmission of an attempt still waiting, to be counted unanswered. */
    boolean syn(DecodedPacket d, long nowMillis) {
        long key = Fingerprints.mix(Fingerprints.endpoints(d), d.seq);
        int slot = Fingerprints.slot(key, SLOTS);
        if (keys[slot] == key && states[slot] != NONE && nowMillis - firstSeen[slot] <= MAX_AGE_MILLIS) {
            if (states[slot] == WAITING) {
                states[slot] = UNANSWERED;
                return true;
            }
            return false; // a later retransmission of an attempt counted already
        }
        keys[slot] = key;
        firstSeen[slot] = nowMillis;
        states[slot] = WAITING;
        return false;
    }

    /** A SYN-ACK: true when it answers an attempt counted unanswered (it is slow). Its tracking ends either way. */
    boolean synAck(DecodedPacket d, long nowMillis) {
        long key = Fingerprints.mix(Fingerprints.endpointsReversed(d), (d.ack - 1) & 0xFFFF_FFFFL);
        int slot = Fingerprints.slot(key, SLOTS);
        if (keys[slot] != key || states[slot] == NONE) {
            return false;
        }
        boolean slow = states[slot] == UNANSWERED && nowMillis - firstSeen[slot] <= MAX_AGE_MILLIS;
        states[slot] = NONE;
        return slow;
    }
}
