package io.rstwatch.plugin;

import java.nio.file.Path;
import java.util.Map;

/** What the agent gives a plugin when it starts. */
public interface PluginContext {
    /**
     * The plugin's settings: the entries of {@code NAME.properties} beside the plugin's {@code NAME.jar}, or an
     * empty map when there is no such file.
     *
     * @return an unmodifiable map
     */
    Map<String, String> settings();

    /**
     * The directory the plugin jar was loaded from (the {@code plugins=} option).
     *
     * @return an absolute path
     */
    Path directory();

    /**
     * The running agent's version, such as "0.1.0".
     *
     * @return never null
     */
    String agentVersion();

    /**
     * Writes one line to the agent's log, as {@code [rstwatch] INFO plugin NAME: sentence}.
     *
     * @param sentence what happened; one line
     */
    void log(String sentence);
}
