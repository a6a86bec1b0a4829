package io.rstwatch.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.LastErrorException;
import org.junit.jupiter.api.Test;

/** What the Capture Status says when a capture cannot start: what is wrong and how to fix it, in one sentence. */
class CaptureSourceTest {
    @Test
    void aRingTheKernelCannotAllocateNamesTheOptionThatSizesIt() {
        // As JNA throws it when setsockopt(PACKET_RX_RING) or mmap fails with ENOMEM.
        assertEquals(
                "the kernel could not allocate the capture buffer of 1024 MiB ([12] Cannot allocate memory):"
                        + " set a smaller capture.buffer, or free memory",
                CaptureSource.explain(new LastErrorException("[12] Cannot allocate memory"), 1024));
    }

    @Test
    void otherErrorsKeepTheirOwnSentences() {
        assertEquals(
                "the interface is not there (no such device eth9): check the interfaces= option; capture resumes"
                        + " when it comes back",
                CaptureSource.explain(new IllegalStateException("no such device eth9"), 16));
        assertEquals(
                "[22] Invalid argument", CaptureSource.explain(new LastErrorException("[22] Invalid argument"), 16));
    }
}
