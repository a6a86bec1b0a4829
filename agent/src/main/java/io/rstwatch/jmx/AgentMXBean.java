package io.rstwatch.jmx;

@Description("The rstwatch agent in this JVM: its version, since when it runs, what is active, and its options.")
public interface AgentMXBean {
    @Description("The rstwatch version.")
    String getVersion();

    @Description("When the agent started in this JVM (ISO-8601, UTC).")
    String getStartedAt();

    @Description("One sentence: what is active, and for anything that is not, why and how to fix it.")
    String getStatus();

    @Description("The effective options, key=value, with where each non-default value came from.")
    String[] getOptions();

    @Description("One row per plugin jar of the plugins= directory: the jar, its plugin classes, its state (running,"
            + " blocked in a call, or disabled and why), events delivered, events dropped because its queue was"
            + " full, failed calls, and the last error.")
    PluginRow[] getPlugins();

    @Description("Events not delivered to plugins because a plugin's queue was full (a slow or blocked plugin),"
            + " over all plugin jars, since start.")
    long getPluginEventsDroppedTotal();

    @Description("How many plugin jars are disabled: they failed to load or start, or failed calls repeatedly.")
    int getPluginsDisabled();
}
