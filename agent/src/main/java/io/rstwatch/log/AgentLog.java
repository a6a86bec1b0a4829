package io.rstwatch.log;

import java.io.PrintStream;

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
            sb.append(": ").append(oneLine(String.valueOf(t)));
            for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                sb.append("; caused by ").append(oneLine(String.valueOf(c)));
            }
        }
        PrintStream err = System.err;
        err.println(sb);
        if (t != null && enabled(LogLevel.DEBUG)) {
            t.printStackTrace(err);
        }
    }

    private static String oneLine(String s) {
        return s.indexOf('\n') < 0 && s.indexOf('\r') < 0
                ? s
                : s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
