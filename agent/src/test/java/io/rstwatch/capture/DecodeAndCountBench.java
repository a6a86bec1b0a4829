package io.rstwatch.capture;

import io.rstwatch.common.EventSink;
import io.rstwatch.decode.LinkTypes;
import io.rstwatch.ports.HostView;
import io.rstwatch.ports.ListenerLookup;
import io.rstwatch.ports.PortRegistry;
import io.rstwatch.ports.Services;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the capture thread does with each packet libpcap hands it — decode, de-duplicate, find its origin,
 * classify and count — in ns per packet, through the same {@link CaptureSource.BatchCounter} the capture uses,
 * on Linux cooked (SLL2) frames like those of the "any" device. Run by {@code bench/decode-and-count}.
 *
 * <ul>
 *   <li>{@code refusal}: the RST a closed loopback port sends, each to another client port.
 *   <li>{@code synFlood}: hping3's flood as captured: a SYN from a random port and ISN (a new attempt at a random
 *       slot of the attempt table), then the RST refusing it, right after it as on the loopback interface.
 *   <li>{@code foreignSyn}: a SYN arriving on an Ethernet interface for an address of another host: decoded,
 *       checked for a copy, then left to the capture's forwarded count.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecodeAndCountBench {
    /** Frames per invocation: a batch as libpcap hands them over under a flood. */
    private static final int BATCH = 1024;
    /** Distinct frames cycled through, so that the attempt table sees as many attempts as a flood brings. */
    private static final int FRAMES = 1 << 16;

    private static final int SLL2 = 20;
    private static final int ARPHRD_ETHER = 1;
    private static final int ARPHRD_LOOPBACK = 772;
    private static final int PACKET_HOST = 0;
    private static final int SYN = 0x02;
    private static final int RST_ACK = 0x14;

    private byte[][] refusals;
    private byte[][] flood;
    private byte[][] foreign;
    private int next;
    private long micros = 1_795_000_000_000_000L;
    private CaptureSource.BatchCounter counter;

    @Setup
    public void setUp() {
        HostView host = HostView.ofThisHost();
        PortRegistry ports = new PortRegistry(
                host,
                new PortRegistry.Limits(256, 60, 600, 32),
                ListenerLookup.NONE,
                Services.read(Path.of("/etc/services")),
                EventSink.NONE);
        CaptureSource source = new CaptureSource("any", 1 << 20, host, ports.classifier(), new DuplicateFilter(false));
        counter = source.new BatchCounter(LinkTypes.LINUX_SLL2, -1);
        SplittableRandom random = new SplittableRandom(7211);
        int lo = host.interfaceIndex("lo");
        refusals = new byte[FRAMES][];
        flood = new byte[FRAMES][];
        foreign = new byte[FRAMES][];
        int client = 0;
        long isn = 0;
        for (int i = 0; i < FRAMES; i++) {
            if (i % 2 == 0) { // the flood's RST answers the SYN before it
                client = 1024 + random.nextInt(64_000);
                isn = random.nextLong() & 0xFFFF_FFFFL;
            }
            refusals[i] = frame(lo, ARPHRD_LOOPBACK, 0x7F000001, 7999, 0x7F000001, client, 0, isn + 1, RST_ACK);
            flood[i] = i % 2 == 0
                    ? frame(lo, ARPHRD_LOOPBACK, 0x7F000001, client, 0x7F000001, 7999, isn, 0, SYN)
                    : frame(lo, ARPHRD_LOOPBACK, 0x7F000001, 7999, 0x7F000001, client, 0, isn + 1, RST_ACK);
            foreign[i] = frame(9999, ARPHRD_ETHER, 0xC6336401, client, 0xC6336402, 443, isn, 0, SYN);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void refusal() {
        batch(refusals);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void synFlood() {
        batch(flood);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void foreignSyn() {
        batch(foreign);
    }

    private void batch(byte[][] frames) {
        for (int i = 0; i < BATCH; i++) {
            byte[] f = frames[next];
            next = (next + 1) & (FRAMES - 1);
            counter.packet(f, f.length, micros += 10);
        }
        counter.endOfBatch();
    }

    /** SLL2 header, IPv4 header, TCP header: what the "any" device hands over for a segment without options. */
    private static byte[] frame(
            int ifindex, int hatype, int src, int srcPort, int dst, int dstPort, long seq, long ack, int flags) {
        ByteBuffer b = ByteBuffer.allocate(SLL2 + 20 + 20);
        b.putShort((short) 0x0800).putShort((short) 0).putInt(ifindex).putShort((short) hatype);
        b.put((byte) PACKET_HOST).put((byte) 6).putLong(0);
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
}
