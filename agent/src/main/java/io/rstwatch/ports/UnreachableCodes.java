package io.rstwatch.ports;

import io.rstwatch.decode.DecodedPacket;

/**
 * What an ICMP (RFC 792, RFC 1812) or ICMPv6 (RFC 4443) destination-unreachable code means for a connection
 * attempt, in the words an operator acts on: the code's name, and what is behind it.
 */
final class UnreachableCodes {
    private UnreachableCodes() {}

    /** The code's name alone: "admin-prohibited". */
    static String name(int code) {
        String d = describe(code);
        int colon = d.indexOf(':');
        return colon < 0 ? d : d.substring(0, colon);
    }

    /** "admin-prohibited: a firewall rejects it", for a code as {@link DecodedPacket#icmpCode} holds it. */
    static String describe(int code) {
        if (code < 0) {
            return "unreachable";
        }
        if ((code & DecodedPacket.ICMPV6) != 0) {
            switch (code & 0xFF) {
                case 0:
                    return "no-route: no router on the way has a route to that address";
                case 1:
                    return "admin-prohibited: a firewall rejects it";
                case 2:
                    return "beyond-scope: the source address's scope does not reach the destination";
                case 3:
                    return "address-unreachable: the host does not answer neighbour discovery (down, or not there)";
                case 5:
                    return "policy-fail: a firewall rejects the source address";
                case 6:
                    return "reject-route: a route on the way rejects it";
                default:
                    return "ICMPv6 unreachable code " + (code & 0xFF);
            }
        }
        switch (code) {
            case 0:
                return "net-unreachable: no route to that network";
            case 1:
                return "host-unreachable: the host does not answer ARP (down, or not there), or a router cannot reach it";
            case 2:
                return "protocol-unreachable: the host does not speak TCP";
            case 4:
                return "fragmentation-needed: a packet was too big for the path, with DF set";
            case 5:
                return "source-route-failed";
            case 6:
                return "net-unknown: that network is unknown";
            case 7:
                return "host-unknown: that host is unknown";
            case 9:
            case 10:
            case 13:
                return "admin-prohibited: a firewall rejects it";
            case 11:
            case 12:
                return "unreachable for this type of service";
            case 14:
            case 15:
                return "precedence: a router's precedence rules reject it";
            default:
                return "ICMP unreachable code " + code;
        }
    }
}
