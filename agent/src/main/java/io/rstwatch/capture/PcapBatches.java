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
 * packet to libpcap's own pcap_dump (as {@code tcpdump -w} does), which writes it into a memory stream over a
 * buffer of ours; Java then walks the records in that buffer. The buffer is rewound after every batch, so only
 * the headers of the current batch (the snap length cuts the rest) are ever held.
 */
final class PcapBatches implements AutoCloseable {
    /** Records per batch: each is at most 16 + SNAPLEN bytes, so a batch always fits the buffer. */
    static final int BATCH = 2048;

    private static final int FILE_HEADER = 24;
    private static final int RECORD_HEADER = 16;
    private static final int SEEK_SET = 0;

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
        this.buffer = new Memory(FILE_HEADER + (long) BATCH * (RECORD_HEADER + snaplen) + 4096);
        this.records = buffer.getByteBuffer(0, buffer.size()).order(ByteOrder.nativeOrder());
        this.file = LibC.fmemopen(buffer, buffer.size(), "wb");
        if (file == null) {
            throw new IllegalStateException("fmemopen failed");
        }
        this.dumper = Direct.pcap_dump_fopen(pcap, file);
        if (dumper == null) {
            LibC.fclose(file);
            throw new IllegalStateException("pcap_dump_fopen failed");
        }
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
        Direct.pcap_dump_flush(dumper);
        long end = Math.min(Direct.pcap_dump_ftell(dumper), records.capacity());
        int pos = FILE_HEADER;
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
        LibC.fseek(file, FILE_HEADER, SEEK_SET);
        return n;
    }

    @Override
    public void close() {
        Direct.pcap_dump_close(dumper); // closes the memory stream too
    }

    /** libpcap, direct-mapped. */
    static final class Direct {
        static {
            Native.register(Direct.class, NativeLibrary.getInstance(LibPcap.name()));
        }

        private Direct() {}

        static native int pcap_dispatch(Pointer pcap, int count, Pointer callback, Pointer user);

        static native Pointer pcap_dump_fopen(Pointer pcap, Pointer file);

        static native int pcap_dump_flush(Pointer dumper);

        static native long pcap_dump_ftell(Pointer dumper);

        static native void pcap_dump_close(Pointer dumper);
    }

    /** The C library, direct-mapped: memory streams. */
    static final class LibC {
        static {
            Native.register(LibC.class, NativeLibrary.getInstance("c"));
        }

        private LibC() {}

        static native Pointer fmemopen(Pointer buffer, long size, String mode);

        static native int fseek(Pointer file, long offset, int whence);

        static native int fclose(Pointer file);
    }
}
