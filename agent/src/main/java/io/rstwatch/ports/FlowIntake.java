package io.rstwatch.ports;

import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.Verdict;
import io.rstwatch.host.HostView;
import io.rstwatch.host.Origin;

/**
 * The one hand-over from a source to the Port: a source gives a {@link FlowRun} of decoded events in one call,
 * and behind it each gets its origin (unless the source knew it), is paired with the packet after it, and is
 * classified and counted. The packet capture feeds it, and so can any source that can say what it saw as a
 * {@link Flow}. Used by the sources' threads: allocates nothing.
 */
public final class FlowIntake {
    private final HostView host;
    private final ResetClassifier classifier;

    FlowIntake(HostView host, ResetClassifier classifier) {
        this.host = host;
        this.classifier = classifier;
    }

    /**
     * Counts the run's flows but a last loopback SYN that the next packet may answer, while packets keep coming
     * (that one is held as the next run's first; see {@link #answersAtOnce}). Call when the run is full and when
     * the source's batch ends, then {@link FlowRun#batchEnded}: a flow is held through one batch at most.
     */
    public void accept(FlowRun run) {
        count(run, run.arrived ? withoutHeld(run) : run.size);
    }

    /**
     * Counts a kernel source's run of {@link SocketEvent}s, each with its origin set ({@link FlowRun#commit(
     * SocketEvent, long, int, long, Origin)}): the kernel matched each to its connection, so nothing is held or
     * paired.
     */
    public void acceptEvents(FlowRun run) {
        Flow[] flows = run.flows;
        for (int i = 0; i < run.size; i++) {
            Flow f = flows[i];
            f.sent = f.origin == Origin.SENT;
            classifier.countEvent(f);
        }
        run.size = 0;
    }

    /** Counts every flow of the run, a held one too: when nothing came for a while. */
    public void flush(FlowRun run) {
        count(run, run.size);
    }

    /**
     * Refusals received from another host that answer no SYN this host sent: counted on the Capture MBean only, so
     * that nobody can fill the Port table or steer the alert by forging them.
     */
    public long unmatchedTotal() {
        return classifier.unmatchedTotal();
    }

    /**
     * Whether {@code next}, the packet seen right after {@code f}, answers it at once: {@code f} a SYN, {@code next}
     * a RST or SYN-ACK acknowledging it, both on the loopback interface, where only this host's own kernel answers
     * and no other host can forge it. Such an attempt is over before any retransmission could come, so a new one
     * is not tracked as in flight: a flood of refused local connects (an application hammering a closed port) no
     * longer pushes the attempts really waiting for an answer out of the table.
     */
    static boolean answersAtOnce(Flow f, Flow next) {
        DecodedPacket d = f.packet;
        DecodedPacket n = next.packet;
        return mayBeAnsweredAtOnce(f)
                && (next.what == Verdict.TCP_RST && n.has(DecodedPacket.ACK) || next.what == Verdict.TCP_SYN_ACK)
                && n.hatype == DecodedPacket.ARPHRD_LOOPBACK
                && n.ack == ((d.seq + 1) & 0xFFFF_FFFFL)
                && n.srcPort == d.dstPort
                && n.dstPort == d.srcPort
                && n.srcHi == d.dstHi
                && n.srcLo == d.dstLo
                && n.dstHi == d.srcHi
                && n.dstLo == d.srcLo;
    }

    /** Whether the packet after this one may answer it at once (see {@link #answersAtOnce}): a loopback SYN. */
    private static boolean mayBeAnsweredAtOnce(Flow f) {
        return f.what == Verdict.TCP_SYN && f.packet.hatype == DecodedPacket.ARPHRD_LOOPBACK;
    }

    /** How many of the run to count now: all but a last flow that the next one may answer. */
    private static int withoutHeld(FlowRun run) {
        return run.size > 0 && mayBeAnsweredAtOnce(run.flows[run.size - 1]) ? run.size - 1 : run.size;
    }

    /**
     * Counts the run's first {@code counted} flows; a flow after them is held as the next run's first. Each
     * flow's look-ups into the attempt table are touched in a tight loop first, then counted in order: under a
     * SYN flood every SYN is a new attempt at a random slot, and touched one after another those cache misses
     * overlap instead of stalling the thread for each (bench/HISTORY.md, issue 14, part 9).
     */
    private void count(FlowRun run, int counted) {
        Flow[] flows = run.flows;
        for (int i = 0; i < counted; i++) {
            Flow f = flows[i];
            f.answeredAtOnce = i + 1 < run.size && answersAtOnce(f, flows[i + 1]);
            classifier.touch(f);
        }
        for (int i = 0; i < counted; i++) {
            Flow f = flows[i];
            Origin origin = f.origin != null ? f.origin : Origin.of(f.what, f.packet, f.ifindex, host);
            if (origin == Origin.SENT || origin == Origin.RECEIVED) {
                f.sent = origin == Origin.SENT;
                classifier.count(f);
            } else if (origin == Origin.SPOOFED) {
                run.countSpoofed();
            } else {
                run.countForwarded();
            }
        }
        if (counted < run.size) {
            run.keepOnly(counted);
        } else {
            run.size = 0;
        }
    }
}
