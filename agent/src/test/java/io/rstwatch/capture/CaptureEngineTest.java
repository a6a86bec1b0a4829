package io.rstwatch.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rstwatch.config.CaptureMethod;
import org.junit.jupiter.api.Test;

/** The Status's clause on the method: which one runs, and why, for each way capture.method can be set. */
class CaptureEngineTest {
    @Test
    void theClauseSaysWhichMethodAndWhy() {
        assertEquals("", CaptureEngine.chosen(CaptureMethod.PACKET, null), "asked for, nothing to explain");
        assertEquals(" (capture.method=ebpf)", CaptureEngine.chosen(CaptureMethod.EBPF, null));
        assertEquals(
                " (capture.method=ebpf, but no BTF)",
                CaptureEngine.chosen(CaptureMethod.EBPF, "no BTF"),
                "asked for and refused: why");
        assertEquals(
                " (capture.method=auto: this kernel and this JVM's grant allow it)",
                CaptureEngine.chosen(CaptureMethod.AUTO, null));
        assertEquals(" (capture.method=auto: no grant)", CaptureEngine.chosen(CaptureMethod.AUTO, "no grant"));
    }
}
