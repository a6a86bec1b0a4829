package io.rstwatch.core;

import io.rstwatch.config.Options;
import io.rstwatch.plugins.PluginHost;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** What every part of the running agent shares: options, health, one scheduler, the instrumentation, plugins. */
public final class AgentContext {
    private final Options options;
    private final Health health;
    private final Instrumentation instrumentation;
    private final ScheduledExecutorService scheduler;
    private final PluginHost plugins;

    public AgentContext(Options options, Health health, Instrumentation instrumentation, PluginHost plugins) {
        this.options = options;
        this.health = health;
        this.instrumentation = instrumentation;
        this.plugins = plugins;
        this.scheduler = Executors.newScheduledThreadPool(1, daemonThreads("rstwatch-timer"));
    }

    public Options options() {
        return options;
    }

    public Health health() {
        return health;
    }

    /** Null when running as a command-line tool. */
    public Instrumentation instrumentation() {
        return instrumentation;
    }

    /** Where events for plugins go; {@link PluginHost#admit()} says whether to build one. */
    public PluginHost plugins() {
        return plugins;
    }

    /** For short periodic work only (sampling, refreshing caches); long loops get a thread of their own. */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Daemon threads named "rstwatch-...", so they never keep the application alive and are easy to spot. */
    public static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, n.getAndIncrement() == 0 ? name : name + "-" + n.get());
            t.setDaemon(true);
            return t;
        };
    }
}
