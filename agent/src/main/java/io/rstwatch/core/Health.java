package io.rstwatch.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each part of the agent says about itself, in one short clause ("capture active on any"), so that the
 * Agent MBean can answer "what is active, and if not, why" in one sentence.
 */
public final class Health {
    private final Map<String, String> parts = new LinkedHashMap<>();

    public synchronized void set(String part, String clause) {
        parts.put(part, clause);
    }

    public synchronized String sentence() {
        StringBuilder sb = new StringBuilder("rstwatch ").append(Version.get()).append(" is running");
        String sep = ": ";
        for (String clause : parts.values()) {
            sb.append(sep).append(clause);
            sep = "; ";
        }
        return sb.append('.').toString();
    }
}
