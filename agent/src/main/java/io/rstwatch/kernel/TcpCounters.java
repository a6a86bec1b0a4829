package io.rstwatch.kernel;

import java.util.Map;

/** One sample of the kernel's TCP counters that rstwatch publishes; a counter the kernel lacks reads 0. */
public final class TcpCounters {
    static final TcpCounters NONE = new TcpCounters(Map.of(), 0);

    private final long[] values = new long[TcpCounter.values().length];
    private final long sampledAtMillis;

    /** @param parsed what {@link ProcNetParser} read, by "Section.Name" */
    TcpCounters(Map<String, Long> parsed, long sampledAtMillis) {
        for (TcpCounter c : TcpCounter.values()) {
            Long v = parsed.get(c.key());
            values[c.ordinal()] = v == null ? 0 : v;
        }
        this.sampledAtMillis = sampledAtMillis;
    }

    public long get(TcpCounter counter) {
        return values[counter.ordinal()];
    }

    public long sampledAtMillis() {
        return sampledAtMillis;
    }
}
