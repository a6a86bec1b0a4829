package io.rstwatch.instrument;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Reads the endpoint that Netty writes at the end of a connect exception's message:
 * {@code "finishConnect(..) failed: Connection refused: localhost/127.0.0.1:7211"}, the remote address's
 * {@code InetSocketAddress.toString()}. Only an address literal is taken, and never looked up: this runs on the
 * application's event loop, where a DNS query would stall it.
 */
final class NettyAddresses {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[\\w.-]+)?");

    private NettyAddresses() {}

    /** The endpoint after the message's last ": ", or null when that is no address literal with a port. */
    static InetSocketAddress endpointAtEnd(String message) {
        int at = message.lastIndexOf(": ");
        String address = at < 0 ? message : message.substring(at + 2);
        int slash = address.indexOf('/');
        String host = slash > 0 ? address.substring(0, slash) : null;
        String rest = address.substring(slash + 1);
        int colon = rest.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        int port;
        try {
            port = Integer.parseInt(rest.substring(colon + 1).strip());
        } catch (NumberFormatException e) {
            return null;
        }
        String literal = rest.substring(0, colon);
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        boolean v4 = IPV4.matcher(literal).matches();
        if (port < 0
                || port > 65535
                || !(v4 || (literal.indexOf(':') >= 0 && IPV6.matcher(literal).matches()))) {
            return null;
        }
        try {
            // A literal: getByName parses it and asks no resolver.
            InetAddress ip = InetAddress.getByName(v4 ? literal : "[" + literal + "]");
            return new InetSocketAddress(
                    host == null || host.isEmpty() ? ip : InetAddress.getByAddress(host, ip.getAddress()), port);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }
}
