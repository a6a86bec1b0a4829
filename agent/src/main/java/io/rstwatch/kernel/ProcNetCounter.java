package io.rstwatch.kernel;

import io.rstwatch.common.ProcFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * One counter of /proc/net/snmp or /proc/net/netstat, read again and again through a held-open {@link ProcFile}
 * and found by {@link ProcNetParser}: for a thread that wants a single figure every few seconds. -1 when the file
 * or the column is not there. One thread at a time.
 */
public final class ProcNetCounter implements LongSupplier {
    /** Larger than either file on any kernel (netstat is some 5 KiB): a file that fills it is cut, and so unknown. */
    public static final int MAX_BYTES = 64 * 1024;

    private final ProcFile file;
    private final String key;

    /** @param proc where /proc is (a test's fake one, or /proc) */
    public ProcNetCounter(Path proc, TcpCounter counter) {
        this.file = new ProcFile(proc.resolve(counter.file()), MAX_BYTES);
        this.key = counter.key();
    }

    /** The counter now, or -1 when it cannot be read. */
    @Override
    public long getAsLong() {
        try {
            return find(file.read());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The counter's value in the file's text, as {@link ProcNetParser} finds it; -1 when absent or negative. */
    long find(String text) {
        Long value = ProcNetParser.find(text, key);
        return value == null || value < 0 ? -1 : value;
    }
}
