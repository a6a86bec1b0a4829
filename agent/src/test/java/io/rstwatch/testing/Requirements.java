package io.rstwatch.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (root, a tool). On a developer's machine a missing need skips the test;
 * under CI (CI=true) it fails, so that a missing install step can never hide behind a skip.
 */
public final class Requirements {
    private Requirements() {}

    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    public static void require(boolean met, String what) {
        if (met) {
            return;
        }
        if (underCi()) {
            throw new AssertionError("this test needs " + what + ", which CI must provide (see bin/test)");
        }
        Assumptions.abort("needs " + what);
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
