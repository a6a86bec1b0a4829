package io.rstwatch.capture;

import io.rstwatch.common.EventSink;
import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.LinkHeaders.LinuxSll2;
import io.rstwatch.decode.LinkTypes;
import io.rstwatch.host.HostView;
import io.rstwatch.host.Services;
import io.rstwatch.ports.ClientLookup;
import io.rstwatch.ports.ListenerLookup;
import io.rstwatch.ports.PortRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Frames as the "any" device hands them over (a LINUX_SLL2 header, then an IPv4 packet), and the capture thread's
 * counter that takes them, counting into a port registry of this host's.
 */
final class CapturedFrames {
    static final int ARPHRD_ETHER = 1;

    static final int LOCALHOST = 0x7F000001;

    private static final int LOOPBACK_INDEX = HostView.ofThisHost().interfaceIndex("lo");

    private CapturedFrames() {}

    /** A segment from 127.0.0.1 to 127.0.0.1, on the loopback interface. */
    static byte[] onLoopback(int srcPort, int dstPort, long seq, long ack, int flags) {
        return tcp(
                LOOPBACK_INDEX, DecodedPacket.ARPHRD_LOOPBACK, LOCALHOST, srcPort, LOCALHOST, dstPort, seq, ack, flags);
    }

    /** SLL2 header, IPv4 header, TCP header: a segment without options, received on the interface given. */
    static byte[] tcp(
            int ifindex, int hatype, int src, int srcPort, int dst, int dstPort, long seq, long ack, int flags) {
        ByteBuffer b = ByteBuffer.allocate(LinuxSll2.HEADER_SIZE + 20 + 20);
        b.putShort((short) 0x0800).putShort((short) 0).putInt(ifindex).putShort((short) hatype);
        b.put((byte) DecodedPacket.PACKET_HOST).put((byte) 6).putLong(0);
        b.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) 40)
                .putInt(0)
                .put((byte) 64)
                .put((byte) 6);
        b.putShort((short) 0).putInt(src).putInt(dst);
        b.putShort((short) srcPort).putShort((short) dstPort).putInt((int) seq).putInt((int) ack);
        b.put((byte) 0x50).put((byte) flags).putShort((short) 65535).putInt(0);
        return b.array();
    }

    /** A counter as the capture on "any" has, its packets classified for this host and counted in a new registry. */
    static CaptureSource.BatchCounter counter(EventSink events) {
        HostView host = HostView.ofThisHost();
        PortRegistry ports = new PortRegistry(
                host,
                new PortRegistry.Limits(256, 60, 600, 32),
                ListenerLookup.NONE,
                ClientLookup.NONE,
                Services.read(Path.of("/etc/services")),
                events,
                () -> 0);
        CaptureSource source = new CaptureSource("any", 1 << 20, host, ports.intake(), new DuplicateFilter(false));
        return source.new BatchCounter(LinkTypes.LINUX_SLL2, -1);
    }
}
