package io.rstwatch.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.config.OptionKeys;
import org.junit.jupiter.api.Test;

/** How a ring's buffer is cut into blocks, for every size the {@code capture.buffer} option accepts. */
class PacketRingLayoutTest {
    @Test
    void everyBufferIsCutIntoAtLeastEightEqualPageAlignedBlocksOfAtMostOneMiB() {
        for (int mib = 1; mib <= 1024; mib++) { // capture.buffer's range
            int buffer = mib << 20;
            int block = PacketRing.blockSize(buffer);
            String at = mib + " MiB: blocks of " + block;
            assertEquals(1, Integer.bitCount(block), at);
            assertTrue(block >= 1 << 16 && block <= PacketRing.MAX_BLOCK_SIZE, at);
            assertTrue(buffer / block >= PacketRing.MIN_BLOCKS, at);
            assertEquals(0, buffer % block, at + ": the ring is the size asked for");
        }
    }

    @Test
    void theDefaultBufferHasTheLargestBlocks() {
        int buffer = OptionKeys.CAPTURE_BUFFER.defaultValue() << 20;
        assertEquals(PacketRing.MAX_BLOCK_SIZE, PacketRing.blockSize(buffer));
        assertEquals(1 << 17, PacketRing.blockSize(1 << 20)); // the smallest buffer: eight blocks of 128 KiB
    }
}
