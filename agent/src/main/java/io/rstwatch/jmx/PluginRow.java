package io.rstwatch.jmx;

import javax.management.ConstructorParameters;

/** One plugin jar on rstwatch:type=Agent (an open-type CompositeData in JMX clients). */
public final class PluginRow {
    private final String jar;
    private final String plugins;
    private final String state;
    private final long delivered;
    private final long dropped;
    private final long failures;
    private final String lastError;

    @ConstructorParameters({"jar", "plugins", "state", "delivered", "dropped", "failures", "lastError"})
    public PluginRow(String jar, String plugins, String state, long delivered, long dropped, long failures,
            String lastError) {
        this.jar = jar;
        this.plugins = plugins;
        this.state = state;
        this.delivered = delivered;
        this.dropped = dropped;
        this.failures = failures;
        this.lastError = lastError;
    }

    public String getJar() {
        return jar;
    }

    public String getPlugins() {
        return plugins;
    }

    public String getState() {
        return state;
    }

    public long getDelivered() {
        return delivered;
    }

    public long getDropped() {
        return dropped;
    }

    public long getFailures() {
        return failures;
    }

    public String getLastError() {
        return lastError;
    }
}
