package io.rstwatch.capture;

import com.sun.jna.LastErrorException;
import io.rstwatch.common.DaemonThreads;
import io.rstwatch.common.LinuxSockets;
import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.LinkTypes;
import io.rstwatch.decode.PacketDecoder;
import io.rstwatch.decode.Verdict;
import io.rstwatch.host.HostView;
import io.rstwatch.ports.Flow;
import io.rstwatch.ports.FlowIntake;
import io.rstwatch.ports.FlowRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One capture: a packet socket's ring on one device ("any" by default), its filter compiled by libpcap, read by
 * its own daemon thread. When the ring cannot be opened or fails (no permission, the interface went away) it says
 * why and tries again with back-off, for as long as the JVM lives.
 */
final class CaptureSource implements Runnable {
    /** Where a source is: until its first ring opens or fails, reading packets, or waiting to try again. */
    enum State {
        STARTING,
        CAPTURING,
        RETRYING
    }

    /** Linux's pseudo-device that captures on every interface. */
    static final String ANY = "any";

    private static final Logger LOG = LoggerFactory.getLogger(CaptureSource.class);
    private static final int ARPHRD_ETHER = 1;
    private static final long MAX_BACKOFF_MILLIS = 60_000;
    /**
     * How long a loopback SYN that ended a block waits for the packet after it: the kernel hands a block over
     * {@link PacketRing#RETIRE_MILLIS} after its first packet at the latest, so an answer has come by then.
     */
    private static final int HOLD_MILLIS = 2 * PacketRing.RETIRE_MILLIS;

    private final String device;
    private final int bufferBytes;
    private final HostView host;
    private final FlowIntake intake;
    /** This source's run of flows, kept across rings: it holds the spoofed and forwarded counts. */
    private final FlowRun run = new FlowRun();

    private final DuplicateFilter duplicates;
    private final AtomicLong packets = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong duplicateCount = new AtomicLong();
    private volatile State state = State.STARTING;
    private volatile String clause;
    private volatile boolean active;
    private volatile int linkType = -1;
    private long droppedBefore;
    private volatile long dropped;

    CaptureSource(String device, int bufferBytes, HostView host, FlowIntake intake, DuplicateFilter duplicates) {
        this.device = device;
        this.bufferBytes = bufferBytes;
        this.host = host;
        this.intake = intake;
        this.duplicates = duplicates;
        this.clause = "starting on " + device;
    }

    String device() {
        return device;
    }

    boolean active() {
        return active;
    }

    State state() {
        return state;
    }

    /** A clause for the Capture Status: "capturing on any (LINUX_SLL2)", or why not and how to fix it. */
    String clause() {
        return clause;
    }

    String linkTypeName() {
        return linkType < 0 ? "" : LinkTypes.name(linkType);
    }

    long packets() {
        return packets.get();
    }

    long malformed() {
        return malformed.get();
    }

    long duplicates() {
        return duplicateCount.get();
    }

    long spoofed() {
        return run.spoofed();
    }

    long forwarded() {
        return run.forwarded();
    }

    /** Packets the kernel had no room for, summed over every ring this source has opened. */
    long dropped() {
        return dropped;
    }

    /**
     * Captures for as long as the JVM lives: whatever stops a capture (an error, a vanished interface, a
     * break-off) is said in the Status and retried with back-off; an interrupt from the application is ignored.
     */
    @Override
    public void run() {
        long backoff = 1000;
        String lastProblem = null;
        while (true) {
            long openedAt = System.currentTimeMillis();
            String problem;
            try {
                problem = LibPcap.problem();
                if (problem == null) {
                    capture();
                    problem = "the capture ended"; // capture() returns only by throwing; never stop for good
                }
            } catch (Throwable t) { // every step: what fails once may work on the next try
                problem = explain(t, bufferBytes >> 20);
            }
            if (System.currentTimeMillis() - openedAt > MAX_BACKOFF_MILLIS) {
                backoff = 1000;
            }
            clause = "not capturing on " + device + ": " + problem + "; retrying every " + backoff / 1000 + " s";
            state = State.RETRYING;
            if (!problem.equals(lastProblem)) {
                LOG.warn(
                        "not capturing on {}: {}; retrying with back-off, the rest of the agent keeps working",
                        device,
                        problem);
            } else {
                LOG.debug("still not capturing on {}: {}", device, problem);
            }
            lastProblem = problem;
            DaemonThreads.pause(backoff);
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
    }

    private void capture() throws Exception {
        int loopback = host.interfaceIndex("lo");
        int ifindex = 0;
        boolean ethernet = false;
        if (!ANY.equals(device)) {
            ifindex = LinuxSockets.if_nametoindex(device);
            if (ifindex <= 0) {
                throw new IllegalStateException("no such device " + device);
            }
            ethernet = hasEthernetHeader(device);
        }
        // A datagram socket's packets carry their interface index and type in a LINUX_SLL2 header, as on "any".
        int dlt = ethernet ? LinkTypes.EN10MB : LinkTypes.LINUX_SLL2;
        int filtered = ethernet ? LinkTypes.EN10MB : LinkTypes.RAW; // what the kernel's filter sees
        // lo's outgoing copy of each packet is dropped by the filter, in the kernel: nothing after it looks again.
        byte[] filter = CaptureFilter.program(filtered, loopback);
        byte[] scratch = new byte[PacketRing.SLL2_HEADER + CaptureFilter.SNAPLEN];
        BatchCounter counter = new BatchCounter(dlt, ANY.equals(device) ? -1 : ifindex);
        PacketRing r = PacketRing.open(ifindex, !ethernet, filter, bufferBytes);
        try {
            linkType = dlt;
            active = true;
            clause = "capturing on " + device + " (" + LinkTypes.name(dlt) + ")";
            state = State.CAPTURING;
            LOG.debug(
                    "capturing on {} ({}), filter {}", device, LinkTypes.name(dlt), CaptureFilter.expression(filtered));
            long lastStats = System.nanoTime();
            while (true) {
                int n = r.next(scratch, counter, counter.holding() ? HOLD_MILLIS : PacketRing.POLL_MILLIS);
                if (n > 0) {
                    counter.endOfBatch();
                    packets.lazySet(packets.get() + n); // once a block; one writer, so no locked add
                } else {
                    counter.flush();
                }
                if (System.nanoTime() - lastStats > 1_000_000_000L) {
                    lastStats = System.nanoTime();
                    dropped = droppedBefore + r.drops();
                }
            }
        } finally {
            active = false;
            dropped = droppedBefore + r.drops(); // the last second's, before the ring's counts go with it
            droppedBefore = dropped;
            r.close();
        }
    }

    /**
     * Whether the interface's frames begin with an Ethernet header (ARPHRD_ETHER, or the loopback's all-zero one),
     * which a raw socket hands over as libpcap's EN10MB; any other link type is read as datagrams.
     */
    private static boolean hasEthernetHeader(String device) {
        try {
            // The name is a real interface's (if_nametoindex found it), so it names no other path.
            int type = Integer.parseInt(
                    Files.readString(Path.of("/sys/class/net", device, "type")).trim());
            return type == ARPHRD_ETHER || type == DecodedPacket.ARPHRD_LOOPBACK;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Decodes a batch's packets into the source's {@link FlowRun} and hands it to the intake whenever it is full and
     * when the batch ends. A loopback SYN that ends a run or a block is held by the intake until the packet after it
     * is seen: else every SYN whose answer fell into the next run would take a slot, and a few seconds of a flood
     * would fill the table.
     */
    final class BatchCounter implements PacketRing.Sink {
        private final int dlt;
        private final int deviceIndex;

        /** @param deviceIndex the capture's interface index, for link types that do not carry one; -1 on "any" */
        BatchCounter(int dlt, int deviceIndex) {
            this.dlt = dlt;
            this.deviceIndex = deviceIndex;
        }

        @Override
        public void packet(byte[] data, int caplen, long timestampMicros) {
            Flow f = run.slot();
            DecodedPacket d = f.packet;
            Verdict what = PacketDecoder.decode(data, caplen, dlt, d);
            if (what == Verdict.MALFORMED) {
                malformed.lazySet(malformed.get() + 1);
                return;
            }
            if (what == Verdict.IGNORED) {
                return;
            }
            int ifindex = d.ifindex >= 0 ? d.ifindex : deviceIndex;
            // A loopback packet crosses no other interface, so it has no copy to find: under a loopback flood
            // that saves a table look-up per packet.
            if (d.hatype != DecodedPacket.ARPHRD_LOOPBACK && duplicates.isDuplicate(d, ifindex, timestampMicros)) {
                duplicateCount.lazySet(duplicateCount.get() + 1);
                return;
            }
            run.commit(what, ifindex, timestampMicros / 1000, null); // its origin: judged by the intake
            if (run.full()) {
                intake.accept(run);
            }
        }

        /**
         * Counts what the batch left but a last SYN the next packet may answer, which {@link #holding} then says:
         * call after each batch, and {@link #flush} when no packet came for a while.
         */
        void endOfBatch() {
            intake.accept(run);
            run.batchEnded();
        }

        /** Counts every packet decoded, a held one too. */
        void flush() {
            intake.flush(run);
        }

        /** Whether a packet waits for the one after it. */
        boolean holding() {
            return run.holding();
        }
    }

    /** What went wrong, and how to fix it, in words. */
    static String explain(Throwable t, int bufferMiB) {
        String m;
        try {
            m = String.valueOf(t.getMessage());
        } catch (RuntimeException | LinkageError e) {
            m = t.getClass().getName();
        }
        if (t instanceof LastErrorException e && e.getErrorCode() == LinuxSockets.ENOMEM) {
            return "the kernel could not allocate the capture buffer of " + bufferMiB + " MiB (" + m
                    + "): set a smaller capture.buffer, or free memory";
        }
        String lower = m.toLowerCase(Locale.ROOT);
        if (t instanceof LinkageError) {
            return "libpcap could not be used (" + m + "): install it with `apt-get install libpcap0.8`";
        }
        if (lower.contains("permission") || lower.contains("not permitted")) {
            return "no permission to capture (needs CAP_NET_RAW): run the JVM as root or grant it CAP_NET_RAW alone"
                    + " (systemd AmbientCapabilities=CAP_NET_RAW, docker --cap-add NET_RAW, or"
                    + " `setcap cap_net_raw+ep $(readlink -f $(which java))`)";
        }
        if (lower.contains("no such device") || lower.contains("went down") || lower.contains("doesn't exist")) {
            return "the interface is not there (" + m + "): check the interfaces= option; capture resumes"
                    + " when it comes back";
        }
        return m;
    }
}
