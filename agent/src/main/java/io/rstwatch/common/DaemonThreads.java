package io.rstwatch.common;

import io.rstwatch.log.AgentLog;
import io.rstwatch.log.LogLevel;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads named "rstwatch-...", so they never keep the application alive and are easy to spot. Whatever
 * ends one by surprise is one {@code [rstwatch]} line, never a bare stack trace on the application's stderr.
 */
public final class DaemonThreads {
    private DaemonThreads() {}

    /** Threads named {@code name}, then {@code name-1}, {@code name-2}, ... */
    public static ThreadFactory named(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, n.getAndIncrement() == 0 ? name : name + "-" + n.get());
            t.setDaemon(true);
            t.setUncaughtExceptionHandler(DaemonThreads::ended);
            return t;
        };
    }

    private static void ended(Thread t, Throwable e) {
        AgentLog.write(
                LogLevel.WARN,
                "thread " + t.getName() + " ended on an unexpected error; the other parts keep" + " working",
                e);
    }

    /** Whether the calling thread is one of the agent's (its name starts "rstwatch"), its plugins' included. */
    public static boolean onAgentThread() {
        return Thread.currentThread().getName().startsWith("rstwatch");
    }

    /** Starts {@code task} on a new daemon thread named {@code name}. */
    public static Thread start(String name, Runnable task) {
        Thread t = named(name).newThread(task);
        t.start();
        return t;
    }

    /**
     * Sleeps for {@code millis} whatever happens: an interrupt is not ours to obey on our own threads, since the
     * application may interrupt any thread it finds.
     */
    public static void pause(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (long left = millis; left > 0; left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())) {
            try {
                Thread.sleep(left);
            } catch (InterruptedException e) {
                // ignored, see above; the interrupt status is cleared by the exception
            }
        }
    }
}
