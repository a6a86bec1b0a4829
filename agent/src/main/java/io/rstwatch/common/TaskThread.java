package io.rstwatch.common;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread for short tasks, periodic or once. A task that throws anything, an Error included, is
 * logged once (one WARN line naming it) and keeps its schedule: a plain ScheduledExecutorService would silently
 * cancel it. Tasks of different kinds get different TaskThreads, so that one slow task delays only its own kind.
 */
public final class TaskThread {
    private static final Logger LOG = LoggerFactory.getLogger(TaskThread.class);

    private final String name;
    private final ScheduledExecutorService executor;
    /** Tasks that failed once already: their later failures go to the debug log only. */
    private final Set<String> failed = ConcurrentHashMap.newKeySet();

    public TaskThread(String name) {
        this.name = name;
        this.executor = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(name));
    }

    /** Runs {@code task} every {@code period} after the same initial delay, for as long as the JVM lives. */
    public void every(String taskName, long period, TimeUnit unit, Runnable task) {
        executor.scheduleWithFixedDelay(guarded(taskName, task), period, period, unit);
    }

    /** Runs {@code task} once, soon. */
    public void execute(String taskName, Runnable task) {
        executor.execute(guarded(taskName, task));
    }

    private Runnable guarded(String taskName, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                if (failed.add(taskName)) {
                    LOG.warn(
                            "{} failed on thread {} and will run again as scheduled; the other parts keep working",
                            taskName,
                            name,
                            t);
                } else {
                    LOG.debug("{} failed again", taskName, t);
                }
            }
        };
    }
}
