package io.rstwatch.plugin;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What the agent gives a plugin when it starts. The agent builds it with {@link #of}, so that its class, like
 * every type a plugin is handed, belongs to this API and leads nowhere into the agent.
 */
public interface PluginContext {
    /**
     * A context of these values: how the agent makes the one it hands a plugin, and how a plugin's own tests can
     * make one.
     *
     * @param settings the plugin's settings; copied
     * @param directory the directory the plugin jar was loaded from
     * @param agentVersion the agent's version
     * @param log where {@link #log} sends a sentence
     * @return an immutable context
     */
    static PluginContext of(Map<String, String> settings, Path directory, String agentVersion, Consumer<String> log) {
        return new Context(
                Map.copyOf(settings),
                Objects.requireNonNull(directory),
                Objects.requireNonNull(agentVersion),
                Objects.requireNonNull(log));
    }

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
     * The version of this API the running agent implements: 1 had four event kinds; 2 adds
     * {@link UnansweredConnect} and {@link UnreachableConnect}; 3 adds {@link RstwatchPlugin#maxEventsPerSecond}
     * and {@link RstwatchPlugin#onSuppressed}; 4 adds {@link NameNotResolved} and {@link TlsHandshakeFailed}. A
     * plugin built against a newer version can check it before it relies on what that version added.
     *
     * @return 4 for this API
     */
    default int apiVersion() {
        return Context.API_VERSION;
    }

    /**
     * Writes one line to the agent's log, as {@code [rstwatch] INFO plugin NAME: sentence}.
     *
     * @param sentence what happened; one line
     */
    void log(String sentence);
}
