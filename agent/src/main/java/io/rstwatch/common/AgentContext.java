package io.rstwatch.common;

import io.rstwatch.config.Options;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the composition root hands every {@link Part} when it starts it: the options, the instrumentation (null
 * for the command line), one scheduler for short periodic work, and where events for plugins go.
 */
public final class AgentContext {
    private final Options options;
    private final Instrumentation instrumentation;
    private final ScheduledExecutorService scheduler;
    private final EventSink events;

    public AgentContext(Options options, Instrumentation instrumentation, EventSink events) {
        this.options = options;
        this.instrumentation = instrumentation;
        this.events = events;
        this.scheduler = Executors.newScheduledThreadPool(1, DaemonThreads.named("rstwatch-timer"));
    }

    public Options options() {
        return options;
    }

    /** Null when running as a command-line tool. */
    public Instrumentation instrumentation() {
        return instrumentation;
    }

    /** Where events for plugins go; {@link EventSink#admit()} says whether to build one. */
    public EventSink events() {
        return events;
    }

    /** For short periodic work only (sampling, refreshing caches); long loops get a thread of their own. */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }
}
