package io.rstwatch.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventBudgetTest {
    private static final long SECOND = EventBudget.WINDOW_NANOS;

    @Test
    void passesItsBudgetInAWindowThenHoldsBackAndCounts() {
        long t = 1_000 * SECOND;
        EventBudget budget = new EventBudget(3, t);
        for (int i = 0; i < 3; i++) {
            assertTrue(budget.hasRoom(t + i));
            assertTrue(budget.take(t + i));
        }
        assertFalse(budget.hasRoom(t + 3));
        assertFalse(budget.take(t + 3));
        assertFalse(budget.take(t + SECOND - 1));
        budget.countHeldBack();
        assertEquals(3, budget.drainHeldBack());
        assertEquals(0, budget.drainHeldBack(), "drained");
    }

    @Test
    void aNewWindowOpensASecondAfterTheLastOneOpened() {
        long t = 5 * SECOND;
        EventBudget budget = new EventBudget(1, t);
        assertTrue(budget.take(t + 10));
        assertFalse(budget.take(t + SECOND + 9));
        assertTrue(budget.take(t + SECOND + 10), "the window opened at t+10 has ended");
        assertFalse(budget.take(t + SECOND + 11));
        assertTrue(budget.take(t + 60 * SECOND), "after a quiet minute");
    }

    @Test
    void hasRoomTakesNothing() {
        EventBudget budget = new EventBudget(1, 0);
        for (int i = 0; i < 10; i++) {
            assertTrue(budget.hasRoom(i));
        }
        assertTrue(budget.take(10));
        assertFalse(budget.hasRoom(11));
    }

    @Test
    void zeroOrLessIsNoLimitAndCountsNothing() {
        for (EventBudget budget : List.of(EventBudget.UNLIMITED, new EventBudget(-4, 0))) {
            assertFalse(budget.limited());
            for (int i = 0; i < 100_000; i++) {
                assertTrue(budget.take(i));
            }
            assertEquals(0, budget.drainHeldBack());
        }
    }

    @Test
    void manyThreadsInOneWindowPassTheBudgetExactlyAndLoseNoCount() throws Exception {
        int threads = 8;
        int each = 50_000;
        EventBudget budget = new EventBudget(1000, 0);
        long now = 1; // one window for every take
        budget.take(now);
        AtomicLong passed = new AtomicLong(1);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int k = 0; k < each; k++) {
                    if (budget.take(now)) {
                        passed.incrementAndGet();
                    }
                }
            });
            t.start();
            started.add(t);
        }
        go.countDown();
        for (Thread t : started) {
            t.join();
        }
        assertEquals(1000, passed.get());
        assertEquals((long) threads * each + 1 - 1000, budget.drainHeldBack());
    }
}
