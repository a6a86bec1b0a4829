import io.rstwatch.ebpf.ConnectErrors;
import io.rstwatch.ebpf.KernelEvents;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the in-kernel programs cost an application's refused-connect loop: eight threads connect to a closed
 * loopback port as fast as they can, and the programs are attached for one turn of a second and detached for the
 * next, ABBA, so that a drift of the machine falls on both alike. "clients": ConnectErrors, the hook that names
 * the processes whose connects fail (the agent's clients=on); "source": KernelEvents, the in-kernel source
 * (capture.method=ebpf), its ring drained by a thread of this JVM as the agent's does, which is counted in the CPU
 * with. Reported: connects per second and CPU per connect with and without, the kernel's own timing of each
 * program run, and the refusals the programs counted against those the loop made while attached (lost ones).
 * "agent": both, as an agent at its defaults attaches them (the source's state program counting the clients'
 * failures too); "four": four agents' on one host, all counting the loop (their namespace is its).
 * Usage: java -cp CLASSES:JNA EbpfHooks.java TURNS clients|source|agent|four   (as root, or CAP_BPF and CAP_PERFMON)
 */
public class EbpfHooks {
    static final int THREADS = 8;

    public static void main(String[] a) throws Exception {
        int turns = Integer.parseInt(a[0]);
        String mode = a[1];
        // What attaches in a turn: the source (one, or four agents'), or the Clients' own hook alone.
        int sources = switch (mode) {
            case "source", "agent" -> 1;
            case "four" -> 4;
            default -> 0;
        };
        // An agent at its defaults counts the clients in the source's own state program: no second hook.
        int hooks = mode.equals("clients") ? 1 : 0;
        boolean sourceCountsClients = mode.equals("agent") || mode.equals("four");
        boolean source = sources > 0;
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        AtomicLongArray done = new AtomicLongArray(THREADS * 16);
        // Connects each thread began: one in flight when the programs attach was refused, maybe, before they were.
        AtomicLongArray started = new AtomicLongArray(THREADS * 16);
        long[] tids = new long[THREADS + 1];
        for (int w = 0; w < THREADS; w++) {
            int slot = w * 16;
            Thread t = new Thread(() -> {
                while (true) {
                    started.incrementAndGet(slot);
                    try (Socket s = new Socket()) {
                        s.connect(to, 1000);
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
        // The sources' reader, as each agent's: drains the rings of the KernelEvents attached, counting the first's.
        AtomicLong refusedEvents = new AtomicLong();
        KernelEvents.Sink refusals = e -> {
            if (e.kind == KernelEvents.REFUSED && e.dstPort == port) {
                refusedEvents.addAndGet(e.count);
            }
        };
        java.util.concurrent.atomic.AtomicReference<List<KernelEvents>> attached =
                new java.util.concurrent.atomic.AtomicReference<>(List.of());
        Thread reader = new Thread(() -> {
            while (true) {
                List<KernelEvents> ks = attached.get();
                if (ks.isEmpty()) {
                    sleep(5);
                    continue;
                }
                synchronized (attached) {
                    if (attached.get() != ks) {
                        continue;
                    }
                    // The agent reads the kernel's own counts once a second; the bench reads them at each detach.
                    int n = 0;
                    for (KernelEvents k : ks) {
                        n += k.drain(k == ks.get(0) ? refusals : e -> {}, 2048);
                    }
                    if (n == 0) {
                        ks.get(0).await(100);
                    }
                }
                sleep(5);
            }
        });
        reader.setDaemon(true);
        reader.start();
        tids[THREADS] = reader.getId();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long netns = ConnectErrors.namespaceOfThisProcess();
        Thread.sleep(5000); // warm
        long[] connects = new long[2];
        long[] cpu = new long[2];
        long runs = 0, runNanos = 0, skipped = 0, counted = 0, madeAttached = 0;
        try (AutoCloseable timing = ConnectErrors.timingRuns()) {
            for (int i = 0; i < 2 * turns; i++) {
                int with = (i % 4 == 1 || i % 4 == 2) ? 1 : 0;
                List<ConnectErrors> clients = new ArrayList<>();
                List<KernelEvents> events = new ArrayList<>();
                for (int c = 0; with == 1 && c < hooks; c++) {
                    clients.add(ConnectErrors.attach(netns));
                }
                for (int c = 0; with == 1 && c < sources; c++) {
                    events.add(KernelEvents.attach(netns, 4 << 20, sourceCountsClients));
                }
                refusedEvents.set(0);
                attached.set(List.copyOf(events));
                long begun = total(started);
                long c0 = total(done), t0 = cpu(threads, tids);
                Thread.sleep(1000);
                connects[with] += total(done) - c0;
                cpu[with] += cpu(threads, tids) - t0;
                if (with == 1) {
                    // Refused after the programs attached: each thread's connects after the one it had begun then.
                    long made = total(done) - begun;
                    long n;
                    List<long[]> stats = new ArrayList<>();
                    if (source) {
                        KernelEvents first = events.get(0);
                        synchronized (attached) {
                            while (first.drain(refusals, 1 << 20) > 0) {
                                // the rest of the ring
                            }
                            first.aggregates(refusals); // beyond the ring's budget: counted in the kernel
                            attached.set(List.of());
                        }
                        n = refusedEvents.get() + first.lost();
                    } else {
                        n = clients.get(0).count(port, 111);
                    }
                    for (KernelEvents k : events) {
                        stats.addAll(List.of(k.runStats()));
                        k.close();
                    }
                    for (ConnectErrors c : clients) {
                        stats.add(c.runStats());
                        c.close();
                    }
                    madeAttached += made;
                    counted += Math.min(n, made);
                    for (long[] s : stats) { // every program of every copy
                        runs += s[0];
                        runNanos += s[1];
                        skipped += s[2];
                    }
                }
            }
        }
        double rateWithout = connects[0] / (double) turns, rateWith = connects[1] / (double) turns;
        double cpuWithout = cpu[0] / 1000.0 / connects[0], cpuWith = cpu[1] / 1000.0 / connects[1];
        System.out.printf(
                "| %s | %s | %d | %.0f | %.0f | %.1f%% | %.2f | %.2f | %.1f%% | %d | %.0f | %d | %d |%n",
                java.time.LocalDate.now(),
                switch (mode) {
                    case "source" -> "source (capture.method=ebpf)";
                    case "agent" -> "source and clients (an agent's defaults)";
                    case "four" -> "four agents' source and clients";
                    default -> "clients";
                },
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

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // go on
        }
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
