package io.rstwatch.log;

import java.io.PrintStream;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Where the agent's log lines go: one line each, prefixed {@code [rstwatch]}, on the process's stderr.
 * The level is global to the agent and may change once options are read.
 */
public final class AgentLog {
    private static volatile LogLevel level = LogLevel.INFO;

    private AgentLog() {}

    public static void setLevel(LogLevel newLevel) {
        level = newLevel;
    }

    public static boolean enabled(LogLevel at) {
        return at != LogLevel.OFF && at.ordinal() >= level.ordinal();
    }

    /** Writes one line. Line breaks inside the message become spaces, so every event stays one line. */
    public static void write(LogLevel at, String message, Throwable t) {
        if (!enabled(at)) {
            return;
        }
        StringBuilder sb = new StringBuilder(64 + message.length());
        sb.append("[rstwatch] ").append(at.name()).append(' ').append(oneLine(message));
        if (t != null) {
            appendCauses(sb, t);
        }
        PrintStream err = System.err;
        err.println(sb);
        if (t != null && enabled(LogLevel.DEBUG)) {
            try {
                t.printStackTrace(err); // guards against cycles itself
            } catch (RuntimeException | LinkageError e) {
                err.println("[rstwatch] DEBUG (no stack trace: " + describe(e) + ")");
            }
        }
    }

    /**
     * The throwable and its causes, each once: a chain can loop (A caused by B caused by A), as the JDK's own
     * printStackTrace guards against, and a cause's toString() is code of whoever threw it, which may itself throw.
     */
    static void appendCauses(StringBuilder sb, Throwable t) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        String join = ": ";
        for (Throwable c = t; c != null; c = causeOf(c)) {
            if (!seen.add(c)) {
                sb.append("; caused by (a cycle back to ")
                        .append(c.getClass().getName())
                        .append(')');
                return;
            }
            if (seen.size() > MAX_CAUSES) {
                sb.append("; and more causes");
                return;
            }
            sb.append(join).append(oneLine(describe(c)));
            join = "; caused by ";
        }
    }

    /** Causes written at most: a chain built to be long is cut. */
    private static final int MAX_CAUSES = 16;

    private static Throwable causeOf(Throwable t) {
        try {
            return t.getCause();
        } catch (RuntimeException | LinkageError e) {
            return null; // an override that throws: the chain ends here
        }
    }

    /** What {@code t.toString()} says, or its class's name when that throws. */
    public static String describe(Throwable t) {
        try {
            return String.valueOf(t);
        } catch (RuntimeException | LinkageError e) {
            return t.getClass().getName() + " (its toString() threw "
                    + e.getClass().getName() + ")";
        }
    }

    /** One line, with no control character left: a message may carry text of another process or user. */
    private static String oneLine(String s) {
        String folded = s.indexOf('\n') < 0 && s.indexOf('\r') < 0
                ? s
                : s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
        return ForeignText.clean(folded);
    }
}
