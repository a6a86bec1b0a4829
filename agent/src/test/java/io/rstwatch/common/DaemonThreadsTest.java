package io.rstwatch.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An agent thread that an Error ends leaves one [rstwatch] line on stderr, never a bare stack trace. */
class DaemonThreadsTest {
    @Test
    void aThreadEndedByAnErrorIsOneLineOnStderr() throws Exception {
        PrintStream was = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread t;
        try {
            System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
            t = DaemonThreads.start("rstwatch-doomed", () -> {
                throw new OutOfMemoryError("Java heap space");
            });
            t.join(30_000);
        } finally {
            System.setErr(was);
        }
        assertTrue(t.isDaemon());
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(
                List.of("[rstwatch] WARN thread rstwatch-doomed ended on an unexpected error; the other parts keep"
                        + " working: java.lang.OutOfMemoryError: Java heap space"),
                lines);
    }
}
