package io.rstwatch.kernel;

import io.rstwatch.common.ProcFile;
import io.rstwatch.common.ProcFiles;
import io.rstwatch.common.RateWindows;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's TCP counters of the JVM's network namespace (/proc/net/snmp and /proc/net/netstat), and their rates
 * over {@code rate.window}: a pure source of numbers, read when asked (every {@code proc.interval}, by the alert
 * that owns the sampling). Getters serve the last sample; another thread may read them.
 */
public final class KernelTcp {
    /** The counters with a rate, in the order of {@link #rates}' series. */
    private static final List<TcpCounter> RATED = List.of(
            TcpCounter.ATTEMPT_FAILS, TcpCounter.OUT_RSTS, TcpCounter.LISTEN_OVERFLOWS, TcpCounter.EMBRYONIC_RSTS);

    private final ProcFile snmp;
    private final ProcFile netstat;
    private final String hostName;
    private final RateWindows rates;
    private final long[] sampled = new long[RATED.size()];
    private volatile TcpCounters last = TcpCounters.NONE;
    private volatile String readProblem;

    /**
     * @param rateWindowSeconds {@code rate.window}
     * @param intervalSeconds {@code proc.interval}: how often {@link #sample} is called
     */
    public KernelTcp(Path proc, int rateWindowSeconds, int intervalSeconds) {
        this.snmp = new ProcFile(proc.resolve("net/snmp"), ProcNetCounter.MAX_BYTES);
        this.netstat = new ProcFile(proc.resolve("net/netstat"), ProcNetCounter.MAX_BYTES);
        this.hostName = hostName(proc);
        this.rates = RateWindows.ofRunningTotals(RATED.size(), rateWindowSeconds, intervalSeconds);
    }

    private static String hostName(Path proc) {
        try {
            return ProcFiles.read(proc.resolve("sys/kernel/hostname")).trim();
        } catch (IOException | RuntimeException e) {
            return "this host";
        }
    }

    /**
     * Reads the counters and updates the rates, at {@code nowNanos} (System.nanoTime()); null when they were read,
     * else why not, in words (then the last sample stays). One thread at a time.
     */
    public String sample(long nowNanos) {
        try {
            TcpCounters c =
                    new TcpCounters(ProcNetParser.parse(snmp.read(), netstat.read()), System.currentTimeMillis());
            for (int i = 0; i < sampled.length; i++) {
                sampled[i] = c.get(RATED.get(i));
            }
            rates.sample(nowNanos, sampled);
            last = c;
            readProblem = null;
            return null;
        } catch (IOException | RuntimeException e) {
            readProblem = e + " (rstwatch needs read access to /proc/net/snmp and /proc/net/netstat)";
            return readProblem;
        }
    }

    /** The last sample's counters. */
    public TcpCounters counters() {
        return last;
    }

    /** Why the last read failed, or null when it did not. */
    public String readProblem() {
        return readProblem;
    }

    /** The rate of a counter with one (AttemptFails, OutRsts, ListenOverflows, EmbryonicRsts), per second. */
    public double perSecond(TcpCounter counter) {
        int series = RATED.indexOf(counter);
        if (series < 0) {
            throw new IllegalArgumentException(counter + " has no rate");
        }
        return rates.perSecond(series);
    }

    /** The kernel's ListenOverflows rate: a full accept queue's mark, for the Port diagnoses. */
    public double listenOverflowsPerSecond() {
        return perSecond(TcpCounter.LISTEN_OVERFLOWS);
    }

    /** This host's name, as the alert's sentence begins. */
    public String hostName() {
        return hostName;
    }
}
