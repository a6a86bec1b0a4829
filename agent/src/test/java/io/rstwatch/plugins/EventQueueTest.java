package io.rstwatch.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.plugin.AlertChange;
import io.rstwatch.plugin.RstwatchEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The plugin queue: bounded, in order, lock-free for the offering threads, and the waiting taker is woken. */
class EventQueueTest {
    private static RstwatchEvent event(int i) {
        return new AlertChange(Instant.ofEpochSecond(i), AlertChange.Level.OK, AlertChange.Level.WARN, i, "event " + i);
    }

    @Test
    void holdsAtMostItsCapacityAndHandsEventsOverInOrder() {
        EventQueue queue = new EventQueue(3);
        for (int i = 0; i < 3; i++) {
            assertTrue(queue.offer(event(i)));
        }
        assertFalse(queue.hasRoom());
        assertFalse(queue.offer(event(3)), "full: dropped, never blocks");
        List<RstwatchEvent> taken = new ArrayList<>();
        queue.drainTo(taken, 2);
        assertEquals(List.of(event(0), event(1)), taken);
        assertTrue(queue.hasRoom());
        assertTrue(queue.offer(event(4)));
        queue.clear();
        assertTrue(queue.isEmpty());
        for (int i = 0; i < 3; i++) {
            assertTrue(queue.offer(event(10 + i)), "clearing gives the room back");
        }
    }

    @Test
    void aWaitingTakerIsWokenByTheNextOfferNotByItsTimeout() throws Exception {
        EventQueue queue = new EventQueue(8);
        ExecutorService taker = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch waiting = new CountDownLatch(1);
            Future<RstwatchEvent> took = taker.submit(() -> {
                waiting.countDown();
                return queue.poll(60, TimeUnit.SECONDS);
            });
            waiting.await();
            RstwatchEvent e = event(7);
            long offered = System.nanoTime();
            queue.offer(e);
            assertSame(e, took.get(10, TimeUnit.SECONDS), "woken by the offer, well before the 60 s timeout");
            assertTrue(System.nanoTime() - offered < TimeUnit.SECONDS.toNanos(10));
        } finally {
            taker.shutdownNow();
        }
    }

    @Test
    void anEmptyPollReturnsNullAfterItsTimeoutAndAnInterruptEndsIt() {
        EventQueue queue = new EventQueue(8);
        assertNull(assertDoesNotThrowInterrupted(queue));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> queue.poll(10, TimeUnit.SECONDS));
        assertFalse(Thread.interrupted(), "the status is consumed, as a blocking queue's poll does");
    }

    @Test
    void manyOfferingThreadsLoseNothingAndNeverPassTheBound() throws Exception {
        EventQueue queue = new EventQueue(1000);
        int threads = 4;
        int each = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> accepted = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            accepted.add(pool.submit(() -> {
                int n = 0;
                for (int i = 0; i < each; i++) {
                    if (queue.offer(event(i))) {
                        n++;
                    }
                }
                return n;
            }));
        }
        List<RstwatchEvent> taken = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int total = -1;
        while (System.nanoTime() < deadline) {
            queue.drainTo(taken, 512);
            if (accepted.stream().allMatch(Future::isDone)) {
                queue.drainTo(taken, Integer.MAX_VALUE);
                total = 0;
                for (Future<Integer> f : accepted) {
                    total += f.get();
                }
                break;
            }
        }
        pool.shutdownNow();
        assertEquals(total, taken.size(), "every accepted event taken once");
        assertTrue(queue.isEmpty());
        assertTrue(queue.hasRoom());
    }

    private static RstwatchEvent assertDoesNotThrowInterrupted(EventQueue queue) {
        try {
            return queue.poll(50, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
