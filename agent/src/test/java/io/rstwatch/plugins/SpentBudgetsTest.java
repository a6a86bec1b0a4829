package io.rstwatch.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SpentBudgetsTest {
    private static final long SECOND = EventBudget.WINDOW_NANOS;
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);
    /** The caller's time (a packet's, ms since the epoch) at nanoTime t. */
    private static final long EPOCH_MILLIS = 1_764_000_000_000L;

    private static EventBudget spentAt(int perSecond, long t) {
        EventBudget b = new EventBudget(perSecond, t);
        for (int i = 0; i < perSecond; i++) {
            assertTrue(b.take(t));
        }
        assertFalse(b.hasRoom(t));
        return b;
    }

    @Test
    void holdsBackUntilTheFirstWindowEndsCountingAgainstEveryBudget() {
        long t = 100 * SECOND;
        EventBudget early = spentAt(2, t);
        EventBudget late = spentAt(1, t + 300 * MILLI);
        SpentBudgets spent = new SpentBudgets();
        assertFalse(spent.holdBack(EPOCH_MILLIS), "nothing spent yet");

        spent.spent(new EventBudget[] {early, late}, t + 400 * MILLI, EPOCH_MILLIS);
        for (int i = 0; i < 5; i++) {
            assertTrue(spent.holdBack(EPOCH_MILLIS + 100 * i));
        }
        assertTrue(spent.holdBack(EPOCH_MILLIS + 599), "the earlier window ends 600 ms after");
        assertFalse(spent.holdBack(EPOCH_MILLIS + 600), "then the budgets are asked again");
        assertEquals(6, early.drainHeldBack());
        assertEquals(6, late.drainHeldBack());
    }

    @Test
    void aCallerBehindByUpToTheSlackIsHeldBackButAClockStepBackIsAskedAgain() {
        long t = 7 * SECOND;
        EventBudget b = spentAt(1, t);
        SpentBudgets spent = new SpentBudgets();
        spent.spent(new EventBudget[] {b}, t, EPOCH_MILLIS);
        assertTrue(spent.holdBack(EPOCH_MILLIS - 250), "a packet that waited a block's timeout");
        assertFalse(spent.holdBack(EPOCH_MILLIS - SpentBudgets.SLACK_MILLIS), "the wall clock stepped back");
        assertTrue(spent.holdBack(EPOCH_MILLIS + 999));
        assertEquals(2, b.drainHeldBack());
    }

    @Test
    void openedByAJarWithRoomAndWithNoBudgetLooksAgainAWindowLater() {
        long t = 3 * SECOND;
        SpentBudgets spent = new SpentBudgets();
        spent.spent(new EventBudget[] {spentAt(1, t)}, t, EPOCH_MILLIS);
        spent.open();
        assertFalse(spent.holdBack(EPOCH_MILLIS + 1));

        spent.spent(new EventBudget[0], t, EPOCH_MILLIS);
        assertTrue(spent.holdBack(EPOCH_MILLIS + 999), "no jar takes events: nothing to count, nothing to build");
        assertFalse(spent.holdBack(EPOCH_MILLIS + 1000));
    }
}
