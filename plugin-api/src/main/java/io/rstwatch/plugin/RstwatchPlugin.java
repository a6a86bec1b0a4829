package io.rstwatch.plugin;

/**
 * An rstwatch plugin. Every method has a default, so a plugin implements only what it needs. All calls for one
 * plugin jar come from one thread, one at a time, never from the thread that captured the packet.
 */
public interface RstwatchPlugin {
    /**
     * Called once, before any other method.
     *
     * @param context the plugin's settings and the agent's log
     * @throws Exception to refuse to start: the plugin is then disabled and the reason shown on the Agent MBean
     */
    default void start(PluginContext context) throws Exception {}

    /**
     * One event. Use {@code instanceof}, or a {@code switch} over the permitted types with a default branch: API
     * version 2 added two kinds, and later versions may add more.
     *
     * @param event immutable; may be kept
     * @throws Exception counted as a failure; after several failures in a row the plugin is disabled
     */
    default void onEvent(RstwatchEvent event) throws Exception {}

    /**
     * The most events a second this plugin wants, asked once, after {@link #start}. Past it, in each second, the
     * agent does not even build the events for this plugin: it counts them and hands the count to
     * {@link #onSuppressed}. Under a flood of 100,000 refusals a second, a plugin that writes a line per event and
     * says 1000 here costs the agent almost nothing more than no plugin. {@link AlertChange} events are never held
     * back. API version 3.
     *
     * @return events a second, 1 or more; 0 (the default) or less for every event
     */
    default int maxEventsPerSecond() {
        return 0;
    }

    /**
     * How many events were held back from this plugin by {@link #maxEventsPerSecond} since the last call. Called
     * at most once a second, only when some were, and once more before {@link #stop} with the rest. API version 3.
     *
     * @param events 1 or more
     * @throws Exception counted as a failure, like one from {@link #onEvent}
     */
    default void onSuppressed(long events) throws Exception {}

    /**
     * Called when the events queued for this plugin have all been delivered: the moment to write out anything
     * buffered (a file, a batch to send), rather than after every event.
     *
     * @throws Exception counted as a failure, like one from {@link #onEvent}
     */
    default void flush() throws Exception {}

    /**
     * Names a port, for the Service attribute of its Port MBean and rows of the Listeners MBean (for example
     * 7211 -&gt; "collector-component"). Asked once per port, when the agent first needs the name; a name given
     * here comes before the one from /etc/services.
     *
     * @param port 1 to 65535
     * @return the name, or null when this plugin does not name the port
     */
    default String portName(int port) {
        return null;
    }

    /** Called once when the JVM exits, for flushing; keep it short, the JVM waits at most a second for all plugins. */
    default void stop() {}
}
