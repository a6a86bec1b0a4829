package io.rstwatch.plugins;

import io.rstwatch.plugin.RstwatchEvent;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A plugin jar's bounded event queue: many threads offer (the capture threads, the application's on a failed
 * connect), one takes (the jar's thread). Offering takes no lock, so that the capture thread never waits for the
 * plugin's thread nor wakes it for each event (with a locked queue, handing the lock back and forth was half the
 * capture thread's time under a flood); the taker is woken only when it waits with nothing queued.
 */
final class EventQueue {
    private final ConcurrentLinkedQueue<RstwatchEvent> events = new ConcurrentLinkedQueue<>();
    /** Events queued, or about to be: bounds the queue before the event goes in. */
    private final AtomicInteger size = new AtomicInteger();

    private final int capacity;
    /** The taker while it waits in {@link #poll}, else null. */
    private volatile Thread waiting;

    EventQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Queues the event unless the queue is full; never blocks. */
    boolean offer(RstwatchEvent event) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return false;
        }
        events.offer(event);
        Thread w = waiting;
        if (w != null) {
            waiting = null;
            LockSupport.unpark(w);
        }
        return true;
    }

    boolean hasRoom() {
        return size.get() < capacity;
    }

    boolean isEmpty() {
        return events.isEmpty();
    }

    /** Moves up to {@code max} queued events to {@code to}, oldest first; the taker's thread only. */
    void drainTo(List<RstwatchEvent> to, int max) {
        int n = 0;
        for (RstwatchEvent e; n < max && (e = events.poll()) != null; n++) {
            to.add(e);
        }
        size.addAndGet(-n);
    }

    /** The oldest event, waiting up to {@code timeout} for one; null if none came. The taker's thread only. */
    RstwatchEvent poll(long timeout, TimeUnit unit) throws InterruptedException {
        RstwatchEvent e = events.poll();
        if (e == null) {
            waiting = Thread.currentThread();
            e = events.poll(); // an event offered before the taker said it waits would not wake it
            if (e == null) {
                LockSupport.parkNanos(this, unit.toNanos(timeout));
                e = events.poll();
            }
            waiting = null;
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        if (e != null) {
            size.decrementAndGet();
        }
        return e;
    }

    void clear() {
        int n = 0;
        while (events.poll() != null) {
            n++;
        }
        size.addAndGet(-n);
    }
}
