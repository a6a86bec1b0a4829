package io.rstwatch.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.common.EventSink;
import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.plugin.RefusedConnection;
import io.rstwatch.plugin.RstwatchEvent;
import io.rstwatch.plugin.UnansweredConnect;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * How the capture thread hands a ring's packets to the port intake: a loopback SYN and the RST that answers it at
 * once are seen as a pair wherever the ring's blocks and the counter's runs of packets split them.
 */
class BatchCounterTest {
    private static final int WAITING = 2_000;
    private static final int FLOOD = 200_000;

    @Test
    void aFloodSplitAnywhereByBlocksLeavesTheAttemptsInFlightAlone() {
        long withoutFlood = unansweredAfter(0);
        assertTrue(withoutFlood > WAITING * 9 / 10, withoutFlood + " of " + WAITING); // a few share a slot
        // hping3's flood between the SYNs of the attempts in flight and their retransmissions: 200,000 SYNs at
        // random slots of 65,536, each answered by the next packet, in blocks of any length. Had those split from
        // their answer been tracked (one in sixteen, in a block that began with an answer), they would have
        // taken some of the waiting attempts' slots.
        assertEquals(withoutFlood, unansweredAfter(FLOOD));
    }

    @Test
    void aLoopbackSynThatEndsABlockWaitsForTheNextBlockOrTheFlush() {
        Counted events = new Counted();
        CaptureSource.BatchCounter counter = CapturedFrames.counter(events);
        byte[] syn = CapturedFrames.onLoopback(41000, 5432, 7, 0, DecodedPacket.SYN);
        counter.packet(syn, syn.length, 1_795_000_000_000_000L);
        counter.endOfBatch();
        assertTrue(counter.holding(), "its answer may begin the next block");
        counter.flush(); // nothing came
        assertFalse(counter.holding());
        counter.packet(syn, syn.length, 1_795_000_001_000_000L); // sent again after 1 s
        counter.endOfBatch();
        assertEquals(0, events.unanswered, "held");
        counter.flush();
        assertEquals(1, events.unanswered);

        byte[] other = CapturedFrames.onLoopback(41001, 5432, 9, 0, DecodedPacket.SYN);
        counter.packet(other, other.length, 1_795_000_002_000_000L);
        counter.endOfBatch();
        counter.packet(other, other.length, 1_795_000_003_000_000L);
        counter.endOfBatch();
        assertTrue(counter.holding());
        counter.endOfBatch(); // a block of packets that pass the filter but are not decoded: held no longer
        assertFalse(counter.holding());
        assertEquals(2, events.unanswered);
    }

    /** The attempts in flight counted unanswered when their SYNs come again after {@code flood} refused SYNs. */
    private static long unansweredAfter(int flood) {
        Counted events = new Counted();
        CaptureSource.BatchCounter counter = CapturedFrames.counter(events);
        long micros = 1_795_000_000_000_000L;
        // Connects to a listener whose accept queue is full: each SYN dropped, so the next packet is another SYN.
        byte[][] waiting = new byte[WAITING][];
        SplittableRandom random = new SplittableRandom(7211);
        for (int i = 0; i < WAITING; i++) {
            long isn = random.nextLong() & 0xFFFF_FFFFL;
            waiting[i] = CapturedFrames.onLoopback(20_000 + i, 5432, isn, 0, DecodedPacket.SYN);
            counter.packet(waiting[i], waiting[i].length, micros);
        }
        counter.flush();
        int inBlock = 0;
        int blockEnd = 1 + random.nextInt(3_000);
        for (int i = 0; i < flood; i++) {
            int client = 1024 + random.nextInt(64_000);
            long isn = random.nextLong() & 0xFFFF_FFFFL;
            byte[] syn = CapturedFrames.onLoopback(client, 7999, isn, 0, DecodedPacket.SYN);
            byte[] rst = CapturedFrames.onLoopback(
                    7999, client, 0, (isn + 1) & 0xFFFF_FFFFL, DecodedPacket.RST | DecodedPacket.ACK);
            for (byte[] frame : new byte[][] {syn, rst}) {
                counter.packet(frame, frame.length, micros += 5);
                if (++inBlock == blockEnd) { // the ring hands over a block: the batch ends
                    counter.endOfBatch();
                    inBlock = 0;
                    blockEnd = 1 + random.nextInt(3_000);
                }
            }
        }
        counter.flush();
        assertEquals(flood, events.refused, "every refusal counted");
        micros = 1_795_000_001_000_000L; // the retransmissions, 1 s after the first SYNs
        for (byte[] frame : waiting) {
            counter.packet(frame, frame.length, micros);
        }
        counter.flush();
        return events.unanswered;
    }

    /** Counts the events the classifier builds for plugins: one for every failure it counts. */
    private static final class Counted implements EventSink {
        long refused;
        long unanswered;

        @Override
        public boolean admit(long nowMillis) {
            return true;
        }

        @Override
        public void publish(RstwatchEvent event) {
            if (event instanceof RefusedConnection) {
                refused++;
            } else if (event instanceof UnansweredConnect) {
                unanswered++;
            }
        }
    }
}
