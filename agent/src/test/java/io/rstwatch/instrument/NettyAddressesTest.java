package io.rstwatch.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The endpoint at the end of Netty's connect exception messages, literals only. */
class NettyAddressesTest {
    @Test
    void theAddressLiteralAndPortAtTheEndAreTheEndpoint() {
        InetSocketAddress a =
                NettyAddresses.endpointAtEnd("finishConnect(..) failed: Connection refused: localhost/127.0.0.1:7211");
        assertEquals("127.0.0.1", a.getAddress().getHostAddress());
        assertEquals("localhost", a.getHostString());
        assertEquals(7211, a.getPort());
        InetSocketAddress b = NettyAddresses.endpointAtEnd("connect(..) failed: Connection refused: /127.0.0.1:80");
        assertEquals("127.0.0.1", b.getHostString());
        InetSocketAddress v6 = NettyAddresses.endpointAtEnd(
                "finishConnect(..) failed: Connection refused: localhost/[0:0:0:0:0:0:0:1]:7211");
        assertEquals("0:0:0:0:0:0:0:1", v6.getAddress().getHostAddress());
        assertEquals(7211, v6.getPort());
        InetSocketAddress oldJdk = NettyAddresses.endpointAtEnd("null: /0:0:0:0:0:0:0:1:5432");
        assertEquals(5432, oldJdk.getPort());
        InetSocketAddress timeout =
                NettyAddresses.endpointAtEnd("connection timed out after 2000 ms: db.example/10.0.3.7:5432");
        assertEquals("db.example", timeout.getHostString());
    }

    @Test
    void anythingElseIsNoEndpointAndNeverAQueryForAName() {
        assertNull(NettyAddresses.endpointAtEnd("connect(..) failed: Connection refused"));
        assertNull(NettyAddresses.endpointAtEnd("Connection refused: db.example:5432"), "unresolved: no literal");
        assertNull(NettyAddresses.endpointAtEnd("x: /127.0.0.1:99999"));
        assertNull(NettyAddresses.endpointAtEnd("x: /127.0.0.1:port"));
        assertNull(NettyAddresses.endpointAtEnd(""));
    }
}
