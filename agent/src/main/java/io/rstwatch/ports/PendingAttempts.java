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
 *
 * <p>A SYN whose answer follows it at once (see {@link ResetClassifier#answersAtOnce}) is over before any
 * retransmission: unless it continues an attempt the table holds, it takes no slot. A flood of refused local
 * connects so leaves the table alone, and a bit per slot says which slots hold anything, so that such a SYN, and a
 * SYN-ACK or ICMP error for an attempt never tracked, is done without reading the table.
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

    private static final int NONE = 0;
    private static final int WAITING = 1;
    private static final int WENT_UNANSWERED = 2;
    private static final int ANSWERED_BY_ICMP = 3;

    /*
     * One long per attempt, so that a SYN costs one cache line, not one per field (under a flood every SYN is a
     * new attempt at a random slot, and a cache miss per field was much of the capture thread's time):
     *
     *  63                              32 31                     9 8           2 1     0
     * +----------------------------------+------------------------+-------------+-------+
     * | key's high half (the slot is      | first seen, in units   | SYNs seen   | state |
     * | most of the low half)             | of 1,024 ms, wrapping  | (up to 127) |       |
     * +----------------------------------+------------------------+-------------+-------+
     */
    private static final int STATE_BITS = 2;
    private static final int SYNS_SHIFT = STATE_BITS;
    private static final int SYNS_BITS = 7;
    private static final int SEEN_SHIFT = SYNS_SHIFT + SYNS_BITS;
    private static final int SEEN_BITS = 32 - SEEN_SHIFT;
    private static final long SEEN_MASK = (1L << SEEN_BITS) - 1;
    /** About one second: the age limit is minutes, and 23 bits of these wrap after 99 days, not 2^23 ms. */
    private static final int SEEN_UNIT_SHIFT = 10;

    private final long[] attempts = new long[SLOTS];
    /**
     * Which slots are not 0, a bit each: 8 KiB, which stays in cache where the table's 512 KiB does not. Written
     * without a lock, like the table: with several capture threads a lost bit at worst loses an attempt.
     */
    private final long[] held = new long[SLOTS / Long.SIZE];
    /** What {@link #touch} read: kept so that the read is not optimised away. */
    private long touched;

    /**
     * A SYN: {@link #UNANSWERED} when it is the first retransmission of an attempt still waiting, {@link #LAST}
     * when it is the {@code synRetries}-th (the kernel's last; both for the first when synRetries is 1).
     * {@code answeredAtOnce}: the next packet answers it, so a new attempt is not tracked.
     */
    int syn(DecodedPacket d, long nowMillis, int synRetries, boolean answeredAtOnce) {
        long key = Fingerprints.attempt(d);
        int slot = Fingerprints.slot(key, SLOTS);
        if (answeredAtOnce && !held(slot)) {
            return 0;
        }
        long entry = attempts[slot];
        int state = live(entry, key, nowMillis);
        if (state == NONE) {
            if (!answeredAtOnce) { // nor does an answered one take another attempt's slot
                put(slot, entry(key, nowMillis, 1, WAITING));
            }
            return 0;
        }
        if (state == ANSWERED_BY_ICMP) {
            return 0;
        }
        int syns = Math.min(Byte.MAX_VALUE, syns(entry) + 1);
        int meaning = syns == synRetries + 1 ? LAST : 0;
        if (state == WAITING) {
            state = WENT_UNANSWERED;
            meaning |= UNANSWERED;
        }
        put(slot, entry & ~0x1FFL | (long) syns << SYNS_SHIFT | state);
        return meaning;
    }

    /**
     * Reads the SYN's slot and nothing else: called for each SYN of a run of packets before any of them is
     * counted, so that the cache misses of a flood's SYNs (each a new attempt at a random slot) overlap instead
     * of stalling the capture thread one after another. Not for a SYN that {@link #syn} will not look up.
     */
    void touch(DecodedPacket d, boolean answeredAtOnce) {
        int slot = Fingerprints.slot(Fingerprints.attempt(d), SLOTS);
        if (!answeredAtOnce || held(slot)) {
            touched ^= attempts[slot];
        }
    }

    /**
     * A SYN-ACK: {@link #SLOW} when it answers an attempt counted unanswered, with {@link #LAST} when that was
     * after the kernel's last SYN (so it is not given up after all). Its tracking ends either way.
     */
    int synAck(DecodedPacket d, long nowMillis, int synRetries) {
        long key = Fingerprints.attemptAnswered(d);
        int slot = Fingerprints.slot(key, SLOTS);
        if (!held(slot)) {
            return 0;
        }
        long entry = attempts[slot];
        if (!sameKey(entry, key) || state(entry) == NONE) {
            return 0;
        }
        put(slot, 0);
        if (live(entry, key, nowMillis) == WENT_UNANSWERED) {
            return SLOW | (syns(entry) >= synRetries + 1 ? LAST : 0);
        }
        return 0;
    }

    /**
     * An ICMP error quoting the attempt's SYN ({@code d} as the decoder gives the quoted segment) answered it.
     * False when no attempt in flight has that SYN: the error answers nothing this host sent.
     */
    boolean answeredByIcmp(DecodedPacket d, long nowMillis) {
        int slot = liveSlot(Fingerprints.attempt(d), nowMillis);
        if (slot < 0) {
            return false;
        }
        put(slot, attempts[slot] & ~0x3L | ANSWERED_BY_ICMP);
        return true;
    }

    /**
     * A reset refusing an attempt: true when it answers one in flight (the SYN's addresses and ports reversed,
     * and ack = its sequence number + 1), whose tracking then ends; false when it answers no SYN this host sent.
     */
    boolean refusedByReset(DecodedPacket d, long nowMillis) {
        int slot = liveSlot(Fingerprints.attemptAnswered(d), nowMillis);
        if (slot < 0) {
            return false;
        }
        put(slot, 0);
        return true;
    }

    /** The slot of attempt {@code key} when the table holds it, in flight; else -1. */
    private int liveSlot(long key, long nowMillis) {
        int slot = Fingerprints.slot(key, SLOTS);
        return held(slot) && live(attempts[slot], key, nowMillis) != NONE ? slot : -1;
    }

    private boolean held(int slot) {
        return (held[slot >>> 6] & 1L << slot) != 0; // a shift by slot takes its low six bits
    }

    private void put(int slot, long entry) {
        attempts[slot] = entry;
        if (entry == 0) {
            held[slot >>> 6] &= ~(1L << slot);
        } else {
            held[slot >>> 6] |= 1L << slot;
        }
    }

    /** The state of the attempt in {@code entry} if it is {@code key}'s and not too old, else NONE. */
    private static int live(long entry, long key, long nowMillis) {
        if (!sameKey(entry, key)) {
            return NONE;
        }
        long age = ((nowMillis >>> SEEN_UNIT_SHIFT) - (entry >>> SEEN_SHIFT & SEEN_MASK)) & SEEN_MASK;
        return age << SEEN_UNIT_SHIFT <= MAX_AGE_MILLIS ? state(entry) : NONE;
    }

    private static boolean sameKey(long entry, long key) {
        return (entry ^ key) >>> 32 == 0;
    }

    private static int state(long entry) {
        return (int) entry & 0x3;
    }

    private static int syns(long entry) {
        return (int) (entry >>> SYNS_SHIFT) & 0x7F;
    }

    private static long entry(long key, long nowMillis, int syns, int state) {
        long seen = nowMillis >>> SEEN_UNIT_SHIFT & SEEN_MASK;
        return key & 0xFFFF_FFFF_0000_0000L | seen << SEEN_SHIFT | (long) syns << SYNS_SHIFT | state;
    }
}
