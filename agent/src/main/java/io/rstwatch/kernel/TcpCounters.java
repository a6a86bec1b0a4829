package io.rstwatch.kernel;

import java.util.Map;

/** One sample of the kernel's TCP counters that rstwatch publishes; a counter the kernel lacks reads 0. */
public final class TcpCounters {
    public static final TcpCounters NONE = new TcpCounters(Map.of(), 0);

    private final Map<String, Long> values;
    private final long sampledAtMillis;

    public TcpCounters(Map<String, Long> values, long sampledAtMillis) {
        this.values = Map.copyOf(values);
        this.sampledAtMillis = sampledAtMillis;
    }

    public long get(String key) {
        Long v = values.get(key);
        return v == null ? 0 : v;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public long sampledAtMillis() {
        return sampledAtMillis;
    }

    public long attemptFails() {
        return get("Tcp.AttemptFails");
    }

    public long outRsts() {
        return get("Tcp.OutRsts");
    }

    public long listenOverflows() {
        return get("TcpExt.ListenOverflows");
    }
}
