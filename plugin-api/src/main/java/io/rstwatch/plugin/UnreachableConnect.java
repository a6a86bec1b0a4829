package io.rstwatch.plugin;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * A connection attempt answered by an ICMP or ICMPv6 destination unreachable other than port unreachable: no
 * route, no host, or a firewall that rejects it. Seen on the wire, whichever process made the attempt; once per
 * attempt. Since API version 2.
 *
 * @param time when the ICMP error was captured
 * @param scope whether the port it was for is on this host
 * @param service the address and port the attempt was for
 * @param client the address and port that tried to connect
 * @param interfaceName the interface it was captured on, such as "lo" or "eth0"; "any" when unknown
 * @param reason the ICMP code's name, such as "admin-prohibited", "host-unreachable" or "no-route"
 * @param sentByThisHost true when this host sent the ICMP error (its own firewall or routing)
 */
public record UnreachableConnect(
        Instant time,
        Scope scope,
        InetSocketAddress service,
        InetSocketAddress client,
        String interfaceName,
        String reason,
        boolean sentByThisHost)
        implements RstwatchEvent {}
