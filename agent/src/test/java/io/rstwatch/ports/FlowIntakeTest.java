package io.rstwatch.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import io.rstwatch.common.EventSink;
import io.rstwatch.decode.Addresses;
import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.Verdict;
import io.rstwatch.host.HostView;
import io.rstwatch.host.Origin;
import io.rstwatch.host.Services;
import io.rstwatch.plugin.Scope;
import io.rstwatch.ports.PortStats.Counter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one hand-over from a source to the Port: a run of flows in one call, their origin judged behind it unless
 * the source knew it, and nothing allocated per flow.
 */
class FlowIntakeTest {
    private static final long LOOPBACK = Addresses.v4Lo(0x7F000001);
    private static final long CLIENT = Addresses.v4Lo(0xC6336402); // 198.51.100.2: another host

    private PortRegistry registry;
    private FlowIntake intake;

    @BeforeEach
    void registry(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("sys/net/ipv4"));
        Files.writeString(proc.resolve("sys/net/ipv4/ip_local_port_range"), "32768\t60999\n");
        HostView host = new HostView(proc);
        host.refresh();
        registry = new PortRegistry(
                host,
                new PortRegistry.Limits(64, 60, 600, 0),
                ListenerLookup.NONE,
                ClientLookup.NONE,
                Services.read(proc.resolve("no-services")),
                EventSink.NONE,
                () -> 0);
        intake = registry.intake();
    }

    /** Fills the run's next flow with a RST+ACK, seq 0, from 127.0.0.1:port to peer:40000, as decoded. */
    private static void refusal(FlowRun run, int port, long peer, int hatype, Origin origin) {
        DecodedPacket d = run.slot().packet;
        d.srcHi = 0;
        d.srcLo = LOOPBACK;
        d.srcPort = port;
        d.dstHi = 0;
        d.dstLo = peer;
        d.dstPort = 40000;
        d.tcpFlags = DecodedPacket.RST | DecodedPacket.ACK;
        d.seq = 0;
        d.hatype = hatype;
        run.commit(Verdict.TCP_RST, -1, 1_795_000_000_000L, origin);
    }

    private PortStats port(int port) {
        return registry.table().find(Scope.LOCAL, port);
    }

    @Test
    void aSourceThatKnowsTheOriginFeedsTheSameCallAsThePacketCapture() {
        FlowRun run = new FlowRun();
        // As the capture hands it over: the link layer says loopback, so the intake judges it sent by this host.
        refusal(run, 7211, LOOPBACK, DecodedPacket.ARPHRD_LOOPBACK, null);
        // As a kernel source would: no link-layer facts, but it knows this host sent the reset.
        refusal(run, 7212, LOOPBACK, -1, Origin.SENT);
        intake.accept(run);
        run.batchEnded();
        assertEquals(1, port(7211).total(Counter.REFUSED));
        assertEquals(1, port(7212).total(Counter.REFUSED));
        assertTrue(!run.holding(), "a RST is never held");
    }

    @Test
    void packetsThatAreNotThisHostsAreCountedOnTheRunAndNeverReachAPort() {
        FlowRun run = new FlowRun();
        // Off the loopback interface, from 127.0.0.1: Linux never routes that, so somebody forged it.
        refusal(run, 7211, CLIENT, 1, null);
        intake.flush(run);
        assertEquals(1, run.spoofed());
        assertNull(port(7211));
    }

    @Test
    void aLoopbackSynThatEndsTheRunWaitsForItsAnswer() {
        FlowRun run = new FlowRun();
        DecodedPacket syn = run.slot().packet;
        syn.srcLo = LOOPBACK;
        syn.srcPort = 41838;
        syn.dstLo = LOOPBACK;
        syn.dstPort = 7211;
        syn.tcpFlags = DecodedPacket.SYN;
        syn.seq = 99;
        syn.hatype = DecodedPacket.ARPHRD_LOOPBACK;
        run.commit(Verdict.TCP_SYN, 1, 1_795_000_000_000L, null);
        intake.accept(run);
        assertTrue(run.holding(), "its answer may come in the next run");
        run.batchEnded();
        intake.accept(run); // a batch that brought nothing: held no longer
        assertTrue(!run.holding());
    }

    @Test
    void aFloodOfFlowsAllocatesNothing() {
        FlowRun run = new FlowRun();
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        feed(run, 100_000); // the port entry, its peers and the JIT's first compilations
        long before = threads.getThreadAllocatedBytes(id);
        feed(run, 1_000_000);
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertEquals(1_100_000, port(7211).total(Counter.REFUSED));
        // A few objects may come from the JIT's deoptimisations, never one per flow.
        assertTrue(allocated < 64 * 1024, allocated + " bytes for a million flows");
    }

    private void feed(FlowRun run, int flows) {
        for (int i = 0; i < flows; i++) {
            refusal(run, 7211, LOOPBACK, DecodedPacket.ARPHRD_LOOPBACK, null);
            if (run.full()) {
                intake.accept(run);
            }
        }
        intake.flush(run);
    }
}
