package io.rstwatch.common;

/**
 * One part of the agent (capture, the kernel counters, the listener inventory, ...), started by the composition
 * root in a list. A part that fails to start says why in the Agent's Status; the others start all the same.
 */
public interface Part {
    /** What the part is, for sentences: "capture", "kernel TCP counters". */
    String name();

    /** Starts the part: registers its MBeans, schedules its work. May throw: the root reports it and goes on. */
    void start(AgentContext context) throws Exception;

    /**
     * One clause for the Agent's Status ("capturing on any (LINUX_SLL2)"), or "" when the part has nothing to
     * say. Called by MBean getters, from before {@link #start} is called: cached, no I/O.
     */
    String status();
}
