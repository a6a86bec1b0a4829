package io.rstwatch.common;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads named "rstwatch-...", so they never keep the application alive and are easy to spot. */
public final class DaemonThreads {
    private DaemonThreads() {}

    /** Threads named {@code name}, then {@code name-1}, {@code name-2}, ... */
    public static ThreadFactory named(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, n.getAndIncrement() == 0 ? name : name + "-" + n.get());
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts {@code task} on a new daemon thread named {@code name}. */
    public static Thread start(String name, Runnable task) {
        Thread t = named(name).newThread(task);
        t.start();
        return t;
    }
}
