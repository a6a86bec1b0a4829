package io.rstwatch.plugins;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The policy that disables a failing plugin jar. */
class FailureStreakTest {
    @Test
    void fiveFailuresOfOneMethodInARowDisable() {
        FailureStreak streak = new FailureStreak();
        for (int i = 1; i < FailureStreak.LIMIT; i++) {
            assertFalse(streak.failed("onEvent"), "failure " + i);
        }
        assertTrue(streak.failed("onEvent"));
    }

    @Test
    void aSuccessOfTheFailingMethodEndsTheStreak() {
        FailureStreak streak = new FailureStreak();
        for (int i = 1; i < FailureStreak.LIMIT; i++) {
            streak.failed("onEvent");
        }
        streak.succeeded("onEvent");
        for (int i = 1; i < FailureStreak.LIMIT; i++) {
            assertFalse(streak.failed("onEvent"));
        }
    }

    @Test
    void anotherMethodSucceedingInBetweenNeitherCountsNorBreaksIt() {
        FailureStreak streak = new FailureStreak();
        for (int i = 1; i < FailureStreak.LIMIT; i++) {
            streak.failed("onEvent");
            streak.succeeded("portName");
        }
        assertTrue(streak.failed("onEvent"));
    }

    @Test
    void failuresOfDifferentMethodsStartOver() {
        FailureStreak streak = new FailureStreak();
        for (int i = 1; i < FailureStreak.LIMIT; i++) {
            streak.failed("onEvent");
        }
        assertFalse(streak.failed("flush"), "a failure of another method starts a new streak");
        for (int i = 2; i < FailureStreak.LIMIT; i++) {
            assertFalse(streak.failed("flush"));
        }
        assertTrue(streak.failed("flush"));
    }

    @Test
    void startIsNeverCountedHere() {
        FailureStreak streak = new FailureStreak();
        for (int i = 0; i < FailureStreak.LIMIT * 2; i++) {
            assertFalse(streak.failed("start"));
        }
    }
}
