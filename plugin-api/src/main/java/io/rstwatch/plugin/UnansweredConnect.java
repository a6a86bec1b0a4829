package io.rstwatch.plugin;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * A connection attempt that nothing answered, not even with a RST: its client sent the same SYN again after the
 * retransmission timeout (a firewall that drops, a host that is gone, a full accept queue). Seen on the wire,
 * whichever process made the attempt; once per attempt, when its first retransmission is captured. Since API
 * version 2.
 *
 * @param time when the retransmitted SYN was captured
 * @param scope whether the port it was for is on this host
 * @param service the address and port the attempt was for
 * @param client the address and port that tried to connect
 * @param interfaceName the interface it was captured on, such as "lo" or "eth0"; "any" when unknown
 * @param fromThisHost true when this host sent the SYN (the client is here)
 */
public record UnansweredConnect(
        Instant time,
        Scope scope,
        InetSocketAddress service,
        InetSocketAddress client,
        String interfaceName,
        boolean fromThisHost)
        implements RstwatchEvent {}
