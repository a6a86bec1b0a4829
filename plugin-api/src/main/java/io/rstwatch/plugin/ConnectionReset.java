package io.rstwatch.plugin;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * A reset of a connection other than a refusal, seen on the wire.
 *
 * @param time when the reset was captured
 * @param scope whether the service port is on this host
 * @param kind what sort of reset
 * @param service the service side (a listening port, or the side outside the ephemeral range)
 * @param peer the other side
 * @param interfaceName the interface it was captured on; "any" when unknown
 * @param sentByThisHost true when this host sent the reset
 */
public record ConnectionReset(
        Instant time,
        Scope scope,
        Kind kind,
        InetSocketAddress service,
        InetSocketAddress peer,
        String interfaceName,
        boolean sentByThisHost)
        implements RstwatchEvent {

    /** The two sorts of reset besides a refusal (RFC 9293, section 3.5.2). */
    public enum Kind {
        /** RST without ACK: the answer to a segment for a connection the sender no longer knows. */
        STALE,
        /** RST+ACK with a non-zero sequence number: an established connection aborted. */
        ABORT
    }
}
