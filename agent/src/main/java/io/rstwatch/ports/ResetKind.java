package io.rstwatch.ports;

/**
 * The kinds of failure a captured packet shows: the RFC 793/9293 reset rules, and ICMP destination unreachables
 * (RFC 792, RFC 4443) that answer a connection attempt.
 */
public enum ResetKind {
    /** RST+ACK with seq 0 answering a SYN, or ICMP port unreachable: nothing listens on the port. */
    REFUSED,
    /** RST without ACK: the sender has no such connection (a segment for a connection it does not know). */
    STALE,
    /** RST+ACK with seq != 0: a live connection was torn down (abortive close, SO_LINGER 0, crash, timeout). */
    ABORT,
    /**
     * ICMP/ICMPv6 destination unreachable other than port unreachable, quoting a SYN: no route, no host, or a
     * firewall that rejects (admin-prohibited). Not a reset: counted apart.
     */
    UNREACHABLE,
    /** A SYN sent again: nothing answered it within the retransmission timeout, not even a RST. Not a reset. */
    UNANSWERED;

    /** A connection attempt's failure, counted on the port it was for; its client is the peer. */
    public boolean isAttempt() {
        return this == REFUSED || this == UNREACHABLE || this == UNANSWERED;
    }
}
