package io.rstwatch.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class FingerprintsTest {
    private static DecodedPacket segment(long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort) {
        DecodedPacket d = new DecodedPacket();
        d.srcHi = srcHi;
        d.srcLo = srcLo;
        d.srcPort = srcPort;
        d.dstHi = dstHi;
        d.dstLo = dstLo;
        d.dstPort = dstPort;
        return d;
    }

    private static DecodedPacket synAckTo(DecodedPacket syn) {
        DecodedPacket a = segment(syn.dstHi, syn.dstLo, syn.dstPort, syn.srcHi, syn.srcLo, syn.srcPort);
        a.seq = 12345;
        a.ack = (syn.seq + 1) & 0xFFFF_FFFFL;
        return a;
    }

    @Test
    void aSynAckNamesTheAttemptOfTheSynItAcknowledgesIncludingAtTheSequenceNumbersWrap() {
        long v4a = Addresses.v4Lo(0x0A000001);
        long v4b = Addresses.v4Lo(0x0A000002);
        DecodedPacket[] syns = {
            segment(0, v4a, 41838, 0, v4b, 7211), segment(0x20010DB8_00000000L, 1, 41838, 0x20010DB8_00000000L, 2, 443)
        };
        for (DecodedPacket syn : syns) {
            for (long isn : new long[] {0, 1, 0x7FFF_FFFFL, 0xFFFF_FFFEL, 0xFFFF_FFFFL}) {
                syn.seq = isn;
                assertEquals(Fingerprints.attempt(syn), Fingerprints.attemptAnswered(synAckTo(syn)), "ISN " + isn);
            }
        }
    }

    @Test
    void anotherAttemptOnTheSamePortsHasAnotherFingerprint() {
        DecodedPacket first = segment(0, Addresses.v4Lo(0x7F000001), 41838, 0, Addresses.v4Lo(0x7F000001), 7211);
        first.seq = 1000;
        DecodedPacket next = segment(0, Addresses.v4Lo(0x7F000001), 41838, 0, Addresses.v4Lo(0x7F000001), 7211);
        next.seq = 2000;
        assertNotEquals(Fingerprints.attempt(first), Fingerprints.attempt(next));
        assertNotEquals(Fingerprints.attempt(first), Fingerprints.attemptAnswered(first), "a SYN answers nothing");
    }
}
