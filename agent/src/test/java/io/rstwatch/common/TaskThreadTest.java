package io.rstwatch.common;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testing.Await;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Fault matrix: an Error in a periodic task does not end it, nor the other tasks of its thread. */
class TaskThreadTest {
    @Test
    void aTaskThatThrowsAnErrorKeepsItsScheduleAndSoDoTheOthers() throws Exception {
        TaskThread thread = new TaskThread("rstwatch-test");
        AtomicInteger failing = new AtomicInteger();
        AtomicInteger healthy = new AtomicInteger();
        thread.every("a failing task", 10, TimeUnit.MILLISECONDS, () -> {
            failing.incrementAndGet();
            throw new StackOverflowError("boom");
        });
        thread.every("a healthy task", 10, TimeUnit.MILLISECONDS, healthy::incrementAndGet);
        Await.until("the failing task to run five times", Duration.ofSeconds(10), () -> failing.get() >= 5);
        Await.until("the healthy task to run five times", Duration.ofSeconds(10), () -> healthy.get() >= 5);
    }

    @Test
    void aOneOffTaskThatThrowsLeavesTheThreadWorking() throws Exception {
        TaskThread thread = new TaskThread("rstwatch-test-once");
        AtomicInteger after = new AtomicInteger();
        thread.execute("a failing one-off", () -> {
            throw new IllegalStateException("boom");
        });
        thread.execute("the next one-off", after::incrementAndGet);
        Await.until("the next task to run", Duration.ofSeconds(10), () -> after.get() == 1);
        assertTrue(after.get() == 1);
    }
}
