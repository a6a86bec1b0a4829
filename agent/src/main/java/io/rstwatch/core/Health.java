package io.rstwatch.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What each part of the agent says about itself, in one short clause ("capturing on any (LINUX_SLL2)"), so that
 * the Agent MBean can answer "what is active, and if not, why" in one sentence. A part's clause may be live
 * (its own cached status), as long as producing it does no I/O.
 */
public final class Health {
    private final Map<String, Supplier<String>> parts = new LinkedHashMap<>();

    public synchronized void set(String part, String clause) {
        parts.put(part, () -> clause);
    }

    public synchronized void set(String part, Supplier<String> liveClause) {
        parts.put(part, liveClause);
    }

    public synchronized String sentence() {
        StringBuilder sb = new StringBuilder("rstwatch ").append(Version.get()).append(" is running");
        String sep = ": ";
        for (Supplier<String> clause : parts.values()) {
            sb.append(sep).append(clause.get());
            sep = "; ";
        }
        return sb.append('.').toString();
    }
}
