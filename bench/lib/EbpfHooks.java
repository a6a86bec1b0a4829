import io.rstwatch.ebpf.Btf;
import io.rstwatch.ebpf.ConnectErrors;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the in-kernel programs cost an application's refused-connect loop: eight threads connect to a closed
 * loopback port as fast as they can, and the programs (ConnectErrors: the SYN_SENT hook and the error hook) are
 * attached for one turn of a second and detached for the next, ABBA, so that a drift of the machine falls on both
 * alike. Reported: connects per second and CPU per connect with and without, the kernel's own timing of each
 * program run, and the refusals the maps counted against those the loop made while attached (lost ones).
 * Usage: java -cp CLASSES:JNA EbpfHooks.java TURNS processes|counts [refused|accepted]   (as root, or with CAP_BPF
 * and CAP_PERFMON); "counts" attaches the error hook alone (no process names), for what the SYN_SENT hook costs;
 * "accepted" connects to a listener of its own instead, which accepts and closes: the loop every connect of a
 * healthy application is, where the hooks see each state change and count nothing.
 */
public class EbpfHooks {
    static final int THREADS = 8;

    public static void main(String[] a) throws Exception {
        int turns = Integer.parseInt(a[0]);
        boolean processes = a[1].equals("processes");
        boolean accepted = a.length > 2 && a[2].equals("accepted");
        int port;
        if (accepted) {
            ServerSocket server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
            port = server.getLocalPort();
            Thread acceptor = new Thread(() -> {
                while (true) {
                    try {
                        server.accept().close();
                    } catch (Exception e) {
                        // go on
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        } else {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
        }
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        AtomicLongArray done = new AtomicLongArray(THREADS * 16);
        // Connects each thread began: one in flight when the programs attach was refused, maybe, before they were.
        AtomicLongArray started = new AtomicLongArray(THREADS * 16);
        long[] tids = new long[THREADS];
        for (int w = 0; w < THREADS; w++) {
            int slot = w * 16;
            Thread t = new Thread(() -> {
                while (true) {
                    started.incrementAndGet(slot);
                    try (Socket s = new Socket()) {
                        s.connect(to, 1000);
                        if (accepted) {
                            done.incrementAndGet(slot);
                        }
                    } catch (ConnectException refused) {
                        done.incrementAndGet(slot);
                    } catch (Exception e) {
                        // not counted
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            tids[w] = t.getId();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Btf btf = Btf.ofKernel();
        long netns = ConnectErrors.namespaceOfThisProcess();
        Thread.sleep(5000); // warm
        long[] connects = new long[2];
        long[] cpu = new long[2];
        long runs = 0, runNanos = 0, skipped = 0, counted = 0, madeAttached = 0;
        try (AutoCloseable timing = ConnectErrors.timingRuns()) {
            for (int i = 0; i < 2 * turns; i++) {
                int with = (i % 4 == 1 || i % 4 == 2) ? 1 : 0;
                ConnectErrors hooks = with == 1 ? ConnectErrors.attach(btf, netns, processes) : null;
                long begun = total(started);
                long c0 = total(done), t0 = cpu(threads, tids);
                Thread.sleep(1000);
                connects[with] += total(done) - c0;
                cpu[with] += cpu(threads, tids) - t0;
                if (hooks != null) {
                    // Refused after the programs attached: each thread's connects after the one it had begun then.
                    long made = total(done) - begun;
                    long n = accepted ? made : hooks.count(port, 111);
                    madeAttached += made;
                    counted += Math.min(n, made);
                    for (long[] s : hooks.runStats()) {
                        runs += s[0];
                        runNanos += s[1];
                        skipped += s[2];
                    }
                    hooks.close();
                }
            }
        }
        double rateWithout = connects[0] / (double) turns, rateWith = connects[1] / (double) turns;
        double cpuWithout = cpu[0] / 1000.0 / connects[0], cpuWith = cpu[1] / 1000.0 / connects[1];
        System.out.printf(
                "| %s | %s | %d | %.0f | %.0f | %.1f%% | %.2f | %.2f | %.1f%% | %d | %.0f | %d | %d |%n",
                java.time.LocalDate.now(),
                (processes ? "counts and processes" : "counts") + (accepted ? ", accepted connects" : ""),
                turns,
                rateWithout,
                rateWith,
                100 * rateWith / rateWithout,
                cpuWithout,
                cpuWith,
                100 * cpuWithout / cpuWith,
                runs,
                runs == 0 ? 0.0 : runNanos / (double) runs,
                Math.max(0, madeAttached - counted),
                skipped);
    }

    static long total(AtomicLongArray done) {
        long n = 0;
        for (int w = 0; w < THREADS; w++) {
            n += done.get(w * 16);
        }
        return n;
    }

    static long cpu(ThreadMXBean threads, long[] tids) {
        long n = 0;
        for (long t : tids) {
            n += Math.max(0, threads.getThreadCpuTime(t));
        }
        return n;
    }
}
