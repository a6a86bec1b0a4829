package io.rstwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

    /** Security rows "other local users": a file or directory another user could change is never used. */
    @Test
    void aFileOtherUsersCanWriteIsRefusedWithTheFix(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("c.properties"), "rate.window=30\n");
        assertNull(ConfigFiles.othersCanChange(file));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        IOException e = assertThrows(ConfigFiles.ChangeableByOthers.class, () -> ConfigFiles.read(file));
        assertEquals(
                "it is writable by other users (mode 0664): run `chmod go-w " + file.toRealPath() + "`",
                e.getMessage());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--rw-"));
        assertThrows(ConfigFiles.ChangeableByOthers.class, () -> ConfigFiles.read(file));
    }

    @Test
    void aDirectoryAboveThatOthersCanWriteWithoutTheStickyBitIsRefused(@TempDir Path dir) throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Path file = Files.writeString(open.resolve("c.properties"), "rate.window=30\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(
                "the directory " + open.toRealPath()
                        + " above it is writable by other users (mode 0777): run `chmod go-w " + open.toRealPath()
                        + "`",
                ConfigFiles.othersCanChange(file));
        Shell.run("chmod", "1777", open.toString()); // like /tmp: others cannot replace what is not theirs
        assertNull(ConfigFiles.othersCanChange(file));
        assertEquals(
                "it is writable by other users (mode 1777): run `chmod go-w " + open.toRealPath() + "`",
                ConfigFiles.othersCanChange(open),
                "a plugin directory itself: sticky or not, others could add jars");
    }

    @Test
    void aFileOwnedByAnotherUserIsRefused(@TempDir Path dir) throws Exception {
        Requirements.require(Requirements.isRoot(), "root, to give a file to another user");
        Path file = Files.writeString(dir.resolve("c.properties"), "rate.window=30\n");
        Shell.run("chown", "65534", file.toString());
        String problem = ConfigFiles.othersCanChange(file);
        assertTrue(problem != null && problem.startsWith("it is owned by another user (uid 65534)"), problem);
        assertTrue(problem.endsWith("`chown root " + file.toRealPath() + "`"), problem);
    }
}
