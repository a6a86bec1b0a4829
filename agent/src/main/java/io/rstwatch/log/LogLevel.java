package io.rstwatch.log;

/** The agent's log levels, in increasing severity; OFF silences everything. */
public enum LogLevel {
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR,
    OFF
}
