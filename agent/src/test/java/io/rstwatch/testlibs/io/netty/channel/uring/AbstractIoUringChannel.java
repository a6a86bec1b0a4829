package io.rstwatch.testlibs.io.netty.channel.uring;

import java.net.SocketAddress;

/** Named and shaped as Netty's io_uring channel is, where it matters to the agent: its socket and the address. */
public class AbstractIoUringChannel {
    final Object socket;
    private final SocketAddress requestedRemoteAddress;

    public AbstractIoUringChannel(Object socket, SocketAddress requestedRemoteAddress) {
        this.socket = socket;
        this.requestedRemoteAddress = requestedRemoteAddress;
    }
}
