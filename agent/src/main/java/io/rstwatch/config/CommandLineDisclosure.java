package io.rstwatch.config;

/** How much of other processes' command lines the agent shows (option {@code listeners.cmdline}). */
public enum CommandLineDisclosure {
    /** The command line, with the values of secret-looking arguments and the passwords in URLs replaced. */
    REDACTED,
    /** The command line as the process gave it. */
    FULL,
    /** The executable's name only. */
    OFF
}
