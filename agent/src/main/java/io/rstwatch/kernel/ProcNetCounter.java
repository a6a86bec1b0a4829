package io.rstwatch.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * One counter of /proc/net/snmp or /proc/net/netstat, read again and again at little cost: for a thread that wants
 * a single figure every few seconds (and so runs its code in the interpreter), where {@link ProcNetParser}'s whole
 * table, a new stream and a string per column cost a millisecond. The file stays open and is read from its start
 * into one reused buffer; the column is found by name in each read, as the parser does, since kernels add and
 * reorder columns. -1 when the file or the column is not there. One thread at a time.
 */
public final class ProcNetCounter implements LongSupplier {
    /** Larger than either file on any kernel (netstat is some 5 KiB): a file that fills it is cut, and so unknown. */
    private static final int MAX_BYTES = 64 * 1024;

    private final Path file;
    /** "TcpExt:", the prefix of the section's header line and of its value line. */
    private final byte[] prefix;

    private final byte[] name;
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_BYTES);
    private FileChannel channel;

    /** @param proc where /proc is (a test's fake one, or /proc) */
    public ProcNetCounter(Path proc, TcpCounter counter) {
        this.file = proc.resolve(counter.file());
        this.prefix = (counter.section() + ":").getBytes(StandardCharsets.US_ASCII);
        this.name = counter.column().getBytes(StandardCharsets.US_ASCII);
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

    /** The value under {@link #name} in the section's value line, which follows its header line. */
    long find(byte[] text, int length) {
        int column = -1;
        boolean header = true;
        for (int line = 0; line < length; ) {
            int end = line;
            while (end < length && text[end] != '\n') {
                end++;
            }
            if (startsWith(text, line, end, prefix)) {
                if (header) {
                    column = column(text, line + prefix.length, end);
                    header = false;
                } else {
                    return column < 0 ? -1 : value(text, line + prefix.length, end, column);
                }
            }
            line = end + 1;
        }
        return -1;
    }

    private static boolean startsWith(byte[] text, int from, int end, byte[] word) {
        if (end - from < word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (text[from + i] != word[i]) {
                return false;
            }
        }
        return true;
    }

    /** Which space-separated word of the header line is the name (0 for the first after the prefix), or -1. */
    private int column(byte[] text, int from, int end) {
        int index = 0;
        for (int at = skipSpaces(text, from, end); at < end; index++) {
            int wordEnd = wordEnd(text, at, end);
            if (wordEnd - at == name.length && startsWith(text, at, wordEnd, name)) {
                return index;
            }
            at = skipSpaces(text, wordEnd, end);
        }
        return -1;
    }

    /** The number that is the {@code column}-th word of the value line, or -1 when it is not a number. */
    private static long value(byte[] text, int from, int end, int column) {
        int at = skipSpaces(text, from, end);
        for (int i = 0; i < column && at < end; i++) {
            at = skipSpaces(text, wordEnd(text, at, end), end);
        }
        int wordEnd = wordEnd(text, at, end);
        if (at == wordEnd || wordEnd - at > 18) {
            return -1; // absent, or more digits than a long surely holds
        }
        long v = 0;
        for (int i = at; i < wordEnd; i++) {
            if (text[i] < '0' || text[i] > '9') {
                return -1;
            }
            v = v * 10 + (text[i] - '0');
        }
        return v;
    }

    private static int skipSpaces(byte[] text, int at, int end) {
        while (at < end && (text[at] == ' ' || text[at] == '\t' || text[at] == '\r')) {
            at++;
        }
        return at;
    }

    private static int wordEnd(byte[] text, int at, int end) {
        while (at < end && text[at] != ' ' && text[at] != '\t' && text[at] != '\r') {
            at++;
        }
        return at;
    }
}
