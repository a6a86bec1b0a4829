package io.rstwatch.capture;

import io.rstwatch.common.DaemonThreads;
import io.rstwatch.decode.Addresses;
import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.ebpf.KernelEvents;
import io.rstwatch.host.HostView;
import io.rstwatch.host.Origin;
import io.rstwatch.ports.FlowIntake;
import io.rstwatch.ports.FlowRun;
import io.rstwatch.ports.SocketEvent;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-kernel source: {@link KernelEvents}' ring read by its own daemon thread, each event handed to the Port
 * as a {@link SocketEvent} through the same intake as the packets. The programs live as long as this JVM's
 * descriptors to them.
 */
final class KernelSource implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelSource.class);
    /** Events handed over at most per drain, so that a flood cannot keep the thread from the rest. */
    private static final int MAX_DRAIN = 64 * FlowRun.SIZE;
    /** Between drains that found events: a burst is taken in batches, not one wake-up an event. */
    private static final long BATCH_MILLIS = 5;

    private static final int WAIT_MILLIS = 100;
    /** How often the kernel's own counts are read: a flood's events beyond the ring's budget. */
    private static final long COUNTS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final int ENETUNREACH = 101;
    private static final int EACCES = 13;
    private static final int EHOSTDOWN = 112;
    private static final int ENONET = 64;

    private final KernelEvents events;
    private final HostView host;
    private final FlowIntake intake;
    private final FlowRun run = new FlowRun();
    private final AtomicLong read = new AtomicLong();
    private final int loopback;
    private volatile long lost;
    private volatile String problem;

    KernelSource(KernelEvents events, HostView host, FlowIntake intake) {
        this.events = events;
        this.host = host;
        this.intake = intake;
        this.loopback = host.interfaceIndex("lo");
    }

    long events() {
        return read.get();
    }

    long lost() {
        return lost;
    }

    /** Null while events are read; else what stopped it. */
    String problem() {
        return problem;
    }

    /** Reads for as long as the JVM lives; an interrupt from the application is not ours to obey. */
    @Override
    public void run() {
        long lostReadAt = System.nanoTime();
        while (true) {
            try {
                int n = events.drain(this::take, MAX_DRAIN);
                if (System.nanoTime() - lostReadAt > COUNTS_EVERY_NANOS) {
                    lostReadAt = System.nanoTime();
                    events.aggregates(this::take); // what came beyond the ring's budget, counted in the kernel
                    lost = events.lost();
                }
                if (run.holding()) {
                    intake.acceptEvents(run);
                }
                if (n == 0) {
                    events.await(WAIT_MILLIS);
                } else if (n < MAX_DRAIN) {
                    DaemonThreads.pause(BATCH_MILLIS);
                }
                problem = null;
            } catch (IOException | RuntimeException e) {
                String p = "reading the kernel's events failed: " + e.getMessage();
                if (!p.equals(problem)) {
                    LOG.warn("{}; trying again every second", p);
                }
                problem = p;
                DaemonThreads.pause(1000);
            }
        }
    }

    private void take(KernelEvents.Event e) {
        SocketEvent what = kind(e.kind);
        if (what == null) {
            return;
        }
        read.lazySet(read.get() + e.count); // one writer, this thread
        DecodedPacket d = run.slot().packet;
        d.srcHi = e.srcHi;
        d.srcLo = e.srcLo;
        d.srcPort = e.srcPort;
        d.dstHi = e.dstHi;
        d.dstLo = e.dstLo;
        d.dstPort = e.dstPort;
        d.icmpCode = what == SocketEvent.UNREACHABLE ? icmpCode(e.code, Addresses.isV4(e.dstHi, e.dstLo)) : -1;
        boolean sent = (e.flags & KernelEvents.SENT) != 0;
        int ifindex = e.ifindex > 0 ? e.ifindex : -1;
        if (!sent && isAttempt(what) && host.isLocal(e.dstHi, e.dstLo)) {
            sent = true; // a connect to this host: this host answered it, on loopback
            if (ifindex < 0) {
                ifindex = loopback;
            }
        }
        run.commit(what, e.count, ifindex, System.currentTimeMillis(), sent ? Origin.SENT : Origin.RECEIVED);
        if (run.full()) {
            intake.acceptEvents(run);
        }
    }

    private static boolean isAttempt(SocketEvent e) {
        return e != SocketEvent.STALE && e != SocketEvent.ABORT;
    }

    private static SocketEvent kind(int kind) {
        return switch (kind) {
            case KernelEvents.REFUSED -> SocketEvent.REFUSED;
            case KernelEvents.UNREACHABLE -> SocketEvent.UNREACHABLE;
            case KernelEvents.UNANSWERED -> SocketEvent.UNANSWERED;
            case KernelEvents.GIVEN_UP -> SocketEvent.GIVEN_UP;
            case KernelEvents.SLOW -> SocketEvent.SLOW;
            case KernelEvents.STALE -> SocketEvent.STALE;
            case KernelEvents.ABORT -> SocketEvent.ABORT;
            default -> null;
        };
    }

    /**
     * The ICMP code an unreachable's errno stands for, as {@link DecodedPacket#icmpCode} holds it. The kernel
     * keeps the errno only, which several codes share: an IPv4 admin-prohibited (13) reads as host-unreachable,
     * as its errno does (docs/capture.md).
     */
    static int icmpCode(int errno, boolean v4) {
        if (v4) {
            return switch (errno) {
                case ENETUNREACH -> 0;
                case EHOSTDOWN -> 7;
                case ENONET -> 8;
                case EACCES -> 13;
                default -> 1; // EHOSTUNREACH, and the codes that share it
            };
        }
        return DecodedPacket.ICMPV6
                | switch (errno) {
                    case ENETUNREACH -> 0;
                    case EACCES -> 1; // admin-prohibited, policy-fail, reject-route
                    default -> 3; // EHOSTUNREACH: address-unreachable
                };
    }
}
