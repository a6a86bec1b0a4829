package io.rstwatch.common;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a /proc file in one go. /proc files report a size of 0, so Files.readString first reads a single byte
 * and then continues from offset 1, which some sysctl files (seen with net.core.somaxconn) answer with EOF:
 * "4096" came back as "4". Reading from offset 0 into a large buffer avoids that.
 */
public final class ProcFiles {
    private ProcFiles() {}

    /** The first {@code maxBytes} of the file at most: for files another process writes, such as a cmdline. */
    public static String readAtMost(Path file, int maxBytes) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(maxBytes), StandardCharsets.UTF_8);
        }
    }

    public static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf, 0, buf.length)) > 0; ) {
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
