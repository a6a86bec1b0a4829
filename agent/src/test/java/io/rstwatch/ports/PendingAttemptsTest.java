package io.rstwatch.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rstwatch.decode.Addresses;
import io.rstwatch.decode.DecodedPacket;
import org.junit.jupiter.api.Test;

/** An attempt's life in the table packed into one long per slot: retries, answers, and the age limit. */
class PendingAttemptsTest {
    /** November 2026 in ms since 1970: the clock the capture gives, far past what a slot's time field holds. */
    private static final long NOW = 1_795_000_000_000L;

    private static final int SYN_RETRIES = 3;

    private final PendingAttempts table = new PendingAttempts();

    private static DecodedPacket syn(int clientPort, long isn) {
        DecodedPacket d = new DecodedPacket();
        d.srcLo = Addresses.v4Lo(0x0A000001);
        d.dstLo = Addresses.v4Lo(0x0A000002);
        d.srcPort = clientPort;
        d.dstPort = 7211;
        d.seq = isn;
        d.tcpFlags = DecodedPacket.SYN;
        return d;
    }

    private static DecodedPacket synAck(DecodedPacket syn) {
        DecodedPacket d = new DecodedPacket();
        d.srcLo = syn.dstLo;
        d.dstLo = syn.srcLo;
        d.srcPort = syn.dstPort;
        d.dstPort = syn.srcPort;
        d.seq = 99;
        d.ack = (syn.seq + 1) & 0xFFFF_FFFFL;
        d.tcpFlags = DecodedPacket.SYN | DecodedPacket.ACK;
        return d;
    }

    @Test
    void aSynSentAgainIsUnansweredOnceAndItsLastRetryIsMarked() {
        DecodedPacket syn = syn(41838, 0xFFFF_FFF0L);
        assertEquals(0, table.syn(syn, NOW, SYN_RETRIES, false), "a first SYN");
        assertEquals(PendingAttempts.UNANSWERED, table.syn(syn, NOW + 1_000, SYN_RETRIES, false));
        assertEquals(0, table.syn(syn, NOW + 3_000, SYN_RETRIES, false), "counted once");
        assertEquals(PendingAttempts.LAST, table.syn(syn, NOW + 7_000, SYN_RETRIES, false), "the third retry");
        assertEquals(0, table.syn(syn, NOW + 15_000, SYN_RETRIES, false), "past the last: not the kernel's");
    }

    @Test
    void aSynAnsweredAtOnceTakesNoSlotUnlessItContinuesAnAttempt() {
        DecodedPacket refused = syn(41850, 11);
        assertEquals(0, table.syn(refused, NOW, SYN_RETRIES, true));
        assertEquals(0, table.syn(refused, NOW + 1_000, SYN_RETRIES, false), "not tracked: a first SYN again");

        DecodedPacket retried = syn(41851, 12);
        table.syn(retried, NOW, SYN_RETRIES, false);
        assertEquals(
                PendingAttempts.UNANSWERED,
                table.syn(retried, NOW + 1_000, SYN_RETRIES, true),
                "a retransmission is unanswered however soon it is answered");
    }

    @Test
    void aLateSynAckMakesItSlowAndEndsIt() {
        DecodedPacket syn = syn(41839, 5);
        table.syn(syn, NOW, SYN_RETRIES, false);
        table.syn(syn, NOW + 1_000, SYN_RETRIES, false);
        assertEquals(PendingAttempts.SLOW, table.synAck(synAck(syn), NOW + 1_500, SYN_RETRIES));
        assertEquals(0, table.synAck(synAck(syn), NOW + 1_600, SYN_RETRIES), "its tracking ended");
        assertEquals(0, table.syn(syn, NOW + 2_000, SYN_RETRIES, false), "so the same SYN again starts anew");
    }

    @Test
    void aSynAckInTimeIsNothingAndAfterTheLastRetryItIsRescued() {
        DecodedPacket quick = syn(41840, 6);
        table.syn(quick, NOW, SYN_RETRIES, false);
        assertEquals(0, table.synAck(synAck(quick), NOW + 10, SYN_RETRIES));

        DecodedPacket late = syn(41841, 7);
        for (int i = 0; i <= SYN_RETRIES; i++) {
            table.syn(late, NOW + i * 1_000L, SYN_RETRIES, false);
        }
        assertEquals(PendingAttempts.SLOW | PendingAttempts.LAST, table.synAck(synAck(late), NOW + 5_000, SYN_RETRIES));
    }

    @Test
    void anIcmpAnswerSilencesTheRetries() {
        DecodedPacket syn = syn(41842, 8);
        table.syn(syn, NOW, SYN_RETRIES, false);
        table.answeredByIcmp(syn, NOW + 100);
        assertEquals(0, table.syn(syn, NOW + 1_000, SYN_RETRIES, false));
        assertEquals(0, table.syn(syn, NOW + 3_000, SYN_RETRIES, false));
    }

    @Test
    void anAttemptOlderThanTheLimitIsForgotten() {
        DecodedPacket syn = syn(41843, 9);
        table.syn(syn, NOW, SYN_RETRIES, false);
        assertEquals(0, table.syn(syn, NOW + PendingAttempts.MAX_AGE_MILLIS + 2_000, SYN_RETRIES, false), "a new one");
        assertEquals(
                PendingAttempts.UNANSWERED,
                table.syn(syn, NOW + PendingAttempts.MAX_AGE_MILLIS + 3_000, SYN_RETRIES, false),
                "and that one is tracked again");
    }
}
