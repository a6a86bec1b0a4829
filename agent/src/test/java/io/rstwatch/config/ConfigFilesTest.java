package io.rstwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.rstwatch.testing.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A settings file is read only when it is a regular file of at most 1 MiB, checked before it is opened. */
class ConfigFilesTest {
    @Test
    void aRegularFileIsRead(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a.properties"), "rate.window=30\n");
        assertEquals("30", ConfigFiles.read(file).getProperty("rate.window"));
    }

    @Test
    void aFifoIsRefusedWithoutBlocking(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo.properties");
        Shell.run("mkfifo", fifo.toString());
        IOException e = assertTimeoutPreemptively(
                Duration.ofSeconds(10), () -> assertThrows(IOException.class, () -> ConfigFiles.read(fifo)));
        assertEquals("it is not a regular file (a FIFO, socket or device)", ConfigFiles.why(e));
    }

    @Test
    void aDirectoryADeviceAndAMissingFileAreRefusedInWords(@TempDir Path dir) {
        assertEquals(
                "it is a directory", ConfigFiles.why(assertThrows(IOException.class, () -> ConfigFiles.read(dir))));
        assertEquals(
                "it is not a regular file (a FIFO, socket or device)",
                ConfigFiles.why(assertThrows(IOException.class, () -> ConfigFiles.read(Path.of("/dev/zero")))));
        assertEquals(
                "it does not exist",
                ConfigFiles.why(assertThrows(IOException.class, () -> ConfigFiles.read(dir.resolve("none")))));
    }

    @Test
    void aFileOverOneMebibyteIsRefused(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.properties");
        Files.write(big, new byte[ConfigFiles.MAX_BYTES + 1]);
        assertEquals(
                "it is larger than 1 MiB",
                ConfigFiles.why(assertThrows(IOException.class, () -> ConfigFiles.read(big))));
        Path exactly = dir.resolve("exactly.properties");
        Files.write(exactly, new byte[ConfigFiles.MAX_BYTES]);
        ConfigFiles.read(exactly); // at the limit: read
    }
}
