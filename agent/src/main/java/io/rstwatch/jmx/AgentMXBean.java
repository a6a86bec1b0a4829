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
}
