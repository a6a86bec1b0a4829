package io.rstwatch.plugins;

/**
 * When a plugin jar is disabled for failing: {@link #LIMIT} failed calls of one method in a row. Calls of another
 * method in between (a port name asked while events fail) neither count nor break the streak; a success of the
 * failing method ends it. A failed start disables the jar at once, so it never counts here. One thread only.
 */
final class FailureStreak {
    static final int LIMIT = 5;
    /** Plugin methods whose failure is handled elsewhere. */
    private static final String START = "start";

    private int inARow;
    private String method = "";

    /** A call of {@code name} returned normally. */
    void succeeded(String name) {
        if (name.equals(method)) {
            inARow = 0;
        }
    }

    /** A call of {@code name} threw; true when that disables the jar. */
    boolean failed(String name) {
        inARow = name.equals(method) ? inARow + 1 : 1;
        method = name;
        return inARow >= LIMIT && !START.equals(name);
    }
}
