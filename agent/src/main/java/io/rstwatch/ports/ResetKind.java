package io.rstwatch.ports;

/** The kinds of failure told apart by the RFC 793/9293 reset rules. */
public enum ResetKind {
    /** RST+ACK with seq 0 answering a SYN, or ICMP port unreachable: nothing listens on the port. */
    REFUSED,
    /** RST without ACK: the sender has no such connection (a segment for a connection it does not know). */
    STALE,
    /** RST+ACK with seq != 0: a live connection was torn down (abortive close, SO_LINGER 0, crash, timeout). */
    ABORT
}
