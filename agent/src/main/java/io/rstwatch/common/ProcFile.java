package io.rstwatch.common;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A small /proc file read again and again (a counter table every second, a sysctl every two): held open and read
 * from its start into one reused array. Code that runs that seldom stays in the interpreter, where opening a new
 * stream through the file-system provider each time cost more than the kernel's own work (bench/HISTORY.md).
 * One thread at a time; the file is opened again after any failure, so that one that comes back is read again.
 */
public final class ProcFile {
    /** A read of up to this much uses the JDK's stack buffer; a larger one allocates a native buffer per call. */
    private static final int CHUNK = 8192;

    private final Path path;
    private final byte[] buffer;
    private RandomAccessFile file;

    /** @param maxBytes the most the file may hold: a longer one is taken as unreadable, not read cut */
    public ProcFile(Path path, int maxBytes) {
        this.path = path;
        this.buffer = new byte[maxBytes + 1];
    }

    /** The whole file's text. */
    public String read() throws IOException {
        try {
            if (file == null) {
                file = new RandomAccessFile(path.toFile(), "r");
            }
            // From offset 0 in large reads: a sysctl file read on from a later offset may answer EOF (see ProcFiles).
            file.seek(0);
            int length = 0;
            for (int n;
                    length < buffer.length
                            && (n = file.read(buffer, length, Math.min(CHUNK, buffer.length - length))) > 0; ) {
                length += n;
            }
            if (length == buffer.length) {
                throw new IOException(path + " holds more than " + (buffer.length - 1) + " bytes");
            }
            return new String(buffer, 0, length, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void close() {
        try {
            if (file != null) {
                file.close();
            }
        } catch (IOException e) {
            // nothing held any more either way
        }
        file = null;
    }
}
