package io.rstwatch.runtime;

import io.rstwatch.common.Version;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What each part of the agent says about itself, in one short clause ("capturing on any (LINUX_SLL2)"), so that
 * the Agent MBean can answer "what is active, and if not, why" in one sentence. A part's clause may be live
 * (its own cached status), as long as producing it does no I/O; an empty clause says nothing.
 */
final class Health {
    private final Map<String, Supplier<String>> parts = new LinkedHashMap<>();

    synchronized void set(String part, String clause) {
        parts.put(part, () -> clause);
    }

    synchronized void set(String part, Supplier<String> liveClause) {
        parts.put(part, liveClause);
    }

    synchronized String sentence() {
        StringBuilder sb = new StringBuilder("rstwatch ").append(Version.get()).append(" is running");
        String sep = ": ";
        for (Supplier<String> clause : parts.values()) {
            String c = clause.get();
            if (!c.isEmpty()) {
                sb.append(sep).append(c);
                sep = "; ";
            }
        }
        return sb.append('.').toString();
    }
}
