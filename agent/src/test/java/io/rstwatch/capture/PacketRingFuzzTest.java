package io.rstwatch.capture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The ring reader on blocks whose header, offsets and lengths are corrupt: the kernel writes them, but a reader
 * that trusted them would read another block's packets, or past the ring. Each block is a buffer of exactly its
 * own size, so that a read outside it throws. CI runs 10^5 blocks (junit-platform.properties); bench/parser-fuzz
 * runs 10^7.
 */
class PacketRingFuzzTest {
    private static final int BLOCK = 4096;
    /** struct tpacket3_hdr, then sockaddr_ll at TPACKET_ALIGN(48): where a packet's data may begin at the least. */
    private static final int PACKET_HEADERS = 68;

    @Property
    void noBlockMakesTheReaderThrowOrReadOutsideIt(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer block = ByteBuffer.allocate(BLOCK).order(ByteOrder.nativeOrder());
        int packets = random.nextInt(0, 40);
        int first = field(random, 48);
        block.putInt(12, random.nextInt(10) == 0 ? random.nextInt() : packets);
        block.putInt(16, first);
        int pos = first;
        for (int i = 0; i < packets && pos >= 0 && (long) pos + PACKET_HEADERS <= BLOCK; i++) {
            int caplen = random.nextInt(10) == 0 ? random.nextInt() : random.nextInt(0, 200);
            int mac = random.nextInt(10) == 0 ? random.nextInt(0, 65536) : PACKET_HEADERS + random.nextInt(0, 16);
            int next = field(random, PACKET_HEADERS + Math.max(0, caplen & 0xFF));
            block.putInt(pos, next);
            block.putInt(pos + 12, caplen);
            block.putShort(pos + 24, (short) mac);
            for (int b = pos + 28; b < Math.min(BLOCK, pos + PACKET_HEADERS); b++) {
                block.put(b, (byte) random.nextInt());
            }
            pos += next;
        }
        boolean datagram = random.nextBoolean();
        byte[] scratch = new byte[PacketRing.SLL2_HEADER + CaptureFilter.SNAPLEN];
        int[] seen = new int[1];
        int handed = PacketRing.readBlock(block, 0, BLOCK, datagram, scratch, (data, caplen, micros) -> {
            assertTrue(caplen >= 0 && caplen <= data.length, "handed " + caplen + " bytes");
            seen[0]++;
        });
        assertTrue(handed == seen[0] && handed <= Math.max(0, block.getInt(12)), handed + " handed");
    }

    /** An offset: most often plausible, sometimes anything at all (negative, past the block, near 2^31). */
    private static int field(SplittableRandom random, int plausible) {
        switch (random.nextInt(8)) {
            case 0:
                return random.nextInt();
            case 1:
                return Integer.MAX_VALUE - random.nextInt(0, 100);
            case 2:
                return BLOCK - random.nextInt(0, 80);
            default:
                return plausible + random.nextInt(0, 64);
        }
    }
}
