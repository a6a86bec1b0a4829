package io.rstwatch.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A held-open file read again from its start: this kernel's /proc files, and the odd cases on a file of ours. */
class ProcFileTest {
    @Test
    void readsThisKernelsFilesWholeEveryTime() throws Exception {
        Path range = Paths.get("/proc/sys/net/ipv4/ip_local_port_range");
        ProcFile sysctl = new ProcFile(range, 256);
        assertEquals(ProcFiles.read(range), sysctl.read());
        assertEquals(ProcFiles.read(range), sysctl.read(), "read again, from the start");
        // Some 5 KiB, over more than one of the kernel's pieces; its counters move, its lines do not.
        Path netstat = Paths.get("/proc/net/netstat");
        ProcFile counters = new ProcFile(netstat, 64 * 1024);
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    ProcFiles.read(netstat).replaceAll("[0-9]+", "0"),
                    counters.read().replaceAll("[0-9]+", "0"));
        }
    }

    @Test
    void opensAFileThatCameLateAndSeesItChangeInPlace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("value");
        ProcFile f = new ProcFile(file, 16);
        assertThrows(IOException.class, f::read, "not there yet");
        Files.writeString(file, "1 2\n");
        assertEquals("1 2\n", f.read());
        Files.writeString(file, "3\n");
        assertEquals("3\n", f.read(), "shorter, rewritten in place");
    }

    @Test
    void aFileLongerThanItsBoundIsNotReadCut(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big");
        Files.writeString(file, "x".repeat(17));
        assertThrows(IOException.class, () -> new ProcFile(file, 16).read());
        Files.writeString(file, "x".repeat(16));
        assertEquals(16, new ProcFile(file, 16).read().length(), "exactly the bound fits");
    }
}
