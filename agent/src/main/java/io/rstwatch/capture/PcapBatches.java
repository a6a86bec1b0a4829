package io.rstwatch.capture;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads packets in batches, one JNI crossing per batch instead of several per packet: pcap_dispatch hands each
 * packet to libpcap's own pcap_dump (as {@code tcpdump -w} does), which appends it to a stdio stream whose buffer
 * is ours and big enough for a whole batch; Java then walks the records in that buffer and discards them
 * (__fpurge), so nothing is ever written to the stream's file (/dev/null) and each packet is copied once. The
 * stream takes no lock (FSETLOCKING_BYCALLER: only this thread uses it). Only the headers of the current batch
 * (the snap length cuts the rest) are ever held.
 */
final class PcapBatches implements AutoCloseable {
    /** Records per batch: each is at most 16 + SNAPLEN bytes, so a batch always fits the buffer. */
    static final int BATCH = 2048;

    private static final int RECORD_HEADER = 16;
    private static final int IOFBF = 0;
    private static final int FSETLOCKING_BYCALLER = 2;

    private final Pointer pcap;
    private final Memory buffer;
    private final ByteBuffer records;
    private final Pointer file;
    private final Pointer dumper;
    private final Function dumpCallback;

    /** Receives each packet of a batch. */
    interface Sink {
        void packet(byte[] data, int caplen, long timestampMicros);
    }

    PcapBatches(Pointer pcap, int snaplen) {
        this.pcap = pcap;
        this.buffer = new Memory((long) BATCH * (RECORD_HEADER + snaplen) + 4096);
        this.records = buffer.getByteBuffer(0, buffer.size()).order(ByteOrder.nativeOrder());
        this.file = LibC.fopen("/dev/null", "w");
        if (file == null) {
            throw new IllegalStateException("cannot open /dev/null, through which packets are read in batches: give"
                    + " the JVM's container a /dev (or `mknod -m 666 /dev/null c 1 3`)");
        }
        if (LibC.setvbuf(file, buffer, IOFBF, buffer.size()) != 0) {
            LibC.fclose(file);
            throw new IllegalStateException("setvbuf failed");
        }
        LibC.__fsetlocking(file, FSETLOCKING_BYCALLER);
        this.dumper = Direct.pcap_dump_fopen(pcap, file);
        if (dumper == null) {
            LibC.fclose(file);
            throw new IllegalStateException("pcap_dump_fopen failed");
        }
        LibC.__fpurge(file); // the savefile header
        this.dumpCallback = NativeLibrary.getInstance(LibPcap.name()).getFunction("pcap_dump");
    }

    /**
     * Waits up to the handle's timeout for packets and hands each to the sink, reusing {@code scratch}.
     * Returns the pcap_dispatch result: packets read, 0 on timeout, -1 on error, -2 when broken off.
     */
    int next(byte[] scratch, Sink sink) {
        int n = Direct.pcap_dispatch(pcap, BATCH, dumpCallback, dumper);
        if (n <= 0) {
            return n;
        }
        long end = Math.min(LibC.__fpending(file), records.capacity());
        int pos = 0;
        while (pos + RECORD_HEADER <= end) {
            long seconds = records.getInt(pos) & 0xFFFF_FFFFL;
            long micros = records.getInt(pos + 4) & 0xFFFF_FFFFL;
            int caplen = records.getInt(pos + 8);
            int start = pos + RECORD_HEADER;
            if (caplen < 0 || start + caplen > end) {
                break;
            }
            int copy = Math.min(caplen, scratch.length);
            records.get(start, scratch, 0, copy);
            sink.packet(scratch, copy, seconds * 1_000_000L + micros);
            pos = start + caplen;
        }
        LibC.__fpurge(file);
        return n;
    }

    @Override
    public void close() {
        LibC.__fpurge(file);
        Direct.pcap_dump_close(dumper); // closes the stream too; the buffer is ours and outlives it
    }

    /** libpcap, direct-mapped. */
    static final class Direct {
        static {
            Native.register(Direct.class, NativeLibrary.getInstance(LibPcap.name()));
        }

        private Direct() {}

        static native int pcap_dispatch(Pointer pcap, int count, Pointer callback, Pointer user);

        static native Pointer pcap_dump_fopen(Pointer pcap, Pointer file);

        static native void pcap_dump_close(Pointer dumper);
    }

    /** The C library, direct-mapped: a stdio stream over a buffer of ours (glibc's and musl's stdio_ext.h). */
    static final class LibC {
        static {
            Native.register(LibC.class, NativeLibrary.getInstance("c"));
        }

        private LibC() {}

        static native Pointer fopen(String path, String mode);

        static native int setvbuf(Pointer file, Pointer buffer, int mode, long size);

        static native int __fsetlocking(Pointer file, int type);

        static native long __fpending(Pointer file);

        static native void __fpurge(Pointer file);

        static native int fclose(Pointer file);
    }
}
