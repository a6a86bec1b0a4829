package io.rstwatch.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.function.LongSupplier;

/**
 * One counter of /proc/net/snmp or /proc/net/netstat, read again and again: for a thread that wants a single
 * figure every few seconds (and so runs its code in the interpreter), where opening a new stream each time cost
 * more than the kernel's work. The file stays open and is read from its start into one reused buffer, then
 * parsed by {@link ProcNetParser}. -1 when the file or the column is not there. One thread at a time.
 */
public final class ProcNetCounter implements LongSupplier {
    /** Larger than either file on any kernel (netstat is some 5 KiB): a file that fills it is cut, and so unknown. */
    private static final int MAX_BYTES = 64 * 1024;

    private final Path file;
    private final String key;
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_BYTES);
    private FileChannel channel;

    /** @param proc where /proc is (a test's fake one, or /proc) */
    public ProcNetCounter(Path proc, TcpCounter counter) {
        this.file = proc.resolve(counter.file());
        this.key = counter.key();
    }

    /** The counter now, or -1 when it cannot be read. */
    @Override
    public long getAsLong() {
        try {
            if (channel == null) {
                channel = FileChannel.open(file);
            }
            buffer.clear();
            // A /proc file comes in pieces of a page or so: each read goes on where the last one ended.
            while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
                // the channel's read moved the buffer's position on
            }
            return buffer.hasRemaining() ? find(buffer.array(), buffer.position()) : -1;
        } catch (IOException | RuntimeException e) {
            close();
            return -1;
        }
    }

    private void close() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // nothing held any more either way
        }
        channel = null;
    }

    /** The counter's value in the file's text, as {@link ProcNetParser} finds it; -1 when absent or negative. */
    long find(byte[] text, int length) {
        Long value = ProcNetParser.parse(new String(text, 0, length, StandardCharsets.US_ASCII), new HashMap<>())
                .get(key);
        return value == null || value < 0 ? -1 : value;
    }
}
