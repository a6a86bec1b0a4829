package io.rstwatch.plugin;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * A connection attempt refused: a RST+ACK with sequence number 0 answering a SYN, or an ICMP port unreachable
 * quoting one. Seen on the wire, whichever process made the attempt.
 *
 * @param time when the refusal was captured
 * @param scope whether the refusing port is on this host
 * @param service the refused address and port
 * @param client the address and port that tried to connect
 * @param interfaceName the interface it was captured on, such as "lo" or "eth0"; "any" when unknown
 * @param refusedByThisHost true when this host sent the refusal
 */
public record RefusedConnection(
        Instant time,
        Scope scope,
        InetSocketAddress service,
        InetSocketAddress client,
        String interfaceName,
        boolean refusedByThisHost)
        implements RstwatchEvent {}
