package io.rstwatch.common;

import io.rstwatch.config.Options;

/**
 * What the composition root hands every {@link Part} when it starts it: the options, where events for plugins go, and two threads for periodic work: the sampler (rates,
 * the alert, the MBeans' cached values) and the scanner (reading /proc: listeners, addresses), so that a slow
 * scan of a big host never delays a rate or the alert.
 */
public final class AgentContext {
    private final Options options;
    private final EventSink events;
    private final TaskThread sampler = new TaskThread("rstwatch-sampler");
    private final TaskThread scanner = new TaskThread("rstwatch-scanner");

    public AgentContext(Options options, EventSink events) {
        this.options = options;
        this.events = events;
    }

    public Options options() {
        return options;
    }

    /** Where events for plugins go; {@link EventSink#admit(long)} says whether to build one. */
    public EventSink events() {
        return events;
    }

    /** For sampling and publishing: short tasks, no I/O beyond a small /proc file. */
    public TaskThread sampler() {
        return sampler;
    }

    /** For reading /proc at length: listening sockets and their owners, this host's addresses. */
    public TaskThread scanner() {
        return scanner;
    }
}
