package io.rstwatch.listeners;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * bench/proc-listeners: one refresh's reading of a synthetic /proc/net/tcp (argument: the file), by the streaming
 * reader and by what it replaced (Files.readAllLines, then a split per line): bytes allocated and time, best of
 * the runs after warm-up. Not a test: a main, run by the bench script.
 */
public final class ProcNetTcpBench {
    private static final int WARMUP = 3;
    private static final int RUNS = 5;

    public static void main(String[] args) throws Exception {
        Path file = Paths.get(args[0]);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        ProcNetTcpReader reader = new ProcNetTcpReader();
        long[] streamed = measure(threads, id, () -> {
            int[] n = {0};
            reader.read(file, l -> n[0]++);
            return n[0];
        });
        long[] whole = measure(threads, id, () -> {
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 10 && "0A".equals(f[3])) {
                    n++;
                }
            }
            return n;
        });
        System.out.printf(
                Locale.ROOT,
                "streaming reader: %d listeners, %.1f KiB allocated, %.0f ms%n"
                        + "readAllLines+split: %d listeners, %.1f MiB allocated, %.0f ms%n",
                streamed[2],
                streamed[0] / 1024.0,
                streamed[1] / 1e6,
                whole[2],
                whole[0] / 1048576.0,
                whole[1] / 1e6);
    }

    interface Run {
        int run() throws Exception;
    }

    /** {bytes allocated, nanoseconds, listeners}, the least of each over the measured runs. */
    private static long[] measure(ThreadMXBean threads, long id, Run run) throws Exception {
        long bytes = Long.MAX_VALUE;
        long nanos = Long.MAX_VALUE;
        int found = 0;
        for (int i = 0; i < WARMUP + RUNS; i++) {
            long b0 = threads.getThreadAllocatedBytes(id);
            long t0 = System.nanoTime();
            found = run.run();
            long t = System.nanoTime() - t0;
            long b = threads.getThreadAllocatedBytes(id) - b0;
            if (i >= WARMUP) {
                bytes = Math.min(bytes, b);
                nanos = Math.min(nanos, t);
            }
        }
        return new long[] {bytes, nanos, found};
    }

    private ProcNetTcpBench() {}
}
