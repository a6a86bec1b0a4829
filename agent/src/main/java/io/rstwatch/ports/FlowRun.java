package io.rstwatch.ports;

import io.rstwatch.decode.Verdict;
import io.rstwatch.host.Origin;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A source's run of {@link Flow}s, reused for as long as the source lives: it fills {@link #slot()}, then
 * {@link #commit} makes it part of the run, and {@link FlowIntake#accept} counts the run when it is
 * {@link #full()} or the source's batch ends. One per source thread, never shared.
 *
 * <p>It keeps what pairing needs across hand-overs: a loopback SYN that ends a run is held until the packet after
 * it is seen (a run shows which SYN the next packet answers at once, which then needs no tracking), and it counts
 * what the intake left to the source: packets that were neither this host's sent nor received ones.
 */
public final class FlowRun {
    /** Flows per run: enough that their table look-ups overlap in memory when touched in a loop. */
    public static final int SIZE = 32;

    final Flow[] flows = new Flow[SIZE];
    int size;
    /** Whether a flow was committed since the last batch ended: a flow is held through one batch at most. */
    boolean arrived;

    private final AtomicLong spoofed = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();

    public FlowRun() {
        for (int i = 0; i < SIZE; i++) {
            flows[i] = new Flow();
        }
    }

    /** The flow to fill next: it joins the run only when committed. */
    public Flow slot() {
        return flows[size];
    }

    /** Makes the filled {@link #slot()} part of the run. */
    public void commit(Verdict what, int ifindex, long millis, Origin origin) {
        flows[size].set(what, ifindex, millis, origin);
        size++;
        arrived = true;
    }

    /**
     * Makes the filled {@link #slot()} part of the run, as {@code count} events alike that a kernel source saw (see
     * {@link Flow#event}).
     */
    public void commit(SocketEvent event, long count, int ifindex, long millis, Origin origin) {
        Flow f = flows[size];
        if (f.event != event) { // as in Flow.set: only a change is stored
            f.event = event;
        }
        f.count = count;
        f.set(Verdict.IGNORED, ifindex, millis, origin);
        size++;
        arrived = true;
    }

    /** Whether the run must be handed over before the next commit. */
    public boolean full() {
        return size == SIZE;
    }

    /** Whether a flow waits for the one after it. */
    public boolean holding() {
        return size > 0;
    }

    /** The source's batch ended: a flow still held now is counted at the next hand-over, whatever comes. */
    public void batchEnded() {
        arrived = false;
    }

    /** Packets from outside claiming this host's or a loopback address: counted here, not classified. */
    public long spoofed() {
        return spoofed.get();
    }

    /** Packets neither from nor for this host (routed, bridged, seen in passing): counted here, not classified. */
    public long forwarded() {
        return forwarded.get();
    }

    void countSpoofed() {
        spoofed.lazySet(spoofed.get() + 1); // one writer, the source's thread: no locked add
    }

    void countForwarded() {
        forwarded.lazySet(forwarded.get() + 1);
    }

    /** Moves the flow at {@code at} to the front, as the next run's first; the run is that one flow. */
    void keepOnly(int at) {
        Flow held = flows[at];
        flows[at] = flows[0];
        flows[0] = held;
        size = 1;
    }
}
