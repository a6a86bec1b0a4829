package io.rstwatch.log;

/** The agent's log levels, in increasing severity; OFF silences everything. */
public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR, OFF;

    public static LogLevel parse(String s) {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
