package io.rstwatch.capture;

import io.rstwatch.common.EventSink;
import io.rstwatch.decode.DecodedPacket;
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

    private byte[][] refusals;
    private byte[][] flood;
    private byte[][] foreign;
    private int next;
    private long micros = 1_795_000_000_000_000L;
    private CaptureSource.BatchCounter counter;

    @Setup
    public void setUp() {
        counter = CapturedFrames.counter(EventSink.NONE);
        SplittableRandom random = new SplittableRandom(7211);
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
            refusals[i] = CapturedFrames.onLoopback(7999, client, 0, isn + 1, DecodedPacket.RST | DecodedPacket.ACK);
            flood[i] = i % 2 == 0
                    ? CapturedFrames.onLoopback(client, 7999, isn, 0, DecodedPacket.SYN)
                    : CapturedFrames.onLoopback(7999, client, 0, isn + 1, DecodedPacket.RST | DecodedPacket.ACK);
            foreign[i] = CapturedFrames.tcp(
                    9999, CapturedFrames.ARPHRD_ETHER, 0xC6336401, client, 0xC6336402, 443, isn, 0, DecodedPacket.SYN);
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
}
