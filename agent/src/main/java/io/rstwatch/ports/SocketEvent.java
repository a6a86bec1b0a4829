package io.rstwatch.ports;

/**
 * What a kernel source saw happen to a socket, already matched to its connection by the kernel: no packet to pair
 * with another, and none that anybody outside could forge. Oriented as the packet it stands for: an attempt's
 * event as its SYN (the client first), a reset's as the reset (its sender first).
 */
public enum SocketEvent {
    /** A connect answered by a reset or an ICMP port unreachable. */
    REFUSED,
    /** A connect answered by an ICMP destination unreachable other than port unreachable. */
    UNREACHABLE,
    /** A connect whose SYN went again: nothing answered it in time. Each attempt once. */
    UNANSWERED,
    /** A connect the kernel gave up (ETIMEDOUT): one of AttemptFails. */
    GIVEN_UP,
    /** A connect whose SYN went again, answered after all. */
    SLOW,
    /** A reset answering a segment of no connection (no ACK on the reset). */
    STALE,
    /** A reset tearing a live connection down. */
    ABORT
}
