package io.rstwatch.runtime;

import io.rstwatch.common.Times;
import io.rstwatch.common.Version;
import io.rstwatch.config.Options;
import io.rstwatch.jmx.AgentMXBean;
import io.rstwatch.jmx.PluginRow;
import io.rstwatch.plugins.PluginHost;
import java.util.Map;

/** Backs the Agent MBean. Everything here is fixed at start or cached in {@link Health}. */
final class AgentInfo implements AgentMXBean {
    private final String startedAt;
    private final String[] options;
    private final Health health;
    private final PluginHost plugins;

    AgentInfo(long startedAtMillis, Options options, Health health, PluginHost plugins) {
        this.plugins = plugins;
        this.startedAt = Times.iso(startedAtMillis);
        this.options = options.describe().entrySet().stream()
                .map((Map.Entry<String, String> e) -> e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        this.health = health;
    }

    @Override
    public String getVersion() {
        return Version.get();
    }

    @Override
    public String getStartedAt() {
        return startedAt;
    }

    @Override
    public String getStatus() {
        return health.sentence();
    }

    @Override
    public String[] getOptions() {
        return options.clone();
    }

    @Override
    public PluginRow[] getPlugins() {
        return plugins.rows();
    }

    @Override
    public long getPluginEventsDroppedTotal() {
        return plugins.droppedTotal();
    }

    @Override
    public int getPluginsDisabled() {
        return plugins.disabledCount();
    }
}
